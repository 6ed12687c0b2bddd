"""DSC configuration packages, and the PowerShell scan that checks their script. Pure.

A :class:`DscPackage` holds the zip (a :class:`Package`) and the ``script`` and ``function``
the DSC extension runs. It is made only by :meth:`DscPackage.from_directory`, which checks the
script is at the zip's root and defines the configuration: calling the class directly (or
``dataclasses.replace``) raises ``TypeError``, so no DscPackage exists unchecked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import InitVar, dataclass
from typing import Self

from ..errors import ConfigurationError
from .package import HoldsPackage, Package, package_zip, read_tree, zip_tree

# PowerShell comments: <# block #> and # to the end of the line.
_PS_BLOCK_COMMENT = re.compile(r"<#.*?#>", re.DOTALL)
_PS_LINE_COMMENT = re.compile(r"#[^\n]*")
_PS_CONFIGURATION = re.compile(
    r"^[ \t]*configuration[ \t]+([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:\{|\(|$)",
    re.IGNORECASE | re.MULTILINE,
)
_PS_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Passed by the factory only: the mark of a package whose script was checked.
_CHECKED = object()


def powershell_configurations(script: str) -> list[str]:
    """Names of the ``Configuration <Name>`` blocks a PowerShell script defines."""
    code = _PS_LINE_COMMENT.sub("", _PS_BLOCK_COMMENT.sub("", script))
    return _PS_CONFIGURATION.findall(code)


@dataclass(frozen=True, kw_only=True)
class DscPackage(HoldsPackage):
    """A DSC configuration zip as the DSC extension expects it: ``script`` (a ``.ps1`` at the
    root) defines ``Configuration <function>``; module folders sit at the root beside it.

    ``package`` is the zip to upload; ``name``, ``filename``, ``sha256`` and the other file
    attributes read from it.
    """

    package: Package
    script: str
    function: str
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
        if not isinstance(script, str) or not script.lower().endswith(".ps1") or "/" in script:
            raise ConfigurationError(
                "package.script", f"{script!r} is not a .ps1 file name at the package root"
            )
        root_scripts = sorted(
            rel for rel, _ in tree.files if "/" not in rel and rel.lower().endswith(".ps1")
        )
        matches = [rel for rel, _ in tree.files if rel.lower() == script.lower()]
        if not matches:
            found = ", ".join(root_scripts) or "none"
            raise ConfigurationError(
                "package.script",
                f"{script!r} is not at the root of {tree.root}; .ps1 files there: {found}",
            )
        if not isinstance(function, str) or not _PS_IDENTIFIER.fullmatch(function):
            raise ConfigurationError(
                "package.function", f"{function!r} is not a PowerShell configuration name"
            )
        script_path = dict(tree.files)[matches[0]]
        try:
            text = script_path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                "package.script", f"cannot read {script_path}: {error}"
            ) from error
        defined = powershell_configurations(text)
        if function.lower() not in {d.lower() for d in defined}:
            found = ", ".join(defined) or "no Configuration block"
            raise ConfigurationError(
                "package.function",
                f"{matches[0]} does not define Configuration {function}; it defines: {found}",
            )
        return cls(
            package=package_zip(tree.name, zip_tree(tree)),
            script=matches[0],
            function=function,
            _checked=_CHECKED,
        )
