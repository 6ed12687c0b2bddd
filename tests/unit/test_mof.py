"""The MOF reader: compiled configurations as DSC compilers write them, and malformed ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import SAMPLE_MOF, WINDOWS_MOF
from hypothesis import given
from hypothesis import strategies as st

from vmss_components import ConfigurationError
from vmss_components.packaging.mof import MofInstance, parse_mof, read_mof


def test_the_sample_reads_as_its_compiler_wrote_it() -> None:
    document = read_mof(SAMPLE_MOF)
    assert document.configuration_name == "LinuxMotd"
    assert [r.resource_id for r in document.resources] == [
        "[MotdFile]Motd",
        "[SshdOption]PermitRootLogin",
    ]
    motd, sshd = document.resources
    assert (motd.resource_type, motd.name, motd.class_name, motd.alias) == (
        "MotdFile",
        "Motd",
        "MotdFile",
        "MotdFile1ref",
    )
    assert (motd.module_name, motd.module_version, motd.configuration_name) == (
        "LinuxMotdDsc",
        "1.0.0",
        "LinuxMotd",
    )
    assert motd.properties == {
        "Path": "/etc/motd",
        "Mode": "0644",
        "Contents": "Authorized use only. Activity on this machine is monitored.\n",
    }
    assert sshd.properties == {"ReloadService": True, "Value": "no", "Name": "PermitRootLogin"}
    assert sshd.depends_on == ("[MotdFile]Motd",)
    assert motd.line == 8 and sshd.line == 21
    assert document.document is not None
    assert document.document.get("Version") == "2.0.0"
    assert document.document.get("CompatibleVersionAdditionalProperties") == (
        "Omi_BaseResource:ConfigurationName",
    )
    assert document.modules == {"LinuxMotdDsc": "1.0.0"}
    assert document.resource("[MotdFile]Motd") is motd
    assert document.resource("[motdfile]motd") is None


def test_windows_output_with_embedded_instances_and_pragmas() -> None:
    document = parse_mof(WINDOWS_MOF, source="localhost.mof")
    assert document.configuration_name == "WindowsBaseline"
    assert document.pragmas == (("namespace", "root/Microsoft/Windows/DesiredStateConfiguration"),)
    registry, service = document.resources
    assert registry.properties["Key"] == (
        "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
    )
    assert registry.properties["ValueData"] == ("1",)
    assert registry.properties["Force"] is True
    credential = service.properties["Credential"]
    assert isinstance(credential, MofInstance)
    assert credential.class_name == "MSFT_Credential"
    assert credential.properties == {"Password": 'P@ss"word\\1', "UserName": "CONTOSO\\svc-web"}
    settings = service.properties["Settings"]
    assert isinstance(settings, tuple)
    assert [(s.get("Key"), s.get("Value")) for s in settings] == [  # type: ignore[union-attr]
        ("Mode", "Strict"),
        ("Level", "3"),
    ]
    assert service.properties["Timeout"] == 300
    assert service.depends_on == ("[Registry]TlsServer",)
    # Embedded instances are not resources; every instance is still listed.
    assert len(document.instances) == 6
    assert [r.resource_type for r in document.resources] == ["Registry", "Service"]


def test_every_literal_form() -> None:
    text = """
    instance of Demo as $Demo1ref {
        ResourceID = "[Demo]All"; ModuleName = "DemoDsc"; ModuleVersion = "1.0";
        ConfigurationName = "Literals";
        Joined = "abc" "def"
                 "ghi";
        Escapes = "tab\\tquote\\"back\\\\slash\\nnew\\x41\\X00e9\\r\\b\\f\\'";
        Char = 'x'; EscapedChar = '\\n';
        Decimal = 42; Negative = -7; Plus = +3; Hex = 0x1F; Octal = 017; Binary = 101b;
        Zero = 0; Real = 2.5; Exponent = 1e3; Fraction = .5; NegativeReal = -0.25;
        Yes = TRUE; No = false; Nothing = NULL; Empty = {}; Mixed = {1, "two", True, NULL};
        Inline = instance of Inner { Value = "nested"; };
    };
    """
    (resource,) = parse_mof(text).resources
    assert resource.properties == {
        "Joined": "abcdefghi",
        "Escapes": "tab\tquote\"back\\slash\nnewA\u00e9\r\b\f'",
        "Char": "x",
        "EscapedChar": "\n",
        "Decimal": 42,
        "Negative": -7,
        "Plus": 3,
        "Hex": 31,
        "Octal": 15,
        "Binary": 5,
        "Zero": 0,
        "Real": 2.5,
        "Exponent": 1000.0,
        "Fraction": 0.5,
        "NegativeReal": -0.25,
        "Yes": True,
        "No": False,
        "Nothing": None,
        "Empty": (),
        "Mixed": (1, "two", True, None),
        "Inline": MofInstance("Inner", None, {"Value": "nested"}, 12),
    }
    assert isinstance(resource.properties["Decimal"], int)
    assert isinstance(resource.properties["Yes"], bool)


def test_without_a_document_the_resources_name_the_configuration() -> None:
    text = """
    instance of NativeResource as $MyNativeResourceref
    {
        ModuleName = "GuestConfiguration";
        ResourceID = "Ensure logging is configured";
        ModuleVersion = "1.19.4";
        ConfigurationName = "AuditLogging";
    };
    """
    document = parse_mof(text)
    assert document.configuration_name == "AuditLogging"
    assert document.document is None
    (resource,) = document.resources
    assert (resource.resource_type, resource.name) == (None, None)


def test_composite_resource_ids_keep_their_whole_name() -> None:
    text = """
    instance of MSFT_FileDirectoryConfiguration as $MSFT_FileDirectoryConfiguration1ref {
        ResourceID = "[File]Motd::[Baseline]Common"; ModuleName = "PSDscResources";
        ModuleVersion = "2.12.0.0"; ConfigurationName = "Composite"; DestinationPath = "x";
    };
    """
    (resource,) = parse_mof(text).resources
    assert (resource.resource_type, resource.name) == ("File", "Motd::[Baseline]Common")


def test_utf16_files_as_windows_powershell_writes_them(tmp_path: Path) -> None:
    mof = tmp_path / "localhost.mof"
    mof.write_bytes(b"\xff\xfe" + WINDOWS_MOF.replace("\n", "\r\n").encode("utf-16-le"))
    document = read_mof(mof)
    assert document.configuration_name == "WindowsBaseline"
    assert document.resources[1].line == 45


def test_utf8_with_bom(tmp_path: Path) -> None:
    mof = tmp_path / "localhost.mof"
    mof.write_bytes(b"\xef\xbb\xbf" + SAMPLE_MOF.read_bytes())
    assert read_mof(mof).configuration_name == "LinuxMotd"


def _mof_string(text: str) -> str:
    """Write ``text`` as a MOF string literal, the way a compiler escapes it."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char < " " or char == "\x7f":
            out.append(f"\\x{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])))
def test_any_string_round_trips(text: str) -> None:
    mof = (
        'instance of Demo { ResourceID = "[Demo]X"; ModuleName = "M"; ModuleVersion = "1";'
        f' ConfigurationName = "C"; Value = {_mof_string(text)}; }};'
    )
    (resource,) = parse_mof(mof).resources
    assert resource.properties["Value"] == text


RESOURCE = (
    'ResourceID = "[File]A"; ModuleName = "PSDscResources"; ModuleVersion = "2.12.0.0"; '
    'ConfigurationName = "Demo";'
)

MALFORMED: list[tuple[str, int, str]] = [
    (f'instance of X {{\n {RESOURCE}\n Contents = "x"\n}};', 4, "expected ';' after the value"),
    (f'instance of X {{\n {RESOURCE}\n Contents = "unclosed;\n}};', 3, "string is not closed"),
    (f"/* header\n\n\ninstance of X {{ {RESOURCE} }};", 1, "'/*' is never closed"),
    (f"\ninstance of X {{ {RESOURCE}\n Cred = $Missing1ref; }};", 3, "$Missing1ref names no"),
    (
        f"instance of C as $a {{ A = 1; }};\n\ninstance of C as $A {{ A = 2; }};\n"
        f"instance of X {{ {RESOURCE} }};",
        3,
        "alias $A is declared twice",
    ),
    (f"instance of X {{ {RESOURCE}\n\n Mode = 1;\n mode = 2; }};", 4, "property mode is set twice"),
    (
        f"instance of X {{ {RESOURCE} }};\n\ninstance of X {{ {RESOURCE} }};",
        3,
        "ResourceID '[File]A' is used twice (first on line 1)",
    ),
    (
        'instance of X {\n ResourceID = "[File]A";\n ModuleVersion = "1.0"; };',
        1,
        "ModuleName of instance of X is missing",
    ),
    (
        f"instance of X {{ {RESOURCE} }};\n"
        'instance of OMI_ConfigurationDocument { Name = "Demo"; };\n'
        'instance of OMI_ConfigurationDocument { Name = "Demo"; };',
        3,
        "OMI_ConfigurationDocument appears twice",
    ),
    (f"instance of X {{ {RESOURCE} }};\n\nclass Demo : OMI_BaseResource {{ }};", 3, "schema MOFs"),
    (f'instance of X {{ {RESOURCE}\n Value = "bad \\q escape"; }};', 2, "unknown escape '\\q'"),
    (f"#include <x>\ninstance of X {{ {RESOURCE} }};", 1, "'#' starts only a '#pragma'"),
    (f"instance of X {{ {RESOURCE}\n Mode = 0789; }};", 2, "'0789' is not a valid octal"),
    (f"instance of X {{ {RESOURCE}\n\n Mode = @; }};", 3, "unexpected character '@'"),
    (f"instance of X {{ {RESOURCE}\n Mode = 1;\n", 3, "is never closed"),
    (f"instance of X {{ {RESOURCE}\n List = {{1, 2,}}; }};", 2, "expected a value for List"),
    (f"instance of X {{ {RESOURCE}\n List = {{1 2}}; }};", 2, "expected ',' or '}'"),
    (f"instance X {{ {RESOURCE} }};", 1, "expected 'of' after 'instance'"),
    (f"instance of X as Y {{ {RESOURCE} }};", 1, "expected an alias"),
    (f"instance of X {{ {RESOURCE} }}", 1, "expected ';' after the closing"),
    (f'instance of X {{ {RESOURCE}\n DependsOn = "[File]B"; }};', 1, "DependsOn of [File]A"),
    (f"instance of X {{ {RESOURCE}\n Mode = 12abc; }};", 2, "malformed number"),
    (f"#pragma namespace(root)\ninstance of X {{ {RESOURCE} }};", 1, "expected a string"),
    (
        f"instance of C as $a {{ Self = $a; }};\ninstance of X {{ {RESOURCE} }};",
        1,
        "$a refers to itself",
    ),
    (f"instance of X {{ {RESOURCE}\n C = 'ab'; }};", 2, "exactly one character"),
]


@pytest.mark.parametrize(("text", "line", "reason"), MALFORMED)
def test_malformed_mof_names_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_mof(text, source="Demo.mof", path="package.mof")
    message = str(caught.value)
    assert caught.value.path == "package.mof"
    assert f"Demo.mof, line {line}, column " in message, message
    assert reason in message, message


def test_the_column_points_at_the_token() -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_mof(f'instance of X {{ {RESOURCE}\n    Mode = "a" }};')
    assert re.search(
        r"line 2, column 16: expected ';' after the value of Mode, found '}'", str(caught.value)
    )


def test_not_text_and_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        parse_mof(b"instance of X {};")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="cannot read"):
        read_mof(tmp_path / "missing.mof")
