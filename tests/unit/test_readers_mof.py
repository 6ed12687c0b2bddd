"""The MOF reader against the OMI grammar: names, encodings, every form, limits.

Fixtures under fixtures/readers/mof reproduce the patterns of issue 16 (a document name that
differs from the resources', an older MOF without a name, raw newlines in strings); encoded
variants and hostile inputs are generated here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vmss_components.errors import ConfigurationError
from vmss_components.packaging import mof
from vmss_components.packaging.mof import (
    MAX_DEPTH,
    MofInstance,
    parse_mof,
    read_mof,
)

FIXTURES = Path(__file__).parent / "fixtures" / "readers" / "mof"
RESOURCE = 'ResourceID = "[File]A"; ModuleName = "M"; ModuleVersion = "1.0";'


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- Names ----------------------------------------------------------------------------------


def test_the_documents_name_is_the_configuration_name_when_resources_say_otherwise() -> None:
    document = read_mof(FIXTURES / "doc-name-differs.mof")
    assert document.configuration_name == "SampleBaseline"
    assert document.resource_configuration_names == ("ASC.Sample",)
    assert [r.configuration_name for r in document.resources] == ["ASC.Sample", "ASC.Sample"]
    assert document.warnings == ()


def test_without_a_document_name_the_configuration_has_none() -> None:
    document = read_mof(FIXTURES / "no-doc-name.mof")
    assert document.configuration_name is None
    assert document.document is not None and document.document.get("Author") == "fixture"
    (resource,) = document.resources
    assert (resource.resource_type, resource.name, resource.configuration_name) == (
        "nxFile",
        "Motd",
        None,
    )


def test_without_a_document_the_resources_shared_name_is_taken() -> None:
    text = f'instance of X {{ {RESOURCE} ConfigurationName = "Shared"; }};'
    assert parse_mof(text).configuration_name == "Shared"
    other = RESOURCE.replace("[File]A", "[File]B")
    two = text + f'\ninstance of Y {{ {other} ConfigurationName = "Other"; }};'
    document = parse_mof(two)
    assert document.configuration_name is None
    assert document.resource_configuration_names == ("Shared", "Other")


# --- Strings and every form ---------------------------------------------------------------


def test_raw_newlines_and_tabs_inside_strings_are_part_of_them() -> None:
    document = read_mof(FIXTURES / "raw-newlines.mof")
    (resource,) = document.resources
    assert resource.properties["SetScript"] == '#!/bin/bash\n\techo "" > /tmp/marker\necho done'
    assert resource.properties["TestScript"] == "#!/bin/bash\nexit 1"
    assert resource.properties["Recurse"] is True
    # "ResourceId" in another case is still the ResourceID; lines count the raw newlines.
    assert resource.resource_id == "[nxScript]Install"
    assert document.document is not None and document.document.line == 14


def test_a_raw_crlf_inside_a_string_and_a_later_error_on_the_right_line() -> None:
    text = f'instance of X {{ {RESOURCE}\r\n Script = "a\r\nb\r\nc";\r\n Bad = @; }};'
    with pytest.raises(ConfigurationError, match="line 5, column 8: unexpected character '@'"):
        parse_mof(text)
    good = parse_mof(text.replace(" Bad = @;", ""))
    assert good.resources[0].properties["Script"] == "a\r\nb\r\nc"


def test_every_form_of_the_grammar() -> None:
    document = read_mof(FIXTURES / "every-form.mof")
    assert document.pragmas == (
        ("namespace", "root/Microsoft/Windows/DesiredStateConfiguration"),
        ("locale", "en_US"),
    )
    (resource,) = document.resources
    credential = MofInstance(
        "MSFT_Credential", "Cred1ref", {"UserName": "svc", "Password": "pAss"}, 6
    )
    assert dict(resource.properties) == {
        "Name": "x",
        "Flag": True,
        "Char": "A",
        "NewlineChar": "\n",
        "Nothing": None,
        "Empty": (),
        "Aliases": (credential, credential),
        "Joined": "concat",
        "Wide": "\u00e9t\u00e9",
        "Octal": 15,
        "Binary": -5,
        "Hex": 255,
        "Real": 150.0,
        "Largest": 2**64 - 1,
    }


def test_an_empty_resource_id_is_a_resource_without_type_or_name() -> None:
    document = read_mof(FIXTURES / "empty-resourceid.mof")
    (resource,) = document.resources
    assert (resource.resource_id, resource.resource_type, resource.name) == ("", None, None)


def test_an_inventory_document_and_a_missing_version_are_warnings() -> None:
    inventory = read_mof(FIXTURES / "inventory.mof")
    assert len(inventory.warnings) == 1 and "inventory document" in inventory.warnings[0]
    without_version = parse_mof(
        f'instance of X {{ {RESOURCE} }};\ninstance of OMI_ConfigurationDocument {{ Name = "N"; }};'
    )
    assert "has no Version such as '2.0.0'" in without_version.warnings[0]


def test_a_document_without_resources_reads() -> None:
    document = read_mof(FIXTURES / "document-only.mof")
    assert (document.configuration_name, document.resources) == ("Nothing", ())


def test_a_wmi_registration_mof_is_named_for_what_it_is() -> None:
    with pytest.raises(ConfigurationError) as caught:
        read_mof(FIXTURES / "wmi-registration.mof", path="package.mof")
    assert caught.value.path == "package.mof"
    assert "line 1, column 9: #pragma autorecover needs its value in parentheses" in str(
        caught.value
    )
    assert "WMI registration MOF" in str(caught.value)


def test_include_pragmas_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="#pragma include"):
        parse_mof(f'#pragma include("other.mof")\ninstance of X {{ {RESOURCE} }};')


def test_resource_ids_that_differ_only_in_case_are_duplicates() -> None:
    text = (
        f"instance of X {{ {RESOURCE} }};\n"
        + f"instance of X {{ {RESOURCE.replace('[File]A', '[file]a')} }};"
    )
    with pytest.raises(ConfigurationError, match=r"line 2, .*'\[file\]a' is used twice"):
        parse_mof(text)


# --- Encodings ----------------------------------------------------------------------------

DOC = fixture("doc-name-differs.mof")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(DOC.encode("utf-8"), id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + DOC.encode("utf-8"), id="utf-8-bom"),
        pytest.param(b"\xff\xfe" + DOC.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(b"\xfe\xff" + DOC.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(DOC.encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(DOC.encode("utf-16-be"), id="utf-16-be-no-bom"),
        pytest.param(DOC.replace("fixture", "caf\u00e9").encode("cp1252"), id="windows-1252"),
    ],
)
def test_every_encoding_omi_reads(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "localhost.mof"
    path.write_bytes(data)
    assert read_mof(path).configuration_name == "SampleBaseline"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe\x00\x00" + DOC.encode("utf-32-le"), "UTF-32, which the MOF reader (OMI)"),
        (b"\x00\x00\xfe\xff" + DOC.encode("utf-32-be"), "UTF-32, which the MOF reader (OMI)"),
        (b"\xff\xfe" + DOC.encode("utf-16-le")[:-1], "is not valid UTF 16-LE"),
        (b"\x00\x00" + DOC.encode(), "starts with two zero bytes"),
    ],
)
def test_encodings_omi_refuses(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "localhost.mof"
    path.write_bytes(data)
    with pytest.raises(ConfigurationError) as caught:
        read_mof(path, path="package.mof")
    assert caught.value.path == "package.mof"
    assert reason in caught.value.reason


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not a regular file"):
        read_mof(Path("/dev/zero"), path="package.mof")
    with pytest.raises(ConfigurationError, match="is a folder"):
        read_mof(tmp_path, path="package.mof")


# --- Limits: a ConfigurationError, never RecursionError, ValueError or a hang -----------------

LIMITS = [
    pytest.param(
        f"instance of X {{ {RESOURCE} N = {'9' * 5000}; }};", "number literal", id="number"
    ),
    pytest.param(
        f"instance of X {{ {RESOURCE} N = 18446744073709551616; }};", "64-bit", id="int-range"
    ),
    pytest.param(f"instance of X {{ {RESOURCE} N = 1e999; }};", "too large", id="real-range"),
    pytest.param(
        f"instance of X {{ {RESOURCE} N = {{{{1}}}}; }};", "arrays hold values", id="nested-array"
    ),
    pytest.param(
        f"instance of X {{ {RESOURCE} N = " + "{" * 5000 + "1" + "}" * 5000 + "; };",
        "arrays hold values",
        id="5000-deep-arrays",
    ),
    pytest.param(
        f"instance of X {{ {RESOURCE} N = "
        + "instance of Y { V = " * 10_000
        + "1"
        + "; }" * 10_000
        + "; };",
        f"deeper than {MAX_DEPTH}",
        id="10000-deep-instances",
    ),
    pytest.param(
        "".join(f"instance of C as $a{i} {{ Next = $a{i + 1}; }};\n" for i in range(3000))
        + "instance of C as $a3000 { V = 1; };\n"
        + f"instance of X {{ {RESOURCE} N = $a0; }};",
        f"deeper than {MAX_DEPTH}",
        id="3000-long-alias-chain",
    ),
    pytest.param(
        "instance of C as $a { Next = $b; };\ninstance of C as $b { Next = $a; };\n"
        f"instance of X {{ {RESOURCE} }};",
        "refers to itself through other aliases",
        id="alias-cycle",
    ),
    pytest.param(
        "instance of C as $a0 { V = 1; };\n"
        + "".join(
            f"instance of C as $a{i} {{ L = $a{i - 1}; R = $a{i - 1}; }};\n" for i in range(1, 30)
        ),
        "expand to more than",
        id="alias-diamonds",
    ),
    pytest.param(f'instance of X {{ {RESOURCE} N = "\\xD800"; }};', "surrogate", id="surrogate"),
]


@pytest.mark.parametrize(("text", "reason"), LIMITS)
def test_limits_are_configuration_errors(text: str, reason: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_mof(text, source="Bad.mof", path="package.mof")
    assert caught.value.path == "package.mof"
    assert reason in caught.value.reason, caught.value.reason


@pytest.mark.parametrize(
    ("limit", "text", "reason"),
    [
        ("MAX_VALUES", f"instance of X {{ {RESOURCE} N = {{" + "1," * 1000 + "1}; };", "values"),
        ("MAX_VALUES", f"instance of X {{ {RESOURCE} [" + "A, " * 1000 + "B] N = 1; };", "values"),
        ("MAX_VALUES", '#pragma a("b")\n' * 1001, "values"),
        ("MAX_INSTANCES", "instance of C { V = 1; };\n" * 1001, "instances"),
    ],
)
def test_counts_are_bounded(
    monkeypatch: pytest.MonkeyPatch, limit: str, text: str, reason: str
) -> None:
    # The limits are 200,000 values and 20,000 instances; a smaller one shows the check.
    monkeypatch.setattr(mof, limit, 1000)
    with pytest.raises(ConfigurationError, match=f"more than 1,000 {reason}"):
        parse_mof(text)


def test_a_long_alias_chain_within_the_limit_reads() -> None:
    chain = "".join(f"instance of C as $a{i} {{ Next = $a{i + 1}; }};\n" for i in range(20))
    chain += f"instance of C as $a20 {{ V = 1; }};\ninstance of X {{ {RESOURCE} N = $a0; }};"
    (resource,) = parse_mof(chain).resources
    value = resource.properties["N"]
    depth = 0
    while isinstance(value, MofInstance):
        depth += 1
        value = value.get("Next") if value.get("Next") is not None else value.get("V")
    assert (depth, value) == (21, 1)
