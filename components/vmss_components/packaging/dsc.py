"""DSC configuration packages, checked by reading their script as PowerShell does. Pure.

A :class:`DscPackage` holds the zip (a :class:`Package`) and the ``script`` and ``function``
the DSC extension runs, with the configuration's parameters. It is made only by
:meth:`DscPackage.from_directory`, which checks the script is at the zip's root and defines the
configuration where the extension can call it: calling the class directly (or
``dataclasses.replace``) raises ``TypeError``, so no DscPackage exists unchecked.

The script is decoded as Windows PowerShell 5.1 decodes it (see :mod:`._encodings`) and read
by :mod:`.powershell`. A script without a byte-order mark that holds non-ASCII bytes is read
twice, as its author's editor shows it (UTF-8) and as Windows PowerShell reads it (ANSI): if
the two differ in what they define, the package is refused with the fix (save as UTF-8 with a
byte-order mark).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import InitVar, dataclass
from typing import Self

from .._files import read_file_bytes
from .._redact import show
from ..errors import ConfigurationError
from ._encodings import byte_order_mark, decode_powershell, decode_windows_powershell
from ._tree import check_windows_names
from .package import HoldsPackage, Package, package_zip, read_tree, zip_tree
from .powershell import (
    CONFIGURATION_NAME,
    ConfigurationInfo,
    ParameterInfo,
    ScriptInfo,
    powershell_configurations,
    read_script,
)

__all__ = ["DscPackage", "powershell_configurations"]

# Passed by the factory only: the mark of a package whose script was checked.
_CHECKED = object()


@dataclass(frozen=True, kw_only=True)
class DscPackage(HoldsPackage):
    """A DSC configuration zip as the DSC extension expects it: ``script`` (a ``.ps1`` at the
    root) defines ``Configuration <function>`` at its top level; module folders sit at the root
    beside it.

    ``package`` is the zip to upload; ``name``, ``filename``, ``sha256`` and the other file
    attributes read from it. ``parameters`` are the configuration's ``param()`` entries (which
    the DSC extension's configuration arguments fill); ``warnings`` lists what deserves a look
    without being wrong.
    """

    package: Package
    script: str
    function: str
    parameters: tuple[ParameterInfo, ...] = ()
    warnings: tuple[str, ...] = ()
    _checked: InitVar[object] = None

    def __post_init__(self, _checked: object) -> None:
        if _checked is not _CHECKED:
            raise TypeError(
                "make a DscPackage with DscPackage.from_directory(source, script=, function=), "
                "which checks the script defines the function"
            )

    @classmethod
    def from_directory(
        cls,
        source: str | os.PathLike[str],
        *,
        script: str,
        function: str,
        name: str | None = None,
        exclude: Sequence[str] = (),
    ) -> Self:
        """Zip a configuration folder after checking its script defines the function."""
        tree = read_tree(source, name=name, exclude=exclude)
        check_windows_names(tree.files, "package.source")
        if not isinstance(script, str) or not script.lower().endswith(".ps1") or "/" in script:
            shown = repr(script) if isinstance(script, str) else f"a {type(script).__name__}"
            raise ConfigurationError(
                "package.script", f"{shown} is not a .ps1 file name at the package root"
            )
        root_scripts = sorted(
            rel for rel, _ in tree.files if "/" not in rel and rel.lower().endswith(".ps1")
        )
        matches = [rel for rel, _ in tree.files if rel.lower() == script.lower()]
        if not matches:
            found = ", ".join(root_scripts) or "none"
            raise ConfigurationError(
                "package.script",
                f"{show(script)} is not at the root of {tree.root}; .ps1 files there: {found}",
            )
        if not isinstance(function, str) or not CONFIGURATION_NAME.fullmatch(function):
            shown = repr(function) if isinstance(function, str) else f"a {type(function).__name__}"
            raise ConfigurationError(
                "package.function",
                f"{shown} is not a PowerShell configuration name (a letter, then letters, "
                "digits, '_', '.', '/' or '-')",
            )
        data = read_file_bytes(dict(tree.files)[matches[0]], "package.script")
        info = _read(data, matches[0])
        chosen, warnings = _choose(info, function, matches[0])
        return cls(
            package=package_zip(tree.name, zip_tree(tree)),
            script=matches[0],
            function=function,
            parameters=chosen.parameters,
            warnings=tuple(warnings),
            _checked=_CHECKED,
        )


def _read(data: bytes, script: str) -> ScriptInfo:
    """Read the script as its author sees it, and as Windows PowerShell 5.1 does."""
    if byte_order_mark(data) is None and b"\0" in data:
        raise ConfigurationError(
            "package.script",
            f"{script} holds zero bytes and no byte-order mark: it looks like UTF-16 saved "
            "without one, which Windows PowerShell cannot read; save it as UTF-8 with BOM",
        )
    info = read_script(decode_powershell(data), source=script, path="package.script")
    if byte_order_mark(data) is not None or data.isascii():
        return info
    hint = (
        f"Windows PowerShell 5.1, which the DSC extension runs, reads {script} as Windows-1252 "
        "because it has no byte-order mark"
    )
    try:
        ansi = read_script(decode_windows_powershell(data), source=script, path="package.script")
    except ConfigurationError as error:
        raise ConfigurationError(
            "package.script",
            f"{hint}, and then cannot parse it ({error.reason}); save it as UTF-8 with BOM",
        ) from error
    if _summary(ansi) != _summary(info):
        raise ConfigurationError(
            "package.script",
            f"{hint}, and then finds other configurations or parameters than an editor shows; "
            "save it as UTF-8 with BOM",
        )
    return info


def _summary(info: ScriptInfo) -> object:
    return [
        (c.name, c.scope, [(p.name, p.mandatory, p.type_name) for p in c.parameters])
        for c in info.configurations
    ], [(p.name, p.mandatory) for p in info.parameters]


def _choose(info: ScriptInfo, function: str, script: str) -> tuple[ConfigurationInfo, list[str]]:
    """The configuration the extension will call, and the warnings about it; else an error."""
    named = [c for c in info.configurations if c.name and c.name.lower() == function.lower()]
    callable_ = [c for c in named if c.scope != "nested"]
    if not callable_:
        raise ConfigurationError(
            "package.function", _not_found(info, function, script, nested=named)
        )
    chosen = callable_[0]
    warnings: list[str] = []
    mandatory = [p.name for p in info.parameters if p.mandatory]
    if mandatory:
        raise ConfigurationError(
            "package.script",
            f"{script} has mandatory script parameters ({', '.join(mandatory)}): the DSC "
            "extension loads the script without arguments, so they can never be given; make "
            "them configuration parameters instead",
        )
    if chosen.scope == "block":
        warnings.append(
            f"{script}: Configuration {chosen.name} (line {chosen.line}) is defined inside a "
            "statement block (if, foreach, try…) at script level: the extension can call it "
            "only when that block runs"
        )
    if chosen.meta:
        warnings.append(
            f"{script}: Configuration {chosen.name} (line {chosen.line}) is a meta-"
            "configuration ([DscLocalConfigurationManager()]), which configures the local "
            "configuration manager rather than the machine; the DSC extension applies "
            "configurations"
        )
    for name, line in info.calls:
        warnings.append(
            f"{script} calls Configuration {name} itself at line {line}: the extension loads "
            "the script, so that call runs too, before the extension's own"
        )
    return chosen, warnings


def _not_found(
    info: ScriptInfo, function: str, script: str, *, nested: list[ConfigurationInfo]
) -> str:
    if nested:
        inner = nested[0]
        return (
            f"{script} defines Configuration {inner.name} (line {inner.line}) inside "
            f"{inner.container}: the DSC extension loads the script and calls the "
            "configuration, which exists only while that code runs; define it at the top "
            "level of the script"
        )
    found: list[str] = []
    for configuration in info.configurations:
        if configuration.name is None:
            found.append(
                f"Configuration {configuration.name_source} (line {configuration.line}) has a "
                "name computed at run time, which the extension's function setting cannot name"
            )
        elif configuration.scope == "nested":
            found.append(
                f"Configuration {configuration.name} (line {configuration.line}) inside "
                f"{configuration.container}, where the extension cannot call it"
            )
        else:
            found.append(f"Configuration {configuration.name} (line {configuration.line})")
    listed = "; ".join(found) if found else "no Configuration block"
    return f"{script} does not define Configuration {function}; it defines: {listed}"
