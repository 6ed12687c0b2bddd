"""Reads a DSC configuration script the way Windows PowerShell's tokenizer does. Pure.

The DSC extension dot-sources the script and calls ``Configuration <function>`` with the
configuration arguments. Which configurations a script defines can only be told by reading it
as PowerShell reads it: ``Configuration X`` inside a comment (``#``, ``<# … #>``), a string
(``'…'``, ``"…"``) or a here-string (``@'…'@``, ``@"…"@``) defines nothing, and one inside a
function or script block exists only while that code runs. :func:`read_script` is a small
tokenizer with PowerShell's rules (quote characters, doubled quotes, backtick escapes,
``$( … )`` inside strings, here-string headers and footers) that follows braces and parentheses
with an explicit stack, so any text gives a :class:`ScriptInfo` or a
:class:`ConfigurationError` naming the line and column, never another exception.

It reports every ``Configuration`` statement (its name, or None when the name is computed at
run time), where it sits (script level, inside an ``if``/``foreach``/``try`` at script level, or
nested where the extension cannot call it), its ``param()`` block (name, type, whether
mandatory) and the script's own ``param()`` block.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from ..errors import ConfigurationError

#: Where a configuration is defined: at script level, inside a statement block that runs at
#: script level (``if``, ``foreach``, ``try``…), or nested in a function, script block or
#: another configuration, where the extension cannot call it.
Scope = Literal["script", "block", "nested"]

#: The longest script the reader takes (characters); the file limit is the same in bytes.
MAX_SCRIPT_CHARACTERS = 16 * 1024 * 1024
#: The deepest nesting of braces and parentheses the reader follows.
MAX_NESTING = 1000

# PowerShell's quote classes (CharTraits IsSingleQuote / IsDoubleQuote): any member opens,
# closes or doubles for its class.
SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
_QUOTES = SINGLE_QUOTES + DOUBLE_QUOTES
_NEWLINES = "\r\n"
# Whitespace that is not a newline (CharTraits IsWhitespace: ASCII space, tab, VT, FF, NBSP,
# NEL and the Unicode separators).
_WHITESPACE = frozenset(
    " \t\v\f\u00a0\u0085\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Characters that end a bare word and start a new token (CharTraits ForceStartNewToken).
_FORCE_NEW_TOKEN = _WHITESPACE | frozenset("\r\n{}();,|&\0")
# A constant configuration name (Parser.cs ConfigurationStatementRule).
CONFIGURATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*")
# Keywords whose statement block runs in the scope around it.
_BLOCK_KEYWORDS = frozenset(
    {
        "if",
        "elseif",
        "else",
        "while",
        "for",
        "foreach",
        "do",
        "until",
        "switch",
        "try",
        "catch",
        "finally",
        "trap",
        "data",
    }
)
_FUNCTION_KEYWORDS = frozenset({"function", "filter", "workflow"})
_TYPE_KEYWORDS = frozenset({"class", "enum"})
_WORD = re.compile(r"\w+")
_ORDINARY_RUN = re.compile(
    r"[^\s{}()\[\];,|&'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e@$#<`\0]+"
)
_VARIABLE = re.compile(r"\$(?:\{(?:[^}`]|`.)*\}|[\w:?^]+)", re.DOTALL)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters after which '#' continues a bare word rather than starting a comment.
_WORD_CHARACTERS = frozenset("_-.:\\/$%*+!?~^]")
_PARAMETER_ATTRIBUTE = re.compile(
    r"(?:System\.Management\.Automation\.)?Parameter(?:Attribute)?", re.IGNORECASE
)
_INTEGER = re.compile(r"[+-]?(?:0[xX][0-9A-Fa-f]+|[0-9]+)[lL]?")


@dataclass(frozen=True)
class ParameterInfo:
    """One parameter of a ``param()`` block."""

    name: str
    """The name, without ``$``."""
    mandatory: bool | None
    """True or False as ``[Parameter(Mandatory…)]`` says; None when ``Mandatory = <expr>`` can
    only be told at run time."""
    type_name: str | None
    """The last type constraint as written (``PSCredential``), or None."""
    has_default: bool
    """Whether ``= <value>`` follows the name."""
    line: int

    @property
    def is_credential(self) -> bool:
        """Whether the parameter is a ``[PSCredential]``."""
        if self.type_name is None:
            return False
        return self.type_name.strip().removesuffix("[]").lower().endswith("pscredential")


@dataclass(frozen=True)
class ConfigurationInfo:
    """One ``Configuration`` statement of a script."""

    name: str | None
    """The name, or None when it is computed at run time (``Configuration $Name``)."""
    name_source: str
    """The name as written, for messages."""
    parameters: tuple[ParameterInfo, ...]
    scope: Scope
    container: str | None
    """For a nested configuration, what it is nested in (``function Deploy (line 3)``)."""
    meta: bool
    """Whether ``[DscLocalConfigurationManager()]`` makes it a meta-configuration."""
    line: int
    column: int

    @property
    def callable(self) -> bool:
        """Whether the DSC extension can call it once the script is dot-sourced."""
        return self.scope != "nested" and self.name is not None


@dataclass(frozen=True)
class ScriptInfo:
    """What a script defines: its configurations and its own ``param()`` block."""

    configurations: tuple[ConfigurationInfo, ...]
    parameters: tuple[ParameterInfo, ...]
    calls: tuple[tuple[str, int], ...] = field(default=())
    """Statements at script level that call one of its configurations: (name, line)."""


# --- Strings and comments, shared by the scanner and the param() reader ----------------------


class _Text:
    """The script text, its line starts, and the error every scan raises."""

    def __init__(self, text: str, source: str, path: str) -> None:
        self.text = text
        self.source = source
        self.path = path
        self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, at: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, at)
        return line, at - self._line_starts[line - 1] + 1

    def line(self, at: int) -> int:
        return self.position(at)[0]

    def error(self, at: int, reason: str) -> ConfigurationError:
        line, column = self.position(at)
        return ConfigurationError(
            self.path, f"{self.source}, line {line}, column {column}: {reason}"
        )

    def end_of_single_quoted(self, start: int) -> int:
        """Past the closing quote of ``'…'`` starting at ``start``; a doubled quote is literal."""
        text = self.text
        at = start + 1
        length = len(text)
        while True:
            at = _next_of(text, SINGLE_QUOTES, at)
            if at >= length:
                raise self.error(start, "this string is never closed")
            if at + 1 < length and text[at + 1] in SINGLE_QUOTES:
                at += 2
                continue
            return at + 1

    def end_of_double_quoted(self, start: int) -> int:
        """Past the closing quote of ``"…"``: backtick escapes, doubled quotes, ``$( … )``."""
        text = self.text
        at = start + 1
        length = len(text)
        stops = DOUBLE_QUOTES + "`$"
        while True:
            at = _next_of(text, stops, at)
            if at >= length:
                raise self.error(start, "this string is never closed")
            char = text[at]
            if char == "`":
                at += 2
            elif char == "$":
                at = self.end_of_dollar_in_string(at, here=False)
            elif at + 1 < length and text[at + 1] in DOUBLE_QUOTES:
                at += 2
            else:
                return at + 1

    def end_of_dollar_in_string(self, at: int, *, here: bool) -> int:
        """Past ``$( … )`` or ``${ … }`` inside an expandable string; past ``$`` otherwise.

        As in tokenizer.cs ScanSubExpression: parentheses are counted and quotes do not end
        the string, except that a quote or backtick followed by a double quote is skipped as a
        pair (outside here-strings).
        """
        text = self.text
        length = len(text)
        if at + 1 < length and text[at + 1] == "(":
            depth = 1
            position = at + 2
            while position < length:
                char = text[position]
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                    if depth == 0:
                        return position + 1
                elif (
                    not here
                    and char in DOUBLE_QUOTES + "`"
                    and position + 1 < length
                    and text[position + 1] in DOUBLE_QUOTES
                ):
                    position += 1
                position += 1
            raise self.error(at, "'$(' is never closed with ')'")
        if at + 1 < length and text[at + 1] == "{":
            return self.end_of_braced_variable(at)
        return at + 1

    def end_of_braced_variable(self, at: int) -> int:
        """Past ``${name}``; a backtick escapes the next character."""
        text = self.text
        position = at + 2
        length = len(text)
        while position < length:
            char = text[position]
            if char == "`":
                position += 2
                continue
            if char == "}":
                return position + 1
            position += 1
        raise self.error(at, "'${' is never closed with '}'")

    def end_of_here_string(self, start: int) -> int:
        """Past the footer of ``@'…'@`` or ``@"…"@`` whose header starts at ``start``.

        The header is ``@`` and a quote, then only whitespace to the end of the line; the
        footer is a quote of the same class and ``@`` at the very start of a line (an indented
        footer does not close). In ``@"…"@`` a backtick escapes the next character (a newline
        too) and ``$( … )`` may span lines.
        """
        text = self.text
        length = len(text)
        quotes = SINGLE_QUOTES if text[start + 1] in SINGLE_QUOTES else DOUBLE_QUOTES
        expandable = quotes is DOUBLE_QUOTES
        at = start + 2
        while at < length and text[at] in _WHITESPACE:
            at += 1
        if at >= length:
            raise self.error(start, "this here-string is never closed")
        if text[at] not in _NEWLINES:
            raise self.error(
                at, "no text may follow a here-string header ('@' and a quote) on its line"
            )
        stops = _NEWLINES + ("`$" if expandable else "")
        while at < length:
            char = text[at]
            if char in _NEWLINES:
                at += 2 if text.startswith("\r\n", at) else 1
                if at + 1 < length and text[at] in quotes and text[at + 1] == "@":
                    return at + 2
                continue
            if expandable and char == "`":
                at += 2
                continue
            if expandable and char == "$":
                at = self.end_of_dollar_in_string(at, here=True)
                continue
            at = _next_of(text, stops, at + 1)
        raise self.error(
            start,
            "this here-string is never closed: its footer (a quote and '@') must start a line",
        )

    def end_of_block_comment(self, start: int) -> int:
        end = self.text.find("#>", start + 2)
        if end < 0:
            raise self.error(start, "this '<#' comment is never closed with '#>'")
        return end + 2

    def end_of_line(self, at: int) -> int:
        text = self.text
        return _next_of(text, _NEWLINES, at)

    def skip_trivia(self, at: int, *, newlines: bool) -> int:
        """Past whitespace, comments, line continuations and (if ``newlines``) newlines."""
        text = self.text
        length = len(text)
        while at < length:
            char = text[at]
            if char in _WHITESPACE:
                at += 1
            elif char == "`" and at + 1 < length and text[at + 1] in _NEWLINES:
                at += 3 if text.startswith("\r\n", at + 1) else 2
            elif char in _NEWLINES and newlines:
                at += 1
            elif char == "#":
                at = self.end_of_line(at)
            elif char == "<" and text.startswith("<#", at):
                at = self.end_of_block_comment(at)
            else:
                break
        return at


def _next_of(text: str, characters: str, start: int) -> int:
    """The first index at or after ``start`` holding one of ``characters``, else len(text)."""
    pattern = _STOPS.get(characters)
    if pattern is None:
        pattern = _STOPS[characters] = re.compile(f"[{re.escape(characters)}]")
    found = pattern.search(text, start)
    return found.start() if found else len(text)


_STOPS: dict[str, re.Pattern[str]] = {}


# --- The scanner ---------------------------------------------------------------------------


@dataclass
class _Frame:
    kind: str  # configuration function block scriptblock hashtable class paren subexpr param
    start: int
    opener: str = "{"
    label: str | None = None
    configuration: _Configuration | None = None
    statements: int = 0
    commas: list[int] = field(default_factory=list)
    owner: _Configuration | None = None  # of a param frame; None: the script's


@dataclass
class _Configuration:
    name: str | None
    name_source: str
    at: int
    meta: bool
    scope: Scope
    container: str | None
    parameters: tuple[ParameterInfo, ...] = ()


# Frames in which statements start (after '{', ';', a newline).
_STATEMENT_FRAMES = frozenset({"configuration", "function", "block", "scriptblock", "subexpr"})
# Frames whose statements run in the scope around them.
_SAME_SCOPE_FRAMES = frozenset({"block", "subexpr", "paren", "param"})
_BRACE_FRAMES = frozenset(
    {"configuration", "function", "block", "scriptblock", "hashtable", "class"}
)


class _Scanner:
    def __init__(self, text: _Text) -> None:
        self.t = text
        self.stack: list[_Frame] = []
        self.configurations: list[_Configuration] = []
        self.script_parameters: tuple[ParameterInfo, ...] = ()
        self.root_statements = 0
        self.calls: list[tuple[str, int]] = []
        # What the next '{' at this depth opens, set by the statement's first word.
        self.pending: tuple[int, str, str | None, _Configuration | None] | None = None
        self.attributes: list[str] = []

    # -- frames

    def push(self, frame: _Frame) -> None:
        if len(self.stack) >= MAX_NESTING:
            raise self.t.error(
                frame.start, f"braces and parentheses nest deeper than {MAX_NESTING} levels"
            )
        self.stack.append(frame)

    def statements_allowed(self) -> bool:
        return not self.stack or self.stack[-1].kind in _STATEMENT_FRAMES

    def scope(self) -> tuple[Scope, str | None]:
        nested = [f for f in self.stack if f.kind not in _SAME_SCOPE_FRAMES]
        if not self.stack:
            return "script", None
        if not nested:
            return "block", None
        inner = nested[-1]
        if inner.label is not None:
            return "nested", inner.label
        return "nested", f"a script block (line {self.t.line(inner.start)})"

    def count_statement(self) -> int:
        """Count a statement in the innermost frame; the number of statements before it."""
        if not self.stack:
            self.root_statements += 1
            return self.root_statements - 1
        frame = self.stack[-1]
        frame.statements += 1
        return frame.statements - 1

    # -- the main loop

    def run(self) -> None:
        t = self.t
        text = t.text
        length = len(text)
        at = 0
        statement_start = True
        continued = False  # a trailing '|' carries the statement over the newline
        while at < length:
            char = text[at]
            if char in _WHITESPACE:
                at += 1
                continue
            if char in _NEWLINES:
                at += 1
                if not continued and self.statements_allowed():
                    statement_start = True
                continue
            # '#' and '<#' start a comment where a token starts, not inside a bare word.
            token_start = at == 0 or not _continues_word(text[at - 1])
            if char == "#" and token_start:
                at = t.end_of_line(at)
                continue
            if char == "<" and text.startswith("<#", at) and token_start:
                at = t.end_of_block_comment(at)
                continue
            if char == "`":
                if at + 1 < length and text[at + 1] in _NEWLINES:
                    at += 3 if text.startswith("\r\n", at + 1) else 2
                    continue
                at += 2
                statement_start = continued = False
                continue
            if char == "[" and statement_start:
                end = self.end_of_attribute(at)
                self.attributes.append(text[at + 1 : end - 1])
                at = end
                continue
            if statement_start and (char.isalpha() or char == "_"):
                at = self.statement_word(at)
                statement_start = continued = False
                continue
            if statement_start and not (char == "{" and self.pending_here()):
                # A statement that starts with something other than a word.
                self.count_statement()
                self.pending = None
                if char == "." and self.dot_sourced_block(at):
                    self.pending = (len(self.stack), "block", None, None)
                self.attributes = []
            statement_start = continued = False
            if char in SINGLE_QUOTES:
                at = t.end_of_single_quoted(at)
            elif char in DOUBLE_QUOTES:
                at = t.end_of_double_quoted(at)
            elif char == "@" and at + 1 < length and text[at + 1] in _QUOTES and token_start:
                # A here-string: '@' and a quote where a token starts.
                at = t.end_of_here_string(at)
            elif char == "@" and at + 1 < length and text[at + 1] == "{":
                self.push(_Frame("hashtable", at, opener="@{"))
                at += 2
            elif char in "@$" and at + 1 < length and text[at + 1] == "(":
                self.push(_Frame("subexpr", at, opener=char + "("))
                at += 2
                statement_start = True
            elif char == "$" and at + 1 < length and text[at + 1] == "{":
                at = t.end_of_braced_variable(at)
            elif char == "{":
                self.open_brace(at)
                at += 1
                statement_start = self.stack[-1].kind in _STATEMENT_FRAMES
            elif char == "(":
                self.push(_Frame("paren", at, opener="("))
                at += 1
            elif char in "})":
                self.close(at, char)
                at += 1
                statement_start = self.statements_allowed() and char == "}"
            elif char == ";":
                at += 1
                statement_start = self.statements_allowed()
            elif char == "|":
                at += 1
                continued = not text.startswith("|", at)
                if not continued:
                    at += 1
            elif char == ",":
                if self.stack and self.stack[-1].kind == "param":
                    self.stack[-1].commas.append(at)
                at += 1
            else:
                match = _ORDINARY_RUN.match(text, at)
                at = match.end() if match else at + 1
        if self.stack:
            frame = self.stack[-1]
            raise t.error(frame.start, f"this '{frame.opener}' is never closed")

    def pending_here(self) -> bool:
        """Whether a keyword's '{' may still come at this depth (``if ($x)`` then a newline)."""
        return self.pending is not None and self.pending[0] == len(self.stack)

    def dot_sourced_block(self, at: int) -> bool:
        # '. { … }' runs the block in the current scope.
        after = self.t.skip_trivia(at + 1, newlines=False)
        return (
            at + 1 < len(self.t.text)
            and self.t.text[at + 1] in _WHITESPACE
            and (self.t.text.startswith("{", after))
        )

    def end_of_attribute(self, start: int) -> int:
        """Past the ``]`` closing an attribute or type literal at a statement start."""
        t = self.t
        text = t.text
        length = len(text)
        depth = 0
        at = start
        while at < length:
            char = text[at]
            if char in SINGLE_QUOTES:
                at = t.end_of_single_quoted(at)
                continue
            if char in DOUBLE_QUOTES:
                at = t.end_of_double_quoted(at)
                continue
            if char == "`":
                at += 2
                continue
            if char in "[(":
                depth += 1
            elif char in "])":
                depth -= 1
                if depth == 0:
                    return at + 1
            at += 1
        raise t.error(start, "this '[' is never closed with ']'")

    def open_brace(self, at: int) -> None:
        pending = self.pending
        self.pending = None
        if pending is not None and pending[0] == len(self.stack):
            _, kind, label, configuration = pending
            frame = _Frame(kind, at, label=label, configuration=configuration)
            if configuration is not None:
                scope, container = self.scope()
                configuration.scope, configuration.container = scope, container
                self.configurations.append(configuration)
            self.push(frame)
            return
        self.push(_Frame("scriptblock", at))

    def close(self, at: int, char: str) -> None:
        if not self.stack:
            raise self.t.error(at, f"'{char}' closes nothing: there is no matching opener")
        frame = self.stack[-1]
        expected = "}" if frame.kind in _BRACE_FRAMES else ")"
        if char != expected:
            line = self.t.line(frame.start)
            raise self.t.error(
                at, f"'{char}' does not close the '{frame.opener}' opened on line {line}"
            )
        self.stack.pop()
        if frame.kind == "param":
            parameters = self.parameters(frame, at)
            if frame.owner is None:
                self.script_parameters = parameters
            else:
                frame.owner.parameters = parameters

    # -- statements

    def statement_word(self, at: int) -> int:
        """Read the first word of a statement; act on keywords. Returns where to go on."""
        t = self.t
        text = t.text
        match = _WORD.match(text, at)
        assert match is not None
        end = match.end()
        word = match.group().lower()
        keyword = end >= len(text) or text[end] in _FORCE_NEW_TOKEN
        before = self.count_statement()
        self.pending = None
        attributes, self.attributes = self.attributes, []
        if not keyword:
            return end
        depth = len(self.stack)
        if word == "configuration":
            return self.configuration(at, end, attributes)
        if word in _BLOCK_KEYWORDS:
            self.pending = (depth, "block", None, None)
            return end
        if word in _FUNCTION_KEYWORDS:
            after = t.skip_trivia(end, newlines=True)
            name_end = after
            while name_end < len(text) and text[name_end] not in _FORCE_NEW_TOKEN:
                name_end += 1
            name = text[after:name_end] or "?"
            label = f"{word} {name} (line {t.line(at)})"
            self.pending = (depth, "function", label, None)
            return name_end
        if word in _TYPE_KEYWORDS:
            self.pending = (depth, "class", f"{word} (line {t.line(at)})", None)
            return end
        if word == "param" and before == 0:
            owner = self.stack[-1].configuration if self.stack else None
            if self.stack and (self.stack[-1].kind != "configuration" or owner is None):
                return end
            after = t.skip_trivia(end, newlines=True)
            if text.startswith("(", after):
                self.push(_Frame("param", after, opener="(", owner=owner))
                return after + 1
            return end
        if not self.stack:
            self.calls.append((match.group(), t.line(at)))
        return end

    def configuration(self, at: int, end: int, attributes: list[str]) -> int:
        """``Configuration <name> {``: read the name, then open the configuration's frame."""
        t = self.t
        text = t.text
        length = len(text)
        start = t.skip_trivia(end, newlines=True)
        if start >= length or text[start] == "{":
            raise t.error(at, "this Configuration has no name")
        char = text[start]
        name: str | None
        if char in SINGLE_QUOTES:
            stop = t.end_of_single_quoted(start)
            raw = text[start + 1 : stop - 1]
            name = re.sub(f"[{SINGLE_QUOTES}]{{2}}", "'", raw)
        elif char in DOUBLE_QUOTES:
            stop = t.end_of_double_quoted(start)
            raw = text[start + 1 : stop - 1]
            name = None if "$" in raw else re.sub(r"`(.)", r"\1", raw, flags=re.DOTALL)
        elif char == "$":
            variable = _VARIABLE.match(text, start)
            stop = variable.end() if variable else start + 1
            name = None
        elif char == "(":
            stop = self.end_of_parenthesis(start)
            name = None
        else:
            stop = start
            while stop < length and text[stop] not in _FORCE_NEW_TOKEN:
                if text[stop] in _QUOTES:
                    stop = (
                        t.end_of_single_quoted(stop)
                        if text[stop] in SINGLE_QUOTES
                        else t.end_of_double_quoted(stop)
                    )
                    continue
                stop += 1
            raw = text[start:stop]
            name = None if "$" in raw else raw
        source = text[start:stop]
        if name is not None and not CONFIGURATION_NAME.fullmatch(name):
            raise t.error(
                start,
                f"{_shown(name)} is not a valid configuration name: a letter, then letters, "
                "digits, '_', '.', '/' or '-'",
            )
        brace = t.skip_trivia(stop, newlines=True)
        if brace >= length or text[brace] != "{":
            raise t.error(
                brace if brace < length else at,
                f"Configuration {_shown(source)} needs '{{' to open its body",
            )
        meta = any(
            re.sub(r"\s", "", a).lower().startswith("dsclocalconfigurationmanager")
            for a in attributes
        )
        configuration = _Configuration(
            name=name, name_source=source, at=at, meta=meta, scope="script", container=None
        )
        self.pending = (
            len(self.stack),
            "configuration",
            f"Configuration {source} (line {t.line(at)})",
            configuration,
        )
        # The main loop opens the body at the '{', as after any keyword, so that a statement
        # on the same line (``Configuration C { param(...) ... }``) starts one.
        return brace

    def end_of_parenthesis(self, start: int) -> int:
        """Past the ``)`` matching ``(`` at ``start`` (strings and comments skipped)."""
        t = self.t
        text = t.text
        length = len(text)
        depth = 0
        at = start
        while at < length:
            char = text[at]
            if char in SINGLE_QUOTES:
                at = t.end_of_single_quoted(at)
                continue
            if char in DOUBLE_QUOTES:
                at = t.end_of_double_quoted(at)
                continue
            if char == "#":
                at = t.end_of_line(at)
                continue
            if char == "<" and text.startswith("<#", at):
                at = t.end_of_block_comment(at)
                continue
            if char == "`":
                at += 2
                continue
            if char == "(":
                depth += 1
                if depth > MAX_NESTING:
                    raise t.error(at, f"parentheses nest deeper than {MAX_NESTING} levels")
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return at + 1
            at += 1
        raise t.error(start, "this '(' is never closed with ')'")

    # -- param() blocks

    def parameters(self, frame: _Frame, end: int) -> tuple[ParameterInfo, ...]:
        bounds = [frame.start + 1, *(c + 1 for c in frame.commas), end + 1]
        found: list[ParameterInfo] = []
        for left, right in itertools.pairwise(bounds):
            parameter = self.parameter(left, right - 1)
            if parameter is not None:
                found.append(parameter)
        return tuple(found)

    def parameter(self, start: int, end: int) -> ParameterInfo | None:
        """One ``[attributes][type] $Name [= default]`` entry of a param() block."""
        t = self.t
        text = t.text
        at = start
        groups: list[str] = []
        name: str | None = None
        name_at = start
        has_default = False
        while at < end:
            char = text[at]
            if char in _WHITESPACE or char in _NEWLINES:
                at += 1
            elif char == "#":
                at = t.end_of_line(at)
            elif char == "<" and text.startswith("<#", at):
                at = t.end_of_block_comment(at)
            elif char == "`":
                at += 2
            elif char == "[" and name is None:
                close = self.end_of_attribute(at)
                groups.append(text[at + 1 : close - 1])
                at = close
            elif char == "$" and name is None:
                variable = _VARIABLE.match(text, at)
                if variable is None:
                    at += 1
                    continue
                raw = variable.group()[1:]
                name = raw[1:-1] if raw.startswith("{") else raw
                name_at = at
                at = variable.end()
            elif char == "=" and name is not None:
                has_default = True
                break
            elif char in _QUOTES:
                at = (
                    t.end_of_single_quoted(at)
                    if char in SINGLE_QUOTES
                    else t.end_of_double_quoted(at)
                )
            else:
                at += 1
        if name is None:
            return None
        mandatory_flags: list[bool | None] = []
        type_name: str | None = None
        for group in groups:
            head, paren, arguments = group.partition("(")
            head = head.strip()
            if not paren:
                type_name = head
            elif _PARAMETER_ATTRIBUTE.fullmatch(head):
                mandatory_flags.append(_mandatory(arguments.rpartition(")")[0]))
        if not mandatory_flags or False in mandatory_flags:
            mandatory: bool | None = False
        elif None in mandatory_flags:
            mandatory = None
        else:
            mandatory = True
        return ParameterInfo(
            name=name.split(":")[-1],
            mandatory=mandatory,
            type_name=type_name,
            has_default=has_default,
            line=t.line(name_at),
        )


def _continues_word(previous: str) -> bool:
    return previous.isalnum() or previous in _WORD_CHARACTERS


def _mandatory(arguments: str) -> bool | None:
    """Whether ``[Parameter(<arguments>)]`` makes the parameter mandatory; None: run time."""
    for argument in _split_arguments(arguments):
        key, equals, value = argument.partition("=")
        if key.strip().lower() != "mandatory":
            continue
        if not equals:
            return True
        return _truth(value.strip())
    return False


def _split_arguments(arguments: str) -> list[str]:
    """Split attribute arguments at commas outside quotes and brackets."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    quote: str | None = None
    for char in arguments:
        if quote is not None:
            current.append(char)
            if char in quote:
                quote = None
            continue
        if char in SINGLE_QUOTES:
            quote = SINGLE_QUOTES
        elif char in DOUBLE_QUOTES:
            quote = DOUBLE_QUOTES
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _truth(value: str) -> bool | None:
    """PowerShell's truth of a constant (LanguagePrimitives.IsTrue); None for an expression."""
    lowered = value.lower()
    if lowered == "$true":
        return True
    if lowered in ("$false", "$null"):
        return False
    if _INTEGER.fullmatch(value):
        digits = value.rstrip("lL")
        try:
            return int(digits, 16 if "x" in digits.lower() else 10) != 0
        except ValueError:
            return None
    if len(value) >= 2 and value[0] in _QUOTES and value[-1] in _QUOTES and "$" not in value:
        return len(value) > 2
    return None


def _shown(source: str) -> str:
    flat = " ".join(source.split())
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")


# --- Public entry points --------------------------------------------------------------------


def read_script(script: str, *, source: str = "script", path: str = "script") -> ScriptInfo:
    """Every ``Configuration`` a PowerShell script defines, where, with which parameters.

    ``source`` names the script in messages and ``path`` is the error's argument path. A
    script PowerShell could not parse (a string, here-string, comment, brace or parenthesis
    left open; a bad configuration name) is a :class:`ConfigurationError` naming the line.
    """
    if not isinstance(script, str):
        raise ConfigurationError(path, f"expected the script's text, got {type(script).__name__}")
    surrogate = re.search("[\ud800-\udfff]", script)
    if surrogate is not None:
        raise ConfigurationError(
            path,
            f"{source} holds a lone surrogate (U+{ord(surrogate.group()):04X}) at character "
            f"{surrogate.start():,}: it is not text in any encoding",
        )
    if len(script) > MAX_SCRIPT_CHARACTERS:
        raise ConfigurationError(
            path,
            f"{source} is {len(script):,} characters, over the limit of {MAX_SCRIPT_CHARACTERS:,}",
        )
    text = _Text(script.removeprefix("\ufeff"), source, path)
    scanner = _Scanner(text)
    scanner.run()
    configurations = tuple(
        ConfigurationInfo(
            name=c.name,
            name_source=c.name_source,
            parameters=c.parameters,
            scope=c.scope,
            container=c.container,
            meta=c.meta,
            line=text.position(c.at)[0],
            column=text.position(c.at)[1],
        )
        for c in scanner.configurations
    )
    names = {c.name.lower() for c in configurations if c.name is not None}
    calls = tuple((word, line) for word, line in scanner.calls if word.lower() in names)
    return ScriptInfo(
        configurations=configurations, parameters=scanner.script_parameters, calls=calls
    )


def powershell_configurations(script: str) -> list[str]:
    """Names of the configurations a script defines where the DSC extension can call them."""
    return [c.name for c in read_script(script).configurations if c.callable and c.name]
