"""The PowerShell reader: decoding as Windows PowerShell does, and the tokenizer's rules.

Each pattern of issue 16 has a fixture of its own under fixtures/readers/ps, and is tested
both ways where it has two sides. The hypothesis property at the end inserts comments,
strings and here-strings that mention ``Configuration X`` and checks nothing changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vmss_components.errors import ConfigurationError
from vmss_components.packaging._encodings import (
    decode_powershell,
    decode_windows_powershell,
    windows_1252,
)
from vmss_components.packaging.powershell import (
    ConfigurationInfo,
    ScriptInfo,
    powershell_configurations,
    read_script,
)

FIXTURES = Path(__file__).parent / "fixtures" / "readers" / "ps"


def read(name: str) -> ScriptInfo:
    path = FIXTURES / name
    return read_script(path.read_text(encoding="utf-8"), source=path.name)


def names(info: ScriptInfo) -> list[str | None]:
    return [c.name for c in info.configurations]


def by_name(info: ScriptInfo) -> dict[str | None, ConfigurationInfo]:
    return {c.name: c for c in info.configurations}


# --- Decoding -------------------------------------------------------------------------------

TEXT = "Configuration Wéb { } # “quoted” — ok\r\n"


def test_utf8_without_a_byte_order_mark_decodes_as_utf8() -> None:
    assert decode_powershell(TEXT.encode("utf-8")) == TEXT


def test_utf8_with_a_byte_order_mark_drops_the_mark() -> None:
    assert decode_powershell(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == TEXT
    assert decode_windows_powershell(b"\xef\xbb\xbf" + TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize(
    ("mark", "codec"),
    [
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_a_byte_order_mark(mark: bytes, codec: str) -> None:
    data = mark + TEXT.encode(codec)
    assert decode_powershell(data) == TEXT
    # Windows PowerShell honours the mark too.
    assert decode_windows_powershell(data) == TEXT


def test_windows_1252_without_a_mark_when_not_utf8() -> None:
    # Curly quotes typed in a comment, saved as ANSI: 0x93 and 0x94 are not valid UTF-8.
    data = "# “web” role\r\n".encode("cp1252")
    assert data == b"# \x93web\x94 role\r\n"
    assert decode_powershell(data) == "# \u201cweb\u201d role\r\n"


def test_windows_1252_keeps_the_five_undefined_bytes_as_dotnet_does() -> None:
    # Python's cp1252 codec refuses these; .NET maps them to the C1 controls.
    assert windows_1252(b"\x81\x8d\x8f\x90\x9d") == "\x81\x8d\x8f\x90\x9d"
    assert decode_powershell(b"x\x81y\x9d") == "x\x81y\x9d"


def test_windows_powershell_reads_bomless_utf8_as_ansi() -> None:
    data = "Step — done".encode()
    assert decode_powershell(data) == "Step — done"
    # E2 80 94: 0x94 is a right double quote in Windows-1252.
    assert decode_windows_powershell(data) == "Step â€\u201d done"


def test_broken_sequences_after_a_mark_become_replacement_characters() -> None:
    # An unpaired surrogate in UTF-16 never reaches the text (it would fail when encoded).
    assert decode_powershell(b"\xff\xfe\x00\xd8a\x00") == "\ufffda"
    assert decode_powershell(b"\xff\xfeA") == "\ufffd"


# --- Configuration names ------------------------------------------------------------------


def test_a_quoted_name_is_found() -> None:
    info = read("quoted-name.ps1")
    assert names(info) == ["Install_Web"]
    (configuration,) = info.configurations
    assert (configuration.scope, configuration.line, configuration.column) == ("script", 9, 1)
    assert configuration.name_source == "'Install_Web'"


def test_names_in_double_quotes_on_the_next_line_and_in_any_case() -> None:
    assert names(read("names.ps1")) == ["Web.Front", "Api-1", "lower_and_UPPER"]


def test_a_name_parsed_by_powershell_only_when_valid() -> None:
    with pytest.raises(ConfigurationError) as caught:
        read_script("Configuration 'Web Site' { }")
    assert "line 1, column 15: 'Web Site'" in caught.value.reason
    assert "is not a valid configuration name" in caught.value.reason


def test_a_keyword_only_where_a_statement_starts() -> None:
    script = (
        "Write-Host configuration X { }\n"
        "$h = @{ configuration = 'Y' }\n"
        "(configuration)\n"
        "configuration-tool Z { }\n"
        "Configuration Real { }\n"
    )
    assert names(read_script(script)) == ["Real"]


def test_a_name_computed_at_run_time_is_none() -> None:
    info = read("dynamic-name.ps1")
    (configuration,) = info.configurations
    assert configuration.name is None
    assert configuration.name_source == "$ConfigurationName"
    assert not configuration.callable
    assert [(p.name, p.mandatory) for p in configuration.parameters] == [("Password", True)]
    assert [(p.name, p.mandatory) for p in info.parameters] == [("ConfigurationName", True)]


# --- What defines nothing -----------------------------------------------------------------


def test_a_name_inside_a_here_string_defines_nothing_and_the_real_one_is_found() -> None:
    info = read("herestring-name.ps1")
    assert names(info) == ["Web"]
    assert powershell_configurations((FIXTURES / "herestring-name.ps1").read_text()) == ["Web"]


def test_an_indented_footer_does_not_close_a_here_string() -> None:
    assert names(read("herestring-footer.ps1")) == ["AfterFooter"]


def test_comments_and_strings_define_nothing() -> None:
    assert names(read("comments-and-strings.ps1")) == ["Real"]


# --- Where a configuration sits -------------------------------------------------------------


def test_nested_configurations_say_where_they_are() -> None:
    found = by_name(read("nested.ps1"))
    assert (found["Inner"].scope, found["Inner"].container) == (
        "nested",
        "function Deploy (line 1)",
    )
    assert (found["InBlock"].scope, found["InBlock"].container) == (
        "nested",
        "a script block (line 8)",
    )
    assert (found["InTest"].scope, found["InTest"].container) == (
        "nested",
        "a script block (line 15)",
    )
    assert (found["Child"].scope, found["Child"].container) == (
        "nested",
        "Configuration Outer (line 27)",
    )
    assert (found["Conditional"].scope, found["Conditional"].container) == ("block", None)
    assert (found["Top"].scope, found["Outer"].scope) == ("script", "script")
    assert powershell_configurations((FIXTURES / "nested.ps1").read_text()) == [
        "Conditional",
        "Outer",
        "Top",
    ]


def test_a_dot_sourced_block_runs_in_the_scripts_scope() -> None:
    found = by_name(
        read_script(". {\n  Configuration Dotted { }\n}\n& { Configuration Called { } }")
    )
    assert found["Dotted"].scope == "block"
    assert found["Called"].scope == "nested"


def test_braces_of_if_on_the_next_line_still_open_a_block() -> None:
    script = "if ($x)\n{\n    Configuration A { }\n}\nelse\n{\n    Configuration B { }\n}\n"
    assert [c.scope for c in read_script(script).configurations] == ["block", "block"]


def test_a_meta_configuration_is_marked() -> None:
    (configuration,) = read("meta.ps1").configurations
    assert configuration.meta is True
    (plain,) = read("quoted-name.ps1").configurations
    assert plain.meta is False


def test_a_script_that_calls_its_configuration() -> None:
    assert read("calls.ps1").calls == (("Stop_Process", 6),)
    assert read("quoted-name.ps1").calls == ()


# --- Parameters ---------------------------------------------------------------------------


def test_parameters_and_when_they_are_mandatory() -> None:
    (configuration,) = read("params.ps1").configurations
    found = {p.name: p for p in configuration.parameters}
    assert {name: p.mandatory for name, p in found.items()} == {
        "DomainName": True,
        "Admincreds": True,
        "Optional": False,
        "SiteName": True,
        "TypeFirst": True,
        "Decided": None,
        "InOneSet": False,
        "Names": False,
        "RetryCount": False,
    }
    assert found["Admincreds"].is_credential
    assert found["Admincreds"].type_name == "System.Management.Automation.PSCredential"
    assert not found["DomainName"].is_credential
    assert (found["Optional"].has_default, found["DomainName"].has_default) == (True, False)
    assert found["SiteName"].line == 15


def test_a_credential_declared_with_its_attribute() -> None:
    (configuration,) = read("quoted-name.ps1").configurations
    credential = configuration.parameters[1]
    assert (credential.name, credential.mandatory, credential.is_credential) == (
        "InstallCredential",
        False,
        True,
    )


@pytest.mark.parametrize(
    "script",
    [
        "Configuration Web { param([Parameter(Mandatory)][string]$Site) Node localhost { } }\n",
        "Configuration Web {param(\n    [Parameter(Mandatory = $true)] [string] $Site\n)\n}\n",
        "Configuration Web <# c #> { param([Parameter(Mandatory)][string]$Site) }\n",
        "Configuration Web\n{ param([Parameter(Mandatory)][string]$Site) }\n",
    ],
)
def test_a_param_block_on_the_line_of_the_opening_brace_is_read(script: str) -> None:
    # Found on a compact script: the body's first statement shares the line of its '{'.
    (configuration,) = read_script(script).configurations
    assert [(p.name, p.mandatory) for p in configuration.parameters] == [("Site", True)]


def test_a_configuration_on_the_line_of_its_containers_brace_is_nested() -> None:
    info = read_script("function F { Configuration Inner { param($A) } }\n")
    (inner,) = info.configurations
    assert (inner.name, inner.scope, [p.name for p in inner.parameters]) == (
        "Inner",
        "nested",
        ["A"],
    )
    info = read_script("Configuration Outer { Configuration Inner { } }\n")
    assert [(c.name, c.scope) for c in info.configurations] == [
        ("Outer", "script"),
        ("Inner", "nested"),
    ]


def test_the_scripts_own_parameters() -> None:
    info = read("script-parameters.ps1")
    assert [(p.name, p.mandatory) for p in info.parameters] == [("Environment", True)]
    assert info.configurations[0].parameters == ()


# --- Scripts PowerShell cannot parse ------------------------------------------------------

BROKEN = [
    ("unterminated-string.ps1", 3, 10, "this string is never closed"),
    ("indented-footer.ps1", 1, 6, "this here-string is never closed"),
    ("unterminated-comment.ps1", 2, 1, "this '<#' comment is never closed"),
    ("text-after-header.ps1", 1, 8, "no text may follow a here-string header"),
    ("extra-brace.ps1", 4, 1, "'}' closes nothing"),
    ("bad-name.ps1", 1, 15, "'9Web' is not a valid configuration name"),
    ("no-body.ps1", 2, 1, "Configuration 'Web' needs '{' to open its body"),
    ("unclosed-brace.ps1", 2, 1, "this '{' is never closed"),
]


@pytest.mark.parametrize(("name", "line", "column", "reason"), BROKEN)
def test_a_script_powershell_cannot_parse_names_the_place(
    name: str, line: int, column: int, reason: str
) -> None:
    path = FIXTURES / "broken" / name
    with pytest.raises(ConfigurationError) as caught:
        read_script(path.read_text(), source=name, path="package.script")
    assert caught.value.path == "package.script"
    assert caught.value.reason.startswith(f"{name}, line {line}, column {column}: "), str(
        caught.value
    )
    assert reason in caught.value.reason


def test_mismatched_closers_name_the_opener() -> None:
    with pytest.raises(ConfigurationError, match=r"'\)' does not close the '\{' opened on line 1"):
        read_script("Configuration X {\n )")


def test_nesting_is_bounded_without_recursion() -> None:
    with pytest.raises(ConfigurationError, match="nest deeper than 1000 levels"):
        read_script("{" * 5000 + "}" * 5000)
    assert read_script("{" * 900 + "}" * 900).configurations == ()
