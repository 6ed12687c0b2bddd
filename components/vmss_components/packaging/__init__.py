"""Local artifacts: packages ready to upload, with their digests. Pure: no Pulumi here.

:mod:`.package` (files and deterministic zips of folders), :mod:`.dsc` (DSC configuration
packages), :mod:`.machine_configuration` (guest configuration packages) and :mod:`.mof` (the
compiled-MOF reader) are the public modules; the private ones write zips (``_zip``,
``_fast_zip``), keep the build cache (``_cache``), hash files (``_digests``) and walk trees
(``_tree``). This module only re-exports.
"""

from ._cache import cache_dir
from ._tree import JUNK_PATTERNS
from ._zip import BuildObserver, add_build_observer
from .dsc import DscPackage, powershell_configurations
from .machine_configuration import (
    MACHINE_CONFIGURATION_MAX_BYTES,
    MACHINE_CONFIGURATION_MODES,
    MachineConfigurationPackage,
    check_configuration_name,
)
from .package import Package, check_blob_name
from .publishable import Publishable, as_package

__all__ = [
    "JUNK_PATTERNS",
    "MACHINE_CONFIGURATION_MAX_BYTES",
    "MACHINE_CONFIGURATION_MODES",
    "BuildObserver",
    "DscPackage",
    "MachineConfigurationPackage",
    "Package",
    "Publishable",
    "add_build_observer",
    "as_package",
    "cache_dir",
    "check_blob_name",
    "check_configuration_name",
    "powershell_configurations",
]
