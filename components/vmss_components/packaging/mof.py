"""Reads compiled MOF: the text a DSC compiler writes for one configuration. Pure.

A compiled configuration is a list of ``instance of <Class> as $<alias> { Name = value; };``
blocks. Each resource instance carries the ``OMI_BaseResource`` properties (``ResourceID``
such as ``[File]MotdFile``, ``ModuleName``, ``ModuleVersion``, ``ConfigurationName``) and its
own settings; credentials and key-value pairs are separate instances referenced by
``$alias``; a final ``OMI_ConfigurationDocument`` instance names the configuration.

The reader is a small tokenizer and a recursive-descent parser over the subset of the DMTF
MOF grammar (DSP0221) that compilers emit: ``#pragma`` lines, ``//`` and ``/* */`` comments,
strings with escapes (adjacent literals concatenate), char16 literals, integers (decimal,
hex, octal, binary), reals, booleans, ``NULL``, arrays ``{...}``, alias references and
embedded ``instance of`` values. Anything else is a :class:`ConfigurationError` naming the
line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from ..errors import ConfigurationError

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

# `[Type]Name`; composite resources nest as `[Inner]Name::[Outer]Name`, kept whole in `name`.
_RESOURCE_ID = re.compile(r"\[(?P<type>[^\[\]]+)\](?P<name>.+)", re.DOTALL)


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


@dataclass(frozen=True)
class MofResource:
    """A resource of the configuration (an instance with a ``ResourceID``).

    ``resource_type`` and ``name`` come from a ``[Type]Name`` ResourceID (None for native
    resources whose ID is free text). ``properties`` holds the resource's own settings, without
    the ``OMI_BaseResource`` ones, which have fields of their own.
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
    """A compiled configuration: its name, resources, every instance, and pragmas."""

    configuration_name: str
    resources: tuple[MofResource, ...]
    instances: tuple[MofInstance, ...]
    document: MofInstance | None
    pragmas: tuple[tuple[str, str], ...] = field(default=())

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


@dataclass(frozen=True)
class _Token:
    kind: str  # ident, string, char, number, alias, punct, pragma, eof
    text: str
    value: object
    line: int
    column: int


_PUNCTUATION = set("{}()[];,=:")
_IDENT_START = re.compile(r"[A-Za-z_]")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# MOF numbers (DSP0221): reals, then hex, binary, octal and decimal integers.
_REAL = re.compile(r"[+-]?(?:\d*\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)")
_HEX = re.compile(r"[+-]?0[xX][0-9A-Fa-f]+")
_BINARY = re.compile(r"[+-]?[01]+[bB]")
_DECIMAL = re.compile(r"[+-]?\d+")
_HEX_DIGITS = re.compile(r"[0-9A-Fa-f]{1,4}")
_NUMBER_START = re.compile(r"[+-]?\.?\d")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


class _Tokenizer:
    def __init__(self, text: str, source: str, path: str) -> None:
        self.text = text
        self.source = source
        self.path = path
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def error(self, reason: str, line: int | None = None, column: int | None = None) -> Exception:
        where = f"line {line or self.line}"
        col = column if column is not None else self.pos - self.line_start + 1
        return ConfigurationError(self.path, f"{self.source}, {where}, column {col}: {reason}")

    def _newline(self, at: int) -> None:
        self.line += 1
        self.line_start = at + 1

    def _skip_space_and_comments(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self._newline(self.pos)
                self.pos += 1
            elif char in " \t\r\f\v\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                start_line, start_column = self.line, self.pos - self.line_start + 1
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("comment '/*' is never closed", start_line, start_column)
                for index in range(self.pos, end):
                    if text[index] == "\n":
                        self._newline(index)
                self.pos = end + 2
            else:
                return

    def tokens(self) -> list[_Token]:
        found: list[_Token] = []
        while True:
            self._skip_space_and_comments()
            if self.pos >= len(self.text):
                found.append(_Token("eof", "end of file", None, self.line, self._column()))
                return found
            found.append(self._next())

    def _column(self) -> int:
        return self.pos - self.line_start + 1

    def _token(self, kind: str, start: int, value: object, line: int, column: int) -> _Token:
        return _Token(kind, self.text[start : self.pos], value, line, column)

    def _next(self) -> _Token:
        text = self.text
        start, line, column = self.pos, self.line, self._column()
        char = text[start]
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
        if char in _PUNCTUATION:
            self.pos += 1
            return self._token("punct", start, char, line, column)
        if char.isdigit() or (char in "+-." and self._starts_number()):
            number = self._number()
            return self._token("number", start, number, line, column)
        if _IDENT_START.match(char):
            match = _IDENT.match(text, start)
            assert match is not None
            self.pos = match.end()
            return self._token("ident", start, match.group(), line, column)
        raise self.error(f"unexpected character {char!r}")

    def _starts_number(self) -> bool:
        return _NUMBER_START.match(self.text, self.pos) is not None

    def _number(self) -> int | float:
        text = self.text
        forms: tuple[tuple[re.Pattern[str], Callable[[str], int | float]], ...] = (
            (_REAL, float),
            (_HEX, lambda s: int(s, 16)),
            (_BINARY, lambda s: int(s[:-1], 2)),
            (_DECIMAL, self._decimal_or_octal),
        )
        for pattern, convert in forms:
            match = pattern.match(text, self.pos)
            if match is not None:
                end = match.end()
                if end < len(text) and (text[end].isalnum() or text[end] in "_."):
                    continue
                self.pos = end
                value: int | float = convert(match.group())
                return value
        raise self.error("malformed number")

    def _decimal_or_octal(self, literal: str) -> int:
        digits = literal.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            # A leading zero makes an octal literal in MOF.
            if set(digits) - set("01234567"):
                raise self.error(f"{literal!r} is not a valid octal number")
            return int(literal, 8)
        return int(literal)

    def _string(self) -> str:
        text = self.text
        self.pos += 1
        parts: list[str] = []
        while True:
            if self.pos >= len(text) or text[self.pos] == "\n":
                raise self.error("string is not closed before the end of the line")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(parts)
            if char == "\\":
                parts.append(self._escape())
                continue
            parts.append(char)
            self.pos += 1

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
            self.pos = match.end()
            return chr(int(match.group(), 16))
        raise self.error(f"unknown escape '\\{code}'")


# --- Parser ---------------------------------------------------------------------------------


@dataclass
class _Reference:
    """An ``$alias`` used as a value, resolved once every instance is read."""

    alias: str
    line: int
    column: int


class _Parser:
    def __init__(self, tokens: list[_Token], tokenizer: _Tokenizer) -> None:
        self.tokens = tokens
        self.index = 0
        self.tokenizer = tokenizer
        self.pragmas: list[tuple[str, str]] = []

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, reason: str, token: _Token | None = None) -> Exception:
        at = token or self.current
        return self.tokenizer.error(reason, at.line, at.column)

    def advance(self) -> _Token:
        token = self.current
        if token.kind != "eof":
            self.index += 1
        return token

    def is_keyword(self, word: str) -> bool:
        token = self.current
        return token.kind == "ident" and token.text.lower() == word

    def expect_punct(self, char: str, what: str) -> _Token:
        token = self.current
        if token.kind != "punct" or token.value != char:
            raise self.error(f"expected '{char}' {what}, found {_describe(token)}")
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

    # document := (pragma | instance)* EOF
    def document(self) -> list[MofInstance]:
        instances: list[MofInstance] = []
        while self.current.kind != "eof":
            if self.current.kind == "pragma":
                self.pragma()
            elif self.is_keyword("instance"):
                instances.append(self.instance())
                self.expect_punct(";", "after the closing '}' of an instance")
            elif self.is_keyword("class") or (
                self.current.kind == "punct" and self.current.value == "["
            ):
                raise self.error(
                    "class declarations and qualifiers belong in schema MOFs, not in a "
                    "compiled configuration"
                )
            else:
                raise self.error(f"expected 'instance of', found {_describe(self.current)}")
        return instances

    # pragma := '#pragma' ident '(' string ')'
    def pragma(self) -> None:
        self.advance()
        name = self.expect_ident("a pragma name")
        self.expect_punct("(", f"after #pragma {name.text}")
        value = self.string_value(f"as the argument of #pragma {name.text}")
        self.expect_punct(")", f"after the argument of #pragma {name.text}")
        self.pragmas.append((name.text, value))

    # instance := 'instance' 'of' ident ['as' alias] '{' (ident '=' value ';')* '}'
    def instance(self) -> MofInstance:
        start = self.expect_keyword("instance", "")
        self.expect_keyword("of", "after 'instance'")
        class_name = self.expect_ident("a class name after 'instance of'").text
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
        while not (self.current.kind == "punct" and self.current.value == "}"):
            if self.current.kind == "eof":
                raise self.error(f"instance of {class_name} is never closed with '}}'")
            name = self.expect_ident(f"a property name in instance of {class_name}")
            if name.text.lower() in seen:
                raise self.error(f"property {name.text} is set twice", name)
            seen.add(name.text.lower())
            self.expect_punct("=", f"after property {name.text}")
            properties[name.text] = self.value(name.text)
            self.expect_punct(";", f"after the value of {name.text}")
        self.advance()
        return MofInstance(
            class_name=class_name,
            alias=alias,
            properties=properties,  # type: ignore[arg-type]  # references resolved later
            line=start.line,
        )

    def string_value(self, what: str) -> str:
        token = self.current
        if token.kind != "string":
            raise self.error(f"expected a string {what}, found {_describe(token)}")
        parts = []
        while self.current.kind == "string":
            parts.append(str(self.advance().value))
        return "".join(parts)

    # value := string+ | char | number | TRUE | FALSE | NULL | alias | array | instance
    def value(self, property_name: str) -> object:
        token = self.current
        if token.kind == "string":
            return self.string_value(f"for {property_name}")
        if token.kind in ("char", "number"):
            self.advance()
            return token.value
        if token.kind == "alias":
            self.advance()
            return _Reference(str(token.value), token.line, token.column)
        if token.kind == "punct" and token.value == "{":
            return self.array(property_name)
        if token.kind == "ident":
            word = token.text.lower()
            if word in ("true", "false"):
                self.advance()
                return word == "true"
            if word == "null":
                self.advance()
                return None
            if word == "instance":
                return self.instance()
        raise self.error(f"expected a value for {property_name}, found {_describe(token)}")

    # array := '{' [value (',' value)*] '}'
    def array(self, property_name: str) -> tuple[object, ...]:
        self.advance()
        items: list[object] = []
        if self.current.kind == "punct" and self.current.value == "}":
            self.advance()
            return ()
        while True:
            items.append(self.value(property_name))
            token = self.current
            if token.kind == "punct" and token.value == ",":
                self.advance()
                continue
            if token.kind == "punct" and token.value == "}":
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
        raise ConfigurationError(path, f"expected MOF text, got {text!r}")
    tokenizer = _Tokenizer(text, source, path)
    parser = _Parser(tokenizer.tokens(), tokenizer)
    raw = parser.document()
    instances = _resolve(raw, tokenizer)
    return _interpret(instances, parser.pragmas, tokenizer)


def read_mof(file: Path, *, path: str = "mof") -> MofDocument:
    """Read a compiled MOF file: UTF-8 (with or without BOM) or UTF-16 with a BOM, as
    Windows PowerShell writes it."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ConfigurationError(path, f"cannot read {file}: {error.strerror or error}") from error
    return parse_mof(decode_mof(data, source=file.name, path=path), source=file.name, path=path)


def decode_mof(data: bytes, *, source: str, path: str) -> str:
    """MOF bytes as text: UTF-16 when a byte-order mark says so, else UTF-8."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigurationError(
            path, f"{source} is neither UTF-8 nor UTF-16 with a byte-order mark: {error}"
        ) from error


def _resolve(instances: list[MofInstance], tokenizer: _Tokenizer) -> list[MofInstance]:
    """Replace ``$alias`` references with the instances they name."""
    by_alias: dict[str, MofInstance] = {}
    for instance in instances:
        if instance.alias is None:
            continue
        key = instance.alias.lower()
        if key in by_alias:
            raise tokenizer.error(
                f"alias ${instance.alias} is declared twice (first on line {by_alias[key].line})",
                instance.line,
                1,
            )
        by_alias[key] = instance

    resolving: set[str] = set()
    done: dict[int, MofInstance] = {}

    def resolve_value(value: object) -> MofValue:
        if isinstance(value, _Reference):
            target = by_alias.get(value.alias.lower())
            if target is None:
                raise tokenizer.error(
                    f"${value.alias} names no instance in this file", value.line, value.column
                )
            return resolve_instance(target, value)
        if isinstance(value, tuple):
            return tuple(resolve_value(item) for item in value)
        if isinstance(value, MofInstance):
            return resolve_instance(value, None)
        return value  # type: ignore[return-value]

    def resolve_instance(instance: MofInstance, via: _Reference | None) -> MofInstance:
        if id(instance) in done:
            return done[id(instance)]
        key = instance.alias.lower() if instance.alias else f"#{id(instance)}"
        if key in resolving:
            line = via.line if via else instance.line
            raise tokenizer.error(f"${instance.alias} refers to itself", line, 1)
        resolving.add(key)
        properties = {name: resolve_value(v) for name, v in instance.properties.items()}
        resolving.discard(key)
        resolved = MofInstance(instance.class_name, instance.alias, properties, instance.line)
        done[id(instance)] = resolved
        return resolved

    return [resolve_instance(instance, None) for instance in instances]


def _interpret(
    instances: list[MofInstance],
    pragmas: list[tuple[str, str]],
    tokenizer: _Tokenizer,
) -> MofDocument:
    """Find the configuration document and the resources, and check they agree."""
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
        if instance is document or instance.get("ResourceID") is None:
            continue
        resource = _resource(instance, tokenizer)
        if resource.resource_id in seen_ids:
            raise tokenizer.error(
                f"ResourceID {resource.resource_id!r} is used twice (first on line "
                f"{seen_ids[resource.resource_id]})",
                instance.line,
                1,
            )
        seen_ids[resource.resource_id] = instance.line
        resources.append(resource)
    if not resources:
        raise tokenizer.error("the MOF holds no resource (no instance with a ResourceID)", 1, 1)

    name: str | None = None
    if document is not None:
        document_name = document.get("Name")
        if not isinstance(document_name, str) or not document_name:
            raise tokenizer.error(
                f"{CONFIGURATION_DOCUMENT} has no Name: the configuration name is unknown",
                document.line,
                1,
            )
        name = document_name
    for resource in resources:
        if resource.configuration_name is None:
            continue
        if name is None:
            name = resource.configuration_name
        elif resource.configuration_name != name:
            raise tokenizer.error(
                f"resource {resource.resource_id} belongs to configuration "
                f"{resource.configuration_name!r}, but this MOF is configuration {name!r}",
                resource.line,
                1,
            )
    if name is None:
        raise tokenizer.error(
            f"no configuration name: neither an {CONFIGURATION_DOCUMENT} Name nor a "
            "ConfigurationName on the resources",
            1,
            1,
        )
    return MofDocument(
        configuration_name=name,
        resources=tuple(resources),
        instances=tuple(instances),
        document=document,
        pragmas=tuple(pragmas),
    )


def _resource(instance: MofInstance, tokenizer: _Tokenizer) -> MofResource:
    def text(property_name: str, *, required: bool) -> str | None:
        value = instance.get(property_name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            state = "missing" if value is None else f"not a string ({value!r})"
            raise tokenizer.error(
                f"{property_name} of instance of {instance.class_name} is {state}: every DSC "
                "resource carries ResourceID, ModuleName and ModuleVersion",
                instance.line,
                1,
            )
        return value

    resource_id = text("ResourceID", required=True)
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
        configuration_name=text("ConfigurationName", required=False),
        depends_on=depends_on,
        properties={k: v for k, v in instance.properties.items() if k.lower() not in base},
        line=instance.line,
    )
