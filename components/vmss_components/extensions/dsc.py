"""The PowerShell DSC extension (Windows), shaped as Azure's documentation shows it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .._types import DataCollection, WmfVersion, choices
from .spec import Extension

DSC_PUBLISHER = "Microsoft.Powershell"
DSC_TYPE = "DSC"
DSC_WMF_VERSIONS = choices(WmfVersion)
DSC_DATA_COLLECTION = choices(DataCollection)


def dsc_extension(
    *,
    name: str,
    type_handler_version: str,
    wmf_version: str,
    configuration_url: pulumi.Input[str],
    configuration_sas_token: pulumi.Input[str],
    script: str,
    function: str,
    configuration_arguments: Mapping[str, Any],
    protected_configuration_arguments: Mapping[str, Any],
    configuration_data_url: pulumi.Input[str] | None,
    configuration_data_sas_token: pulumi.Input[str] | None,
    data_collection: str,
    force_update_tag: pulumi.Input[str],
) -> Extension:
    """The PowerShell DSC extension (Windows), shaped as Azure's documentation shows it.

    Public: ``wmfVersion``, ``configuration`` {url without token, script, function},
    ``configurationArguments``, ``configurationData.url``, ``privacy.dataCollection``.
    Protected: the ``?``-prefixed SAS tokens and the protected ``configurationArguments``.
    """
    settings: dict[str, Any] = {
        "wmfVersion": wmf_version,
        "configuration": {"url": configuration_url, "script": script, "function": function},
    }
    protected: dict[str, Any] = {"configurationUrlSasToken": configuration_sas_token}
    if configuration_arguments:
        settings["configurationArguments"] = dict(configuration_arguments)
    if protected_configuration_arguments:
        protected["configurationArguments"] = dict(protected_configuration_arguments)
    if configuration_data_url is not None:
        settings["configurationData"] = {"url": configuration_data_url}
        protected["configurationDataUrlSasToken"] = configuration_data_sas_token
    settings["privacy"] = {"dataCollection": data_collection}
    return Extension(
        name=name,
        publisher=DSC_PUBLISHER,
        type=DSC_TYPE,
        type_handler_version=type_handler_version,
        auto_upgrade_minor_version=True,
        force_update_tag=force_update_tag,
        settings=settings,
        protected_settings=protected,
    )
