"""The PowerShell DSC extension (Windows), shaped as Azure's documentation shows it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .._redact import show
from .._rules import declare_rule
from .._types import DataCollection, WmfVersion, choices
from ..errors import ConfigurationError
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


# The handler's sections. Unknown keys are ignored by the handler, so a misspelt key
# (``dataEnabled`` for ``privacy.dataCollection``) silently does nothing: refused.
DSC_PUBLIC_KEYS = frozenset(
    {
        "wmfVersion",
        "configuration",
        "configurationArguments",
        "configurationData",
        "privacy",
        "advancedOptions",
    }
)
DSC_PROTECTED_KEYS = frozenset(
    {"configurationArguments", "configurationUrlSasToken", "configurationDataUrlSasToken"}
)
_DSC_WHERE = "vmss_components.extensions.dsc.check_dsc_settings"
_EXTRA = "scale_set.extra_extensions"
DSC_KEYS_RULE = declare_rule(
    "dsc-settings-keys",
    "The DSC extension's public settings hold only wmfVersion, configuration, "
    "configurationArguments, configurationData, privacy and advancedOptions; its protected "
    "settings only configurationArguments and the two SAS tokens; configuration, "
    "configurationData and privacy are mappings.",
    where=_DSC_WHERE,
    paths=(_EXTRA,),
)
DSC_WMF_RULE = declare_rule(
    "dsc-wmf-version",
    "wmfVersion is one of 4.0, 5.0, 5.1, latest.",
    where=f"{_DSC_WHERE}; vmss_components.dsc.DscScaleSetArgs",
    paths=("wmf_version", _EXTRA),
)
DSC_PRIVACY_RULE = declare_rule(
    "dsc-data-collection",
    "privacy.dataCollection is '', Enable or Disable.",
    where=f"{_DSC_WHERE}; vmss_components.dsc.DscScaleSetArgs",
    paths=("data_collection", _EXTRA),
)
DSC_TOKEN_RULE = declare_rule(
    "dsc-sas-token",
    "A configuration (data) SAS token starts with '?' and needs its configuration.url "
    "(configurationData.url).",
    where=_DSC_WHERE,
    paths=(_EXTRA,),
)
DSC_ARGUMENT_RULE = declare_rule(
    "dsc-argument-one-place",
    "A configuration argument is public or protected, never both (names compared without "
    "case, as PowerShell binds parameters).",
    where=f"{_DSC_WHERE}; vmss_components.dsc.DscScaleSetArgs",
    paths=("protected_configuration_arguments", _EXTRA),
)


def _section(value: object, path: str) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, pulumi.Output):
        return None
    if not isinstance(value, Mapping):
        raise ConfigurationError(path, f"expected a mapping, got {type(value).__name__}")
    return value


def _check_token(token: object, needed: object, path: str, needs: str) -> None:
    if isinstance(token, str) and not token.startswith("?"):
        raise ConfigurationError(
            path, "a SAS token starts with '?' (the handler appends it to the URL as it is)"
        )
    if not isinstance(needed, pulumi.Output) and not (isinstance(needed, str) and needed):
        raise ConfigurationError(path, f"a token without {needs}: there is nothing to sign")


def check_dsc_settings(
    settings: Mapping[str, Any], protected: Mapping[str, Any] | None, path: str
) -> None:
    """The DSC handler's own rules on its two sections, wherever the extension comes from.

    Values that are Outputs are judged when known (by Azure); everything plain is checked."""
    protected = protected or {}
    for section, keys, allowed in (
        ("settings", settings, DSC_PUBLIC_KEYS),
        ("protected_settings", protected, DSC_PROTECTED_KEYS),
    ):
        unknown = sorted(str(k) for k in keys if k not in allowed)
        if unknown:
            raise ConfigurationError(
                f"{path}.{section}",
                f"{', '.join(unknown)} not read by the DSC handler "
                f"(allowed: {', '.join(sorted(allowed))})",
            )
    wmf = settings.get("wmfVersion")
    if wmf is not None and not isinstance(wmf, pulumi.Output) and wmf not in DSC_WMF_VERSIONS:
        raise ConfigurationError(
            f"{path}.settings.wmfVersion",
            f"{show(wmf)} is not one of {', '.join(DSC_WMF_VERSIONS)}",
        )
    privacy = _section(settings.get("privacy"), f"{path}.settings.privacy")
    collection = (privacy or {}).get("dataCollection")
    if (
        collection is not None
        and not isinstance(collection, pulumi.Output)
        and collection not in DSC_DATA_COLLECTION
    ):
        raise ConfigurationError(
            f"{path}.settings.privacy.dataCollection",
            f"{show(collection)} is not one of {DSC_DATA_COLLECTION}",
        )
    configuration = _section(settings.get("configuration"), f"{path}.settings.configuration")
    data = _section(settings.get("configurationData"), f"{path}.settings.configurationData")
    _section(settings.get("advancedOptions"), f"{path}.settings.advancedOptions")
    for token_key, container_key, container in (
        ("configurationUrlSasToken", "configuration", configuration),
        ("configurationDataUrlSasToken", "configurationData", data),
    ):
        if token_key not in protected:
            continue
        raw = settings.get(container_key)
        # An Output container is judged by Azure; otherwise its url must be there.
        url = raw if isinstance(raw, pulumi.Output) else (container or {}).get("url")
        _check_token(
            protected[token_key],
            url,
            f"{path}.protected_settings.{token_key}",
            f"{container_key}.url",
        )
    public_arguments = _section(
        settings.get("configurationArguments"), f"{path}.settings.configurationArguments"
    )
    protected_arguments = _section(
        protected.get("configurationArguments"),
        f"{path}.protected_settings.configurationArguments",
    )
    if public_arguments and protected_arguments:
        public = {str(k).lower() for k in public_arguments}
        both = sorted(str(k) for k in protected_arguments if str(k).lower() in public)
        if both:
            raise ConfigurationError(
                f"{path}.protected_settings.configurationArguments",
                f"{', '.join(both)} also public: the DSC extension takes each argument from "
                "one place only",
            )
