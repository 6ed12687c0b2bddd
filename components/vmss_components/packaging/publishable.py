"""What the artifact store publishes: any of the three packages, and the file it uploads. Pure.

A :class:`DscPackage` or :class:`MachineConfigurationPackage` holds its zip as ``.package``;
a :class:`Package` is the file itself. :func:`as_package` gives the file in every case.
"""

from __future__ import annotations

from typing import TypeAlias

from .._redact import show
from ..errors import ConfigurationError
from .dsc import DscPackage
from .machine_configuration import MachineConfigurationPackage
from .package import Package

#: Anything :meth:`ArtifactStore.publish` takes.
Publishable: TypeAlias = Package | DscPackage | MachineConfigurationPackage


def as_package(item: Publishable) -> Package:
    """The file to upload for ``item``: itself for a Package, else the zip it holds."""
    if isinstance(item, Package):
        return item
    if isinstance(item, DscPackage | MachineConfigurationPackage):
        return item.package
    raise ConfigurationError("package", f"expected a Package, got {show(item)}")
