"""Reads compiled MOF: the text a DSC compiler writes for one configuration. Pure.

A compiled configuration is a list of ``instance of <Class> as $<alias> { Name = value; };``
blocks. Each resource instance carries the ``OMI_BaseResource`` properties (``ResourceID``
such as ``[File]MotdFile``, ``ModuleName``, ``ModuleVersion``, ``ConfigurationName``) and its
own settings; credentials and key-value pairs are separate instances referenced by
``$alias``; a final ``OMI_ConfigurationDocument`` instance names the configuration.

The reader follows the grammar of OMI's MOF parser (the one the Linux agent and
PowerShell-DSC-for-Linux use) and DMTF's DSP0221: ``#pragma`` lines, ``//`` and ``/* */``
comments, strings with every escape (raw newlines inside a string are part of it; adjacent
literals concatenate), char16 literals, integers (decimal, hex, octal, binary), reals,
booleans, ``NULL``, arrays ``{...}`` of values, alias references, embedded ``instance of``
values and qualifiers before a property (``[Key] Name = "x";``), keywords in any case.

Any text gives a :class:`MofDocument` or a :class:`ConfigurationError` naming the line and
column: tokens are read one at a time (no list of them is built), aliases are resolved without
recursion, and the size of the text, the number of instances and values, the length of number
literals and the nesting of instances (inline or through aliases) are bounded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Union

from .._files import read_file_bytes
from .._redact import redacts, show
from ..errors import ConfigurationError
from ._encodings import decode_mof

#: A property value: text, a number, a boolean, NULL, an array or an embedded instance.
MofValue = Union[str, int, float, bool, None, "MofInstance", tuple["MofValue", ...]]

#: Properties every DSC resource inherits from ``OMI_BaseResource``.
BASE_PROPERTIES = (
    "ResourceID",
    "SourceInfo",
    "DependsOn",
    "ModuleName",
    "ModuleVersion",
    "ConfigurationName",
)
CONFIGURATION_DOCUMENT = "OMI_ConfigurationDocument"

#: The longest MOF text read (characters).
MAX_MOF_CHARACTERS = 16 * 1024 * 1024
#: At most this many ``instance of`` blocks, counting embedded ones.
MAX_INSTANCES = 20_000
#: At most this many values (each array item, string part, qualifier and pragma counts).
MAX_VALUES = 200_000
#: Instances nest (inline, or by alias) at most this deep.
MAX_DEPTH = 32
#: Aliases may expand to at most this many instances when followed from one instance.
MAX_EXPANDED = 100_000
#: The longest number literal, in characters (a 64-bit binary literal is 66).
MAX_NUMBER_LENGTH = 100
# MOF's widest integers are sint64 and uint64.
_INTEGER_RANGE = (-(2**63), 2**64 - 1)

# `[Type]Name`; composite resources nest as `[Inner]Name::[Outer]Name`, kept whole in `name`.
_RESOURCE_ID = re.compile(r"\[(?P<type>[^\[\]]+)\](?P<name>.+)", re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")
_DOCUMENT_VERSION = re.compile(r"\d+\.\d+\.\d+", re.ASCII)


# A MOF may hold a credential in clear text: reprs show property names only.
@redacts("properties")
@dataclass(frozen=True)
class MofInstance:
    """One ``instance of`` block: its class, ``$alias`` (without ``$``), properties, line."""

    class_name: str
    alias: str | None
    properties: Mapping[str, MofValue]
    line: int

    def get(self, name: str) -> MofValue:
        """A property by name, compared case-insensitively as MOF does; None when absent."""
        for key, value in self.properties.items():
            if key.lower() == name.lower():
                return value
        return None

    def has(self, name: str) -> bool:
        """Whether the instance sets ``name`` (case-insensitively), even to NULL."""
        return any(key.lower() == name.lower() for key in self.properties)


# A MOF may hold a credential in clear text: reprs show property names only.
@redacts("properties")
@dataclass(frozen=True)
class MofResource:
    """A resource of the configuration (an instance with a ``ResourceID``).

    ``resource_type`` and ``name`` come from a ``[Type]Name`` ResourceID (None for native
    resources whose ID is free text, or empty). ``properties`` holds the resource's own
    settings, without the ``OMI_BaseResource`` ones, which have fields of their own.
    """

    class_name: str
    alias: str | None
    resource_id: str
    resource_type: str | None
    name: str | None
    module_name: str
    module_version: str
    configuration_name: str | None
    depends_on: tuple[str, ...]
    properties: Mapping[str, MofValue]
    line: int


@dataclass(frozen=True)
class MofDocument:
    """A compiled configuration: its name, resources, every instance, and pragmas.

    ``configuration_name`` is the ``Name`` of the ``OMI_ConfigurationDocument``; without a
    document, the one ``ConfigurationName`` all resources share; else None (WMF 4 era MOFs
    have no name: the package names them). ``resource_configuration_names`` lists the distinct
    ``ConfigurationName`` values of the resources, which may differ from the document's name.
    ``warnings`` says what the agent may object to without refusing the MOF.
    """

    configuration_name: str | None
    resources: tuple[MofResource, ...]
    instances: tuple[MofInstance, ...]
    document: MofInstance | None
    pragmas: tuple[tuple[str, str], ...] = field(default=())
    resource_configuration_names: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    def resource(self, resource_id: str) -> MofResource | None:
        """The resource whose ``ResourceID`` is exactly ``resource_id``."""
        for resource in self.resources:
            if resource.resource_id == resource_id:
                return resource
        return None

    @property
    def modules(self) -> dict[str, str]:
        """Every module the resources come from, with its version."""
        return {r.module_name: r.module_version for r in self.resources}


# --- Tokens ---------------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # ident, string, char, number, alias, punct, pragma, eof
    text: str
    value: object
    line: int
    column: int


_PUNCTUATION = frozenset("{}()[];,=:")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# MOF numbers (OMI mof_getnumber, DSP0221): reals, then hex, binary, octal and decimal integers.
# MOF numbers (OMI mof_getnumber, DSP0221), tried in this order: a real, a hex, a binary, then
# a decimal or octal integer; a literal running on into a letter, digit, '_' or '.' is none.
_NUMBER = re.compile(
    r"(?P<real>[+-]?(?:[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+))(?![0-9A-Za-z_.])"
    r"|(?P<hex>[+-]?0[xX][0-9A-Fa-f]+)(?![0-9A-Za-z_.])"
    r"|(?P<binary>[+-]?[01]+[bB])(?![0-9A-Za-z_.])"
    r"|(?P<decimal>[+-]?[0-9]+)(?![0-9A-Za-z_.])"
)
_HEX_DIGITS = re.compile(r"[0-9A-Fa-f]{1,4}")
_NUMBER_START = re.compile(r"[+-]?\.?[0-9]")
_DIGITS = frozenset("0123456789")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}
_TRIVIA_START = frozenset(" \t\r\n\f\v\ufeff/")
_SPACES = re.compile(r"[ \t\r\f\v\ufeff\n]*")


class _Tokenizer:
    def __init__(self, text: str, source: str, path: str) -> None:
        self.text = text
        self.source = source
        self.path = path
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def error(
        self, reason: str, line: int | None = None, column: int | None = None
    ) -> ConfigurationError:
        where = f"line {line or self.line}"
        col = column if column is not None else self.pos - self.line_start + 1
        return ConfigurationError(self.path, f"{self.source}, {where}, column {col}: {reason}")

    def _count_lines(self, start: int, end: int) -> None:
        """Account for the newlines in ``text[start:end]`` (comments, raw string content)."""
        count = self.text.count("\n", start, end)
        if count:
            self.line += count
            self.line_start = self.text.rfind("\n", start, end) + 1

    def _skip_space_and_comments(self) -> None:
        text = self.text
        while True:
            start = self.pos
            end = _SPACES.match(text, start).end()  # type: ignore[union-attr]
            if end != start:
                self._count_lines(start, end)
                self.pos = end
            if text.startswith("//", end):
                stop = text.find("\n", end)
                self.pos = len(text) if stop < 0 else stop
            elif text.startswith("/*", end):
                start_line, start_column = self.line, end - self.line_start + 1
                stop = text.find("*/", end + 2)
                if stop < 0:
                    raise self.error("comment '/*' is never closed", start_line, start_column)
                self._count_lines(end, stop)
                self.pos = stop + 2
            else:
                return

    def _column(self) -> int:
        return self.pos - self.line_start + 1

    def _token(self, kind: str, start: int, value: object, line: int, column: int) -> _Token:
        shown = self.text[start : min(self.pos, start + 60)]
        return _Token(kind, shown, value, line, column)

    def next(self) -> _Token:
        if self.pos < len(self.text) and self.text[self.pos] in _TRIVIA_START:
            self._skip_space_and_comments()
        if self.pos >= len(self.text):
            return _Token("eof", "end of file", None, self.line, self._column())
        text = self.text
        start, line = self.pos, self.line
        column = start - self.line_start + 1
        char = text[start]
        if char in _PUNCTUATION:
            self.pos += 1
            return _Token("punct", char, char, line, column)
        if char == '"':
            value = self._string()
            return self._token("string", start, value, line, column)
        if char == "'":
            value = self._char16()
            return self._token("char", start, value, line, column)
        if char == "$":
            self.pos += 1
            match = _IDENT.match(text, self.pos)
            if match is None:
                raise self.error("expected an alias name after '$'")
            self.pos = match.end()
            return self._token("alias", start, match.group(), line, column)
        if char == "#":
            match = _IDENT.match(text, start + 1)
            if match is None or match.group().lower() != "pragma":
                raise self.error("'#' starts only a '#pragma' line in MOF")
            self.pos = match.end()
            return self._token("pragma", start, "pragma", line, column)
        if char in _DIGITS or (char in "+-." and _NUMBER_START.match(text, start)):
            number = self._number()
            return self._token("number", start, number, line, column)
        match = _IDENT.match(text, start)
        if match is not None:
            self.pos = match.end()
            return self._token("ident", start, match.group(), line, column)
        raise self.error(f"unexpected character {show(char)}")

    def _number(self) -> int | float:
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.error("malformed number")
        literal = match.group()
        if len(literal) > MAX_NUMBER_LENGTH:
            raise self.error(
                f"a number literal of {len(literal):,} characters: no MOF type holds more "
                f"than {MAX_NUMBER_LENGTH}"
            )
        kind = match.lastgroup
        if kind == "real":
            real = float(literal)
            if math.isinf(real):
                raise self.error(f"{show(literal)} is too large for a MOF real")
            self.pos = match.end()
            return real
        if kind == "binary":
            value = int(literal[:-1], 2)
        elif kind == "hex":
            value = int(literal, 16)
        else:
            value = self._decimal_or_octal(literal)
        if not _INTEGER_RANGE[0] <= value <= _INTEGER_RANGE[1]:
            raise self.error(f"{show(literal)} is outside the 64-bit range of MOF integers")
        self.pos = match.end()
        return value

    def _decimal_or_octal(self, literal: str) -> int:
        digits = literal.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            # A leading zero makes an octal literal in MOF.
            if set(digits) - set("01234567"):
                raise self.error(f"{show(literal)} is not a valid octal number")
            return int(literal, 8)
        return int(literal)

    def _string(self) -> str:
        """A ``"…"`` literal. Raw newlines are part of it, as in OMI's lexer."""
        text = self.text
        start_line, start_column = self.line, self._column()
        self.pos += 1
        parts: list[str] = []
        quote = -1
        while True:
            if quote < self.pos:
                # Found once per closing-quote candidate: an escaped quote moves past it.
                quote = text.find('"', self.pos)
            if quote < 0:
                raise self.error(
                    "string is not closed before the end of the file", start_line, start_column
                )
            backslash = text.find("\\", self.pos, quote)
            stop = backslash if backslash >= 0 else quote
            parts.append(text[self.pos : stop])
            self._count_lines(self.pos, stop)
            self.pos = stop
            if stop == quote:
                self.pos += 1
                return "".join(parts)
            parts.append(self._escape())

    def _char16(self) -> str:
        text = self.text
        self.pos += 1
        if self.pos >= len(text) or text[self.pos] in "'\n":
            raise self.error("a char16 literal holds exactly one character")
        if text[self.pos] == "\\":
            value = self._escape()
        else:
            value = text[self.pos]
            self.pos += 1
        if self.pos >= len(text) or text[self.pos] != "'":
            raise self.error("a char16 literal holds exactly one character")
        self.pos += 1
        return value

    def _escape(self) -> str:
        text = self.text
        if self.pos + 1 >= len(text):
            raise self.error("escape '\\' at the end of the text")
        code = text[self.pos + 1]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        if code in "xX":
            match = _HEX_DIGITS.match(text, self.pos + 2)
            if match is None:
                raise self.error("'\\x' needs 1-4 hex digits")
            point = int(match.group(), 16)
            if 0xD800 <= point <= 0xDFFF:
                raise self.error(
                    f"'\\x{match.group()}' is half of a UTF-16 surrogate pair, not a character"
                )
            self.pos = match.end()
            return chr(point)
        raise self.error(f"unknown escape '\\{code}'")


# --- Parser ---------------------------------------------------------------------------------


@dataclass
class _Reference:
    """An ``$alias`` used as a value, resolved once every instance is read."""

    alias: str
    line: int
    column: int


@dataclass
class _RawInstance:
    """An instance as read, its values still holding references."""

    class_name: str
    alias: str | None
    properties: dict[str, object]
    line: int
    column: int


class _Parser:
    def __init__(self, tokenizer: _Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.current = tokenizer.next()
        self.pragmas: list[tuple[str, str]] = []
        self.instances = 0
        self.values = 0

    def error(self, reason: str, token: _Token | None = None) -> ConfigurationError:
        at = token or self.current
        return self.tokenizer.error(reason, at.line, at.column)

    def advance(self) -> _Token:
        token = self.current
        if token.kind != "eof":
            self.current = self.tokenizer.next()
        return token

    def is_punct(self, char: str) -> bool:
        return self.current.kind == "punct" and self.current.value == char

    def is_keyword(self, word: str) -> bool:
        token = self.current
        return token.kind == "ident" and str(token.value).lower() == word

    def expect_punct(self, char: str, what: str) -> _Token:
        if not self.is_punct(char):
            raise self.error(f"expected '{char}' {what}, found {_describe(self.current)}")
        return self.advance()

    def expect_keyword(self, word: str, what: str) -> _Token:
        if not self.is_keyword(word):
            raise self.error(f"expected '{word}' {what}, found {_describe(self.current)}")
        return self.advance()

    def expect_ident(self, what: str) -> _Token:
        token = self.current
        if token.kind != "ident":
            raise self.error(f"expected {what}, found {_describe(token)}")
        return self.advance()

    # document := (pragma | [qualifiers] instance ';')* EOF
    def document(self) -> list[_RawInstance]:
        instances: list[_RawInstance] = []
        while self.current.kind != "eof":
            if self.current.kind == "pragma":
                self.pragma()
                continue
            if self.is_punct("["):
                self.qualifiers()
            if self.is_keyword("instance"):
                instances.append(self.instance(depth=1))
                self.expect_punct(";", "after the closing '}' of an instance")
            elif self.is_keyword("class") or self.is_keyword("qualifier"):
                raise self.error(
                    "class and qualifier declarations belong in schema MOFs, not in a "
                    "compiled configuration"
                )
            else:
                raise self.error(f"expected 'instance of', found {_describe(self.current)}")
        return instances

    # pragma := '#pragma' ident '(' string+ ')'
    def pragma(self) -> None:
        self.count_value()
        self.advance()
        name = self.expect_ident("a pragma name")
        if not self.is_punct("("):
            raise self.error(
                f"#pragma {name.value} needs its value in parentheses, #pragma {name.value}"
                '("value"); a pragma without them is a WMI registration MOF, not a compiled '
                "configuration",
                name,
            )
        self.advance()
        value = self.string_value(f"as the argument of #pragma {name.value}")
        self.expect_punct(")", f"after the argument of #pragma {name.value}")
        if str(name.value).lower() == "include":
            raise self.error(
                f"#pragma include({show(value)}) reads another file: a package holds one MOF, so "
                "compile the configuration into a single file",
                name,
            )
        self.pragmas.append((str(name.value), value))

    # qualifiers := '[' qualifier (',' qualifier)* ']'
    # qualifier := ident [ '(' value ')' | array ] [ ':' ident+ ]
    def qualifiers(self) -> None:
        self.advance()
        while True:
            self.count_value()
            name = self.expect_ident("a qualifier name")
            if self.is_punct("("):
                self.advance()
                self.scalar(f"qualifier {name.value}", depth=MAX_DEPTH)
                self.expect_punct(")", f"after the value of qualifier {name.value}")
            elif self.is_punct("{"):
                self.array(f"qualifier {name.value}", depth=MAX_DEPTH)
            if self.is_punct(":"):
                self.advance()
                self.expect_ident("a qualifier flavor")
                while self.current.kind == "ident":
                    self.advance()
            if self.is_punct(","):
                self.advance()
                continue
            self.expect_punct("]", "to close the qualifiers")
            return

    # instance := 'instance' 'of' ident ['as' alias] '{' ([qualifiers] ident '=' value ';')* '}'
    def instance(self, depth: int) -> _RawInstance:
        start = self.expect_keyword("instance", "")
        if depth > MAX_DEPTH:
            raise self.error(f"instances nest deeper than {MAX_DEPTH} levels", start)
        self.instances += 1
        if self.instances > MAX_INSTANCES:
            raise self.error(f"more than {MAX_INSTANCES:,} instances", start)
        self.expect_keyword("of", "after 'instance'")
        class_name = str(self.expect_ident("a class name after 'instance of'").value)
        alias: str | None = None
        if self.is_keyword("as"):
            self.advance()
            token = self.current
            if token.kind != "alias":
                raise self.error(f"expected an alias such as $Name1ref, found {_describe(token)}")
            alias = str(self.advance().value)
        self.expect_punct("{", f"to open instance of {class_name}")
        properties: dict[str, object] = {}
        seen: set[str] = set()
        while not self.is_punct("}"):
            if self.current.kind == "eof":
                raise self.error(f"instance of {class_name} is never closed with '}}'")
            if self.is_punct("["):
                self.qualifiers()
            name = self.expect_ident(f"a property name in instance of {class_name}")
            key = str(name.value)
            if key.lower() in seen:
                raise self.error(f"property {key} is set twice", name)
            seen.add(key.lower())
            self.expect_punct("=", f"after property {key}")
            properties[key] = self.value(key, depth)
            self.expect_punct(";", f"after the value of {key}")
        self.advance()
        return _RawInstance(class_name, alias, properties, start.line, start.column)

    def string_value(self, what: str) -> str:
        token = self.current
        if token.kind != "string":
            raise self.error(f"expected a string {what}, found {_describe(token)}")
        parts = []
        while self.current.kind == "string":
            self.count_value()
            parts.append(str(self.advance().value))
        return "".join(parts)

    def count_value(self) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.error(f"more than {MAX_VALUES:,} values")

    # value := array | scalar
    def value(self, property_name: str, depth: int) -> object:
        if self.is_punct("{"):
            return self.array(property_name, depth)
        return self.scalar(property_name, depth)

    # scalar := string+ | char | number | TRUE | FALSE | NULL | alias | instance
    def scalar(self, property_name: str, depth: int) -> object:
        self.count_value()
        token = self.current
        if token.kind == "string":
            return self.string_value(f"for {property_name}")
        if token.kind in ("char", "number"):
            self.advance()
            return token.value
        if token.kind == "alias":
            self.advance()
            return _Reference(str(token.value), token.line, token.column)
        if token.kind == "ident":
            word = str(token.value).lower()
            if word in ("true", "false"):
                self.advance()
                return word == "true"
            if word == "null":
                self.advance()
                return None
            if word == "instance":
                return self.instance(depth + 1)
        if token.kind == "punct" and token.value == "{":
            raise self.error(f"the array of {property_name} holds an array: arrays hold values")
        raise self.error(f"expected a value for {property_name}, found {_describe(token)}")

    # array := '{' [scalar (',' scalar)*] '}'
    def array(self, property_name: str, depth: int) -> tuple[object, ...]:
        self.advance()
        items: list[object] = []
        if self.is_punct("}"):
            self.advance()
            return ()
        while True:
            items.append(self.scalar(property_name, depth))
            if self.is_punct(","):
                self.advance()
                continue
            if self.is_punct("}"):
                self.advance()
                return tuple(items)
            raise self.error(f"expected ',' or '}}' in the array of {property_name}")


def _describe(token: _Token) -> str:
    if token.kind == "eof":
        return "the end of the file"
    text = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return repr(text)


# --- Public entry points --------------------------------------------------------------------


def parse_mof(text: str, *, source: str = "MOF", path: str = "mof") -> MofDocument:
    """Read compiled MOF text. ``source`` names it in messages, ``path`` is the error's path."""
    if not isinstance(text, str):
        raise ConfigurationError(path, f"expected MOF text, got {type(text).__name__}")
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        raise ConfigurationError(
            path,
            f"{source} holds a lone surrogate (U+{ord(surrogate.group()):04X}) at character "
            f"{surrogate.start():,}: it is not text in any encoding",
        )
    if len(text) > MAX_MOF_CHARACTERS:
        raise ConfigurationError(
            path, f"{source} is {len(text):,} characters, over the limit of {MAX_MOF_CHARACTERS:,}"
        )
    tokenizer = _Tokenizer(text, source, path)
    parser = _Parser(tokenizer)
    raw = parser.document()
    instances = _resolve(raw, tokenizer)
    return _interpret(instances, parser.pragmas, tokenizer)


def read_mof(file: Path, *, path: str = "mof") -> MofDocument:
    """Read a compiled MOF file (a regular file of at most 16 MiB) in any encoding OMI reads:
    UTF-8 with or without BOM, UTF-16 with or without BOM, or Windows-1252."""
    data = read_file_bytes(file, path)
    return parse_mof(decode_mof(data, source=file.name, path=path), source=file.name, path=path)


def _references(instance: _RawInstance) -> tuple[list[tuple[_Reference, int]], int, int]:
    """The alias references in ``instance`` and its embedded instances, each with the level it
    sits at (1: the instance itself), the embedded nesting depth and the embedded count."""
    found: list[tuple[_Reference, int]] = []
    deepest = 1
    embedded = 0
    pending: list[tuple[object, int]] = [(v, 1) for v in instance.properties.values()]
    while pending:
        value, level = pending.pop()
        if isinstance(value, _Reference):
            found.append((value, level))
        elif isinstance(value, tuple):
            pending.extend((item, level) for item in value)
        elif isinstance(value, _RawInstance):
            embedded += 1
            deepest = max(deepest, level + 1)
            pending.extend((v, level + 1) for v in value.properties.values())
    return found, deepest, embedded


def _resolve(raw: list[_RawInstance], tokenizer: _Tokenizer) -> list[MofInstance]:
    """Replace ``$alias`` references with the instances they name, without recursion.

    The instances are ordered so every instance comes after those it references (a cycle is
    an error), then built in that order; the nesting depth and the number of instances one
    instance expands to are bounded, so later walks of the values stay small.
    """
    by_alias: dict[str, _RawInstance] = {}
    for instance in raw:
        if instance.alias is None:
            continue
        key = instance.alias.lower()
        if key in by_alias:
            raise tokenizer.error(
                f"alias ${instance.alias} is declared twice (first on line {by_alias[key].line})",
                instance.line,
                instance.column,
            )
        by_alias[key] = instance

    targets: dict[int, list[_RawInstance]] = {}
    levels: dict[int, list[int]] = {}
    own: dict[int, tuple[int, int]] = {}
    for instance in raw:
        named: list[_RawInstance] = []
        references, deepest, embedded = _references(instance)
        own[id(instance)] = (deepest, embedded)
        levels[id(instance)] = [level for _, level in references]
        for reference, _ in references:
            target = by_alias.get(reference.alias.lower())
            if target is None:
                raise tokenizer.error(
                    f"${reference.alias} names no instance in this file",
                    reference.line,
                    reference.column,
                )
            if target is instance:
                raise tokenizer.error(
                    f"${reference.alias} refers to itself", reference.line, reference.column
                )
            named.append(target)
        targets[id(instance)] = named

    order = _dependency_order(raw, targets, tokenizer)
    built: dict[int, MofInstance] = {}
    depth: dict[int, int] = {}
    expanded: dict[int, int] = {}
    for instance in order:
        named = targets[id(instance)]
        deepest, embedded = own[id(instance)]
        depth[id(instance)] = max(
            [
                deepest,
                *(
                    level + depth[id(t)]
                    for level, t in zip(levels[id(instance)], named, strict=True)
                ),
            ]
        )
        expanded[id(instance)] = 1 + embedded + sum(expanded[id(t)] for t in named)
        if depth[id(instance)] > MAX_DEPTH:
            raise tokenizer.error(
                f"instances nest deeper than {MAX_DEPTH} levels (embedded or through aliases)",
                instance.line,
                instance.column,
            )
        if expanded[id(instance)] > MAX_EXPANDED:
            raise tokenizer.error(
                f"the aliases of this instance expand to more than {MAX_EXPANDED:,} instances",
                instance.line,
                instance.column,
            )
        built[id(instance)] = _build(instance, by_alias, built)
    return [built[id(instance)] for instance in raw]


def _dependency_order(
    raw: list[_RawInstance], targets: dict[int, list[_RawInstance]], tokenizer: _Tokenizer
) -> list[_RawInstance]:
    """The instances, each after every instance it references; a cycle is an error."""
    state: dict[int, int] = {}  # 1: on the path being followed, 2: done
    order: list[_RawInstance] = []
    for root in raw:
        if state.get(id(root)) == 2:
            continue
        stack: list[tuple[_RawInstance, int]] = [(root, 0)]
        state[id(root)] = 1
        while stack:
            instance, index = stack[-1]
            named = targets[id(instance)]
            if index < len(named):
                stack[-1] = (instance, index + 1)
                target = named[index]
                mark = state.get(id(target))
                if mark == 1:
                    alias = target.alias or target.class_name
                    raise tokenizer.error(
                        f"${alias} refers to itself through other aliases",
                        instance.line,
                        instance.column,
                    )
                if mark is None:
                    state[id(target)] = 1
                    stack.append((target, 0))
                continue
            stack.pop()
            state[id(instance)] = 2
            order.append(instance)
    return order


def _build(
    instance: _RawInstance, by_alias: Mapping[str, _RawInstance], built: Mapping[int, MofInstance]
) -> MofInstance:
    """``instance`` with references replaced by built instances (embedded ones nest at most
    :data:`MAX_DEPTH` deep, so this recursion is bounded)."""

    def value_of(value: object) -> MofValue:
        if isinstance(value, _Reference):
            return built[id(by_alias[value.alias.lower()])]
        if isinstance(value, tuple):
            return tuple(value_of(item) for item in value)
        if isinstance(value, _RawInstance):
            return _build(value, by_alias, built)
        return value  # type: ignore[return-value]

    properties = {name: value_of(value) for name, value in instance.properties.items()}
    return MofInstance(instance.class_name, instance.alias, properties, instance.line)


def _interpret(
    instances: list[MofInstance],
    pragmas: list[tuple[str, str]],
    tokenizer: _Tokenizer,
) -> MofDocument:
    """Find the configuration document, the resources and the configuration's name."""
    documents = [i for i in instances if i.class_name.lower() == CONFIGURATION_DOCUMENT.lower()]
    if len(documents) > 1:
        raise tokenizer.error(
            f"{CONFIGURATION_DOCUMENT} appears twice (lines {documents[0].line} and "
            f"{documents[1].line})",
            documents[1].line,
            1,
        )
    document = documents[0] if documents else None
    resources: list[MofResource] = []
    seen_ids: dict[str, int] = {}
    for instance in instances:
        if instance is document or not instance.has("ResourceID"):
            continue
        resource = _resource(instance, tokenizer)
        # The LCM compares ResourceIDs without case (ModuleValidator.c).
        key = resource.resource_id.casefold()
        if key in seen_ids:
            raise tokenizer.error(
                f"ResourceID {show(resource.resource_id)} is used twice (first on line "
                f"{seen_ids[key]}): the configuration manager compares ResourceIDs without case",
                instance.line,
                1,
            )
        seen_ids[key] = instance.line
        resources.append(resource)

    resource_names: list[str] = []
    for resource in resources:
        name = resource.configuration_name
        if name is not None and name not in resource_names:
            resource_names.append(name)
    warnings: list[str] = []
    configuration_name: str | None = None
    if document is not None:
        document_name = document.get("Name")
        if isinstance(document_name, str) and document_name:
            configuration_name = document_name
        version = document.get("Version")
        if not isinstance(version, str) or not _DOCUMENT_VERSION.fullmatch(version):
            warnings.append(
                f"{tokenizer.source}: the {CONFIGURATION_DOCUMENT} has no Version such as "
                "'2.0.0', which the local configuration manager requires"
            )
        document_type = document.get("DocumentType")
        if isinstance(document_type, str) and document_type.lower() == "inventory":
            warnings.append(
                f'{tokenizer.source} is an inventory document (DocumentType = "inventory"), '
                "which the local configuration manager does not apply as a configuration"
            )
    elif len(resource_names) == 1:
        configuration_name = resource_names[0]
    return MofDocument(
        configuration_name=configuration_name,
        resources=tuple(resources),
        instances=tuple(instances),
        document=document,
        pragmas=tuple(pragmas),
        resource_configuration_names=tuple(resource_names),
        warnings=tuple(warnings),
    )


def _resource(instance: MofInstance, tokenizer: _Tokenizer) -> MofResource:
    def text(property_name: str, *, required: bool, empty: bool = False) -> str | None:
        value = instance.get(property_name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (not value and not empty):
            state = "missing" if value is None else f"not a non-empty string ({_shown(value)})"
            raise tokenizer.error(
                f"{property_name} of instance of {instance.class_name} is {state}: every DSC "
                "resource carries ResourceID, ModuleName and ModuleVersion",
                instance.line,
                1,
            )
        return value

    resource_id = text("ResourceID", required=True, empty=True)
    module_name = text("ModuleName", required=True)
    module_version = text("ModuleVersion", required=True)
    assert resource_id is not None and module_name is not None and module_version is not None
    depends = instance.get("DependsOn")
    if depends is None:
        depends_on: tuple[str, ...] = ()
    elif isinstance(depends, tuple) and all(isinstance(d, str) for d in depends):
        depends_on = tuple(str(d) for d in depends)
    else:
        raise tokenizer.error(
            f"DependsOn of {resource_id} must be an array of ResourceIDs", instance.line, 1
        )
    configuration_name = instance.get("ConfigurationName")
    match = _RESOURCE_ID.fullmatch(resource_id)
    base = {p.lower() for p in BASE_PROPERTIES}
    return MofResource(
        class_name=instance.class_name,
        alias=instance.alias,
        resource_id=resource_id,
        resource_type=match.group("type") if match else None,
        name=match.group("name") if match else None,
        module_name=module_name,
        module_version=module_version,
        configuration_name=configuration_name
        if isinstance(configuration_name, str) and configuration_name
        else None,
        depends_on=depends_on,
        properties={k: v for k, v in instance.properties.items() if k.lower() not in base},
        line=instance.line,
    )


def _shown(value: object) -> str:
    if isinstance(value, MofInstance):
        return f"an instance of {value.class_name}"
    if isinstance(value, tuple):
        return f"an array of {len(value)}"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
