"""Fuzzers for every reader of packaging/: any input gives a result or a ConfigurationError.

Each fuzzer runs a small sample with the suite (``make test``) and a large one behind the
``fuzz`` marker (``make fuzz``, ``pytest -m fuzz``). Each example must finish within a time
limit (no hang), raise nothing but :class:`ConfigurationError`, and give an error message
that can be printed in any encoding (no lone surrogate, no undecodable file name).
"""

from __future__ import annotations

import os
import signal
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers.readers import META, MOF, SAMPLE_MODULE, write_zip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmss_components import DscPackage, MachineConfigurationPackage, Package
from vmss_components.errors import ConfigurationError
from vmss_components.packaging._encodings import decode_mof, decode_powershell
from vmss_components.packaging.dsc import _read as read_dsc_script
from vmss_components.packaging.mof import parse_mof
from vmss_components.packaging.powershell import read_script

#: Examples per fuzzer in the suite, and behind the ``fuzz`` marker.
SMALL, LARGE = 30, 1500
#: Seconds one example may take before it counts as a hang.
PATIENCE = 20


@contextmanager
def no_hang(seconds: int = PATIENCE) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"an example took more than {seconds} s: the reader hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def only_configuration_errors(read: Callable[[], object]) -> None:
    """Run ``read``: success, or a ConfigurationError whose message prints anywhere."""
    with no_hang():
        try:
            read()
        except ConfigurationError as error:
            str(error).encode("utf-8")
            assert error.path


def fuzzers(
    strategy: st.SearchStrategy[Any],
) -> Callable[[Callable[[Any], None]], tuple[Callable[..., None], Callable[..., None]]]:
    """A small-sample test and a ``fuzz``-marked large one, from one check."""

    def make(check: Callable[[Any], None]) -> tuple[Callable[..., None], Callable[..., None]]:
        common = {"deadline": None, "suppress_health_check": list(HealthCheck)}

        @settings(max_examples=SMALL, **common)  # type: ignore[arg-type]
        @given(strategy)
        def sample(value: Any) -> None:
            check(value)

        @pytest.mark.fuzz
        @settings(max_examples=LARGE, **common)  # type: ignore[arg-type]
        @given(strategy)
        def full(value: Any) -> None:
            check(value)

        return sample, full

    return make


def soup(tokens: list[str], *, max_size: int = 80) -> st.SearchStrategy[str]:
    """Text made of the grammar's own pieces, so the fuzzer reaches deep into the reader."""
    return st.lists(st.one_of(st.sampled_from(tokens), st.text(max_size=3)), max_size=max_size).map(
        "".join
    )


# --- MOF -----------------------------------------------------------------------------------

MOF_TOKENS = [
    "instance of ",
    "Instance Of ",
    " as ",
    "$a",
    "$b",
    "{",
    "}",
    ";",
    " = ",
    ",",
    "(",
    ")",
    "[Key] ",
    "[",
    "]",
    ":",
    '"s"',
    '"\\x41"',
    '"\\xD800"',
    '"\\q"',
    '"\n"',
    "'c'",
    "'\\n'",
    "''",
    "1",
    "-1",
    "0x1F",
    "017",
    "089",
    "101b",
    "1.5e3",
    "1e999",
    "9" * 120,
    "TRUE",
    "null",
    "#pragma ",
    "namespace",
    'include("x")',
    "//c\n",
    "/* c */",
    "/*",
    "\n",
    " ",
    "OMI_ConfigurationDocument",
    "Name",
    "ResourceID",
    '"[F]x"',
    '""',
    "ModuleName",
    "ModuleVersion",
    '"1.0"',
    "ConfigurationName",
    "DependsOn",
    "Version",
    '"2.0.0"',
    '"',
    "\\",
    "\x00",
    "\u00e9",
    "\ud800",
]
MOF_SAMPLES = [p.read_text(encoding="utf-8") for p in sorted(MOF.glob("*.mof"))]


@st.composite
def mof_inputs(draw: st.DrawFn) -> bytes | str:
    kind = draw(st.sampled_from(["soup", "mutated", "bytes", "encoded"]))
    if kind == "soup":
        return draw(soup(MOF_TOKENS))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    text = draw(st.sampled_from(MOF_SAMPLES))
    if kind == "encoded":
        codec = draw(st.sampled_from(["utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"]))
        data = text.encode(codec)
        cut = draw(st.integers(0, len(data)))
        return data[:cut]
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(soup(MOF_TOKENS, max_size=4)) + text[at + draw(st.integers(0, 20)) :]


def _read_mof(value: bytes | str) -> None:
    if isinstance(value, bytes):
        only_configuration_errors(
            lambda: parse_mof(decode_mof(value, source="x.mof", path="mof"), source="x.mof")
        )
    else:
        only_configuration_errors(lambda: parse_mof(value, source="x.mof"))


test_mof_reader_sample, test_mof_reader = fuzzers(mof_inputs())(_read_mof)


# --- PowerShell ------------------------------------------------------------------------------

PS_TOKENS = [
    "Configuration ",
    "configuration",
    "function ",
    "param",
    "if ",
    "else",
    "Node ",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "$(",
    "@(",
    "@{",
    "${x}",
    "$x",
    "'",
    "''",
    '"',
    '""',
    "`",
    "`\n",
    "@'\n",
    "\n'@",
    '@"\n',
    '\n"@',
    "#",
    "<#",
    "#>",
    ";",
    ",",
    "|",
    "&",
    ". ",
    "=",
    "Web",
    "'Web'",
    '"Web"',
    "[Parameter(Mandatory)]",
    "[PSCredential]",
    "[DscLocalConfigurationManager()]",
    "\u2018",
    "\u201c",
    "\u00a0",
    "\x00",
    "9bad",
    "\ud800",
]


@st.composite
def script_inputs(draw: st.DrawFn) -> bytes | str:
    kind = draw(st.sampled_from(["soup", "bytes", "encoded"]))
    if kind == "soup":
        return draw(soup(PS_TOKENS))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    text = draw(soup([t for t in PS_TOKENS if t != "\ud800"]))
    mark = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
    codec = {b"": "cp1252", b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le"}.get(
        mark, "utf-16-be"
    )
    return mark + text.encode(codec, errors="replace")


def _read_powershell(value: bytes | str) -> None:
    if isinstance(value, bytes):
        only_configuration_errors(lambda: read_dsc_script(value, "x.ps1"))
        only_configuration_errors(lambda: read_script(decode_powershell(value)))
    else:
        only_configuration_errors(lambda: read_script(value))


test_powershell_reader_sample, test_powershell_reader = fuzzers(script_inputs())(_read_powershell)


# --- Machine Configuration zips and their metaconfig --------------------------------------

MEMBER_NAMES = [
    "Pkg.mof",
    "pkg.MOF",
    "Pkg.metaconfig.json",
    "Other.mof",
    "Sub/Pkg.mof",
    "Modules/SampleDsc/SampleDsc.psd1",
    "Modules/SampleDsc/SampleDsc.psm1",
    "Modules/X/a",
    "Modules/DscNativeResources/MSFT_ChefInSpecResource/libMSFT_ChefInSpecResource.so",
    "Modules/linux-path/inspec.yml",
    "Modules/install_inspec.sh",
    "../x",
    "/abs",
    "CON",
    "a\\b",
    "Modules/",
    "C:x",
    "\u00e9.txt",
]
METACONFIG_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    '"Type"',
    ":",
    '"Audit"',
    '"AuditAndSet"',
    ",",
    '"Version"',
    '"1.0.0"',
    '"configurationModeFrequencyMins"',
    "30",
    "1e999",
    "NaN",
    "-",
    "9" * 60,
    '"\\ud800"',
    "true",
    "null",
    '"',
    "\\",
]


@st.composite
def package_zips(draw: st.DrawFn) -> tuple[str, bytes]:
    """A zip file name and bytes: a package built from odd members, perhaps damaged after."""
    members: dict[str, bytes | str] = {}
    if draw(st.booleans()):
        members["Pkg.mof"] = (MOF / "doc-name-differs.mof").read_bytes()
        members.update(SAMPLE_MODULE)
        members["Pkg.metaconfig.json"] = draw(
            st.one_of(st.just(META), soup(METACONFIG_TOKENS, max_size=30))
        )
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.one_of(st.sampled_from(MEMBER_NAMES), st.text(min_size=1, max_size=12)))
        members[name] = draw(
            st.one_of(
                st.binary(max_size=200),
                st.sampled_from(MOF_SAMPLES),
                soup(METACONFIG_TOKENS, max_size=20),
            )
        )
    method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "z.zip"
        try:
            write_zip(path, members, method=method)
        except Exception:  # zipfile cannot write this name: no zip to read
            return "Pkg.zip", b""
        data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(0, 3))):
        if data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]
    filename = draw(st.sampled_from(["Pkg.zip", "Pkg_1.0.0.zip", "Other.zip"]))
    return filename, bytes(data)


def _read_package_zip(value: tuple[str, bytes]) -> None:
    filename, data = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(data)
        only_configuration_errors(lambda: MachineConfigurationPackage.from_zip(path))
        only_configuration_errors(lambda: Package.from_zip(path))


test_machine_configuration_zip_sample, test_machine_configuration_zip = fuzzers(package_zips())(
    _read_package_zip
)


def _read_metaconfig(text: str) -> None:
    members: dict[str, bytes | str] = {
        "Pkg.mof": (MOF / "doc-name-differs.mof").read_bytes(),
        "Pkg.metaconfig.json": text.encode("utf-8", errors="surrogatepass"),
        **SAMPLE_MODULE,
    }
    with tempfile.TemporaryDirectory() as folder:
        path = write_zip(Path(folder) / "Pkg.zip", members)
        only_configuration_errors(lambda: MachineConfigurationPackage.from_zip(path))


test_metaconfig_sample, test_metaconfig = fuzzers(
    st.one_of(soup(METACONFIG_TOKENS), st.text(max_size=200))
)(_read_metaconfig)


def test_a_metaconfig_of_100000_brackets() -> None:
    _read_metaconfig("[" * 100_000)


# --- Zips built from odd trees --------------------------------------------------------------

_RESERVED = [b"CON", b"aux.ps1", b"nul.txt", b"COM1", b"lpt9.psm1"]


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[tuple[bytes, ...], str]]:
    """Paths (as byte segments) and what to make there: file, folder, link or FIFO."""
    segment = st.one_of(
        st.sampled_from(_RESERVED),
        st.binary(min_size=1, max_size=10).filter(
            lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")
        ),
        st.from_regex(rb"[A-Za-z0-9._-]{1,8}", fullmatch=True).filter(
            lambda b: b not in (b".", b"..")
        ),
    )
    return draw(
        st.lists(
            st.tuples(
                st.lists(segment, min_size=1, max_size=4).map(tuple),
                st.sampled_from(["file", "file", "folder", "inside", "outside", "fifo"]),
            ),
            max_size=8,
        )
    )


def _make_tree(root: bytes, outside: bytes, entries: list[tuple[tuple[bytes, ...], str]]) -> None:
    """Make ``entries`` under ``root``, never writing through a link or opening a FIFO."""
    for segments, kind in entries:
        parent = root
        for segment in segments[:-1]:
            parent = os.path.join(parent, segment)
            if os.path.islink(parent) or (os.path.lexists(parent) and not os.path.isdir(parent)):
                break
            if not os.path.lexists(parent):
                os.mkdir(parent)
        else:
            path = os.path.join(parent, segments[-1])
            if os.path.lexists(path):
                continue  # never open what an earlier entry made
            if kind == "file":
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                os.write(descriptor, b"x")
                os.close(descriptor)
            elif kind == "folder":
                os.mkdir(path)
            elif kind == "inside":
                os.symlink(os.path.join(root, b"Site.ps1"), path)
            elif kind == "outside":
                os.symlink(outside, path)
            else:
                os.mkfifo(path)


def _build_from_tree(entries: list[tuple[tuple[bytes, ...], str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = os.path.join(os.fsencode(folder), b"pkg")
        outside = os.path.join(os.fsencode(folder), b"outside")
        os.makedirs(outside)
        os.makedirs(os.path.join(root, b"Modules", b"SampleDsc"))
        with open(os.path.join(root, b"Site.ps1"), "wb") as handle:
            handle.write(b"Configuration Web { }\n")
        with open(os.path.join(root, b"Modules", b"SampleDsc", b"SampleDsc.psd1"), "wb") as handle:
            handle.write(b"@{ ModuleVersion = '1.0.0' }")
        _make_tree(root, outside, entries)
        source = Path(os.fsdecode(root))
        only_configuration_errors(lambda: Package.from_directory(source))
        only_configuration_errors(
            lambda: DscPackage.from_directory(source, script="Site.ps1", function="Web")
        )
        only_configuration_errors(
            lambda: MachineConfigurationPackage.build(
                "SampleBaseline", mof=MOF / "doc-name-differs.mof", modules=source / "Modules"
            )
        )


test_zip_building_from_odd_trees_sample, test_zip_building_from_odd_trees = fuzzers(trees())(
    _build_from_tree
)
