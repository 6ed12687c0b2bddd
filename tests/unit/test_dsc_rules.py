"""What DscScaleSet refuses or accepts before anything exists: its package (the script, the
configuration function, the zip's layout) and its arguments, through resolve_dsc."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import DSC_SAMPLE, dsc_package, scale_set_args, store_facts

from vmss_components import ConfigurationError, DscScaleSetArgs, Package
from vmss_components.dsc import resolve_dsc
from vmss_components.packaging.dsc import powershell_configurations


def test_sample_package_layout() -> None:
    package = dsc_package()
    assert (package.script, package.function) == ("WebServer.ps1", "WebServer")
    with zipfile.ZipFile(package.path) as archive:
        assert archive.namelist() == [
            "WebServer.ps1",
            "WebSiteContent/WebSiteContent.psd1",
            "WebSiteContent/WebSiteContent.psm1",
        ]


def test_script_functions_are_found_case_insensitively() -> None:
    text = "<# Configuration Hidden {} #>\n# Configuration Commented\nconfiguration Main\n{\n}\n"
    assert powershell_configurations(text) == ["Main"]
    assert dsc_package(function="webserver").function == "webserver"


def test_missing_script_names_what_was_found() -> None:
    with pytest.raises(ConfigurationError) as caught:
        dsc_package(script="Site.ps1")
    assert caught.value.path == "package.script"
    assert "WebServer.ps1" in str(caught.value)


def test_script_not_at_the_root(tmp_path: Path) -> None:
    source = tmp_path / "web"
    (source / "nested").mkdir(parents=True)
    shutil.copy(DSC_SAMPLE / "WebServer.ps1", source / "nested" / "WebServer.ps1")
    with pytest.raises(ConfigurationError) as caught:
        dsc_package(source=source)
    assert caught.value.path == "package.script"
    assert "none" in str(caught.value)


def test_missing_function_names_what_was_found() -> None:
    with pytest.raises(ConfigurationError) as caught:
        dsc_package(function="Main")
    assert caught.value.path == "package.function"
    assert "WebServer" in str(caught.value)


def test_a_plain_package_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        resolve_dsc(
            "web",
            DscScaleSetArgs(
                scale_set=scale_set_args(),
                store=None,  # type: ignore[arg-type]  # the resolve step never reads the store
                package=Package.from_directory(DSC_SAMPLE),  # type: ignore[arg-type]
            ),
            store_facts(),
        )
    assert caught.value.path == "package"
