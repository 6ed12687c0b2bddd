"""Machine Configuration packages at their real size limit (zip64, about 100 MB extracted)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers.readers import linux_motd_files

from vmss_components import ConfigurationError, MachineConfigurationPackage
from vmss_components.packaging.machine_configuration import MACHINE_CONFIGURATION_MAX_BYTES

GOOD = linux_motd_files()


def zip_of_size(path: Path, total: int) -> Path:
    """The good package plus zeros, ``total`` bytes once extracted, about 100 KB on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    others = sum(len(content.encode()) for content in GOOD.values())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in GOOD.items():
            archive.writestr(name, content)
        with archive.open("Modules/LinuxMotdDsc/big.bin", "w", force_zip64=True) as member:
            left = total - others
            chunk = bytes(1 << 20)
            while left > 0:
                member.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    assert path.stat().st_size < 1_000_000
    return path


def test_a_prebuilt_package_at_the_limit_and_one_byte_over(tmp_path: Path) -> None:
    limit = MACHINE_CONFIGURATION_MAX_BYTES
    fits = MachineConfigurationPackage.from_zip(zip_of_size(tmp_path / "LinuxMotd.zip", limit))
    assert fits.uncompressed_size == limit
    over = zip_of_size(tmp_path / "over" / "LinuxMotd.zip", limit + 1)
    with pytest.raises(ConfigurationError) as caught:
        MachineConfigurationPackage.from_zip(over)
    assert caught.value.path == "package.path"
    assert "104,857,601 bytes once extracted" in str(caught.value)
