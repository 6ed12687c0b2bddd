"""DscScaleSet: a Windows scale set configured by the PowerShell DSC extension.

The configuration folder becomes a deterministic zip on the artifact store; the extension
gets the blob URL in public settings and the read-only SAS token in protected settings, and
an update tag that changes exactly when the package, the arguments or ``rerun`` change.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from ._checks import check_extension_name, check_int, check_literal
from ._guard import PROTECTED_ARGUMENTS, check_public_settings
from ._json import check_json_value
from ._naming import artifact_key
from ._redact import redacts, show
from ._types import DataCollection, WmfVersion
from .errors import ConfigurationError
from .extensions import (
    DSC_PUBLISHER,
    DSC_TYPE,
    check_handler_version,
    dsc_extension,
    handler_named,
    update_tag,
)
from .packaging import DscPackage, Package
from .scaleset import (
    ScaleSetArgs,
    ScaleSetComponent,
    ScaleSetSpec,
    build_scale_set,
    resolve_scale_set,
    tag_key,
)
from .store import ArtifactStore, PublishedArtifact, StoreFacts, check_store

#: The date Microsoft retires the DSC extension; Machine Configuration replaces it.
DSC_RETIREMENT = "2028-03-31"


@redacts("protected_configuration_arguments")
@dataclass(frozen=True, kw_only=True)
class DscScaleSetArgs:
    """A Windows scale set and the DSC configuration every instance applies."""

    scale_set: ScaleSetArgs
    """The scale set; its image must run Windows (the Linux DSC extension is retired)."""
    store: ArtifactStore
    """Where the configuration package (and data) is published."""
    package: DscPackage
    """The configuration zip (``DscPackage.from_directory``): the ``.ps1`` at the root,
    module folders beside it. Its URL goes in public settings, its SAS in protected ones."""
    configuration_arguments: Mapping[str, Any] = field(default_factory=dict)
    """Parameters of the configuration function, public: stored in plain text in the
    scale-set model, so a secret-looking value is refused."""
    protected_configuration_arguments: Mapping[str, pulumi.Input[Any]] = field(default_factory=dict)
    """Parameters Azure encrypts (protected settings), for example a PSCredential as
    ``{"userName": ..., "password": ...}``. A name may not also be public."""
    configuration_data: Path | str | None = None
    """A ``.psd1`` of configuration data: a ``Path`` is a file, a ``str`` its text (starting
    ``@{``). Published beside the package with its own SAS."""
    wmf_version: WmfVersion = "latest"
    """The Windows Management Framework the extension installs: ``4.0``, ``5.0``, ``5.1`` or
    ``latest``."""
    type_handler_version: str = "2.77"
    """A 2.x version of the DSC extension; minor versions auto-upgrade."""
    extension_name: str = "Microsoft.Powershell.DSC"
    """The extension's name in the scale-set model."""
    data_collection: DataCollection = "Disable"
    """``privacy.dataCollection``: ``Disable``, ``Enable`` or ``""`` (the extension's
    default)."""
    rerun: int = 0
    """Increase to apply an unchanged configuration again (it enters the update tag)."""

    def __post_init__(self) -> None:
        if not isinstance(self.scale_set, ScaleSetArgs):
            raise ConfigurationError(
                "scale_set", f"expected ScaleSetArgs, got {show(self.scale_set)}"
            )
        if not isinstance(self.package, DscPackage):
            raise ConfigurationError(
                "package", "expected a DscPackage (DscPackage.from_directory(...))"
            )
        for attribute in ("configuration_arguments", "protected_configuration_arguments"):
            if not isinstance(getattr(self, attribute), Mapping):
                raise ConfigurationError(attribute, "expected a mapping of argument names")
            for key in getattr(self, attribute):
                if not isinstance(key, str) or not key:
                    raise ConfigurationError(
                        attribute,
                        "argument names are non-empty text, got a value of type "
                        f"{type(key).__name__}",
                    )
        check_json_value(dict(self.configuration_arguments), "configuration_arguments")
        check_json_value(
            dict(self.protected_configuration_arguments), "protected_configuration_arguments"
        )
        public = {k.lower(): k for k in self.configuration_arguments}
        for key in self.protected_configuration_arguments:
            if key.lower() in public:
                raise ConfigurationError(
                    f"protected_configuration_arguments.{key}",
                    f"{show(key)} is also a public argument: the DSC extension takes each argument "
                    "from one place only",
                )
        check_public_settings(
            dict(self.configuration_arguments), "configuration_arguments", PROTECTED_ARGUMENTS
        )
        if self.configuration_data is not None and not isinstance(
            self.configuration_data, Path | str
        ):
            raise ConfigurationError(
                "configuration_data", "expected a Path to a .psd1 file or its text"
            )
        check_literal(self.wmf_version, "wmf_version", WmfVersion)
        check_literal(self.data_collection, "data_collection", DataCollection)
        check_handler_version(
            handler_named(DSC_PUBLISHER, DSC_TYPE),
            self.type_handler_version,
            "type_handler_version",
        )
        check_extension_name(self.extension_name, "extension_name")
        check_int(self.rerun, "rerun", minimum=0, maximum=1_000_000)
        check_configuration_parameters(self)


# Parameters every compiled configuration function takes besides its own (ast.cs
# ConfigurationBuildInParametersStr), and PowerShell's common parameters ([CmdletBinding()]).
_BUILT_IN_PARAMETERS = frozenset(
    name.lower()
    for name in (
        "InstanceName",
        "DependsOn",
        "PsDscRunAsCredential",
        "OutputPath",
        "ConfigurationData",
        "Verbose",
        "Debug",
        "ErrorAction",
        "WarningAction",
        "InformationAction",
        "ErrorVariable",
        "WarningVariable",
        "InformationVariable",
        "OutVariable",
        "OutBuffer",
        "PipelineVariable",
    )
)


def check_configuration_parameters(args: DscScaleSetArgs) -> None:
    """Every mandatory parameter of the configuration gets a value from the arguments.

    The DSC extension calls the configuration with the public and protected arguments; a
    mandatory parameter without one makes PowerShell stop (it cannot prompt), on every
    instance. A ``[PSCredential]`` parameter counts as given only from the protected
    arguments, where the extension turns ``{"userName", "password"}`` into a credential.
    """
    public = {key.lower() for key in args.configuration_arguments}
    protected = {key.lower() for key in args.protected_configuration_arguments}
    given = public | protected
    if args.configuration_data is not None:
        given.add("configurationdata")
    missing: list[str] = []
    credentials: list[str] = []
    for parameter in args.package.parameters:
        if parameter.mandatory is not True:
            continue
        key = parameter.name.lower()
        if parameter.is_credential:
            if key not in protected:
                credentials.append(parameter.name)
        elif key not in given:
            missing.append(parameter.name)
    if not missing and not credentials:
        return
    parts: list[str] = []
    if missing:
        parts.append(
            f"{', '.join(missing)} (give {'them' if len(missing) > 1 else 'it'} in "
            "configuration_arguments, or protected_configuration_arguments if secret)"
        )
    if credentials:
        parts.append(
            f"{', '.join(credentials)} (a PSCredential: give "
            f"{'them' if len(credentials) > 1 else 'it'} in protected_configuration_arguments "
            "as {'userName': ..., 'password': ...})"
        )
    raise ConfigurationError(
        "configuration_arguments",
        f"Configuration {args.package.function} in {args.package.script} has mandatory "
        f"parameters without a value: {'; '.join(parts)}. The extension cannot prompt, so the "
        "configuration would fail on every instance",
    )


def configuration_argument_warnings(args: DscScaleSetArgs) -> list[str]:
    """What may go wrong with the arguments, without being certain to."""
    warnings: list[str] = []
    names = {p.name.lower(): p.name for p in args.package.parameters}
    given = {
        key.lower()
        for key in (*args.configuration_arguments, *args.protected_configuration_arguments)
    }
    for parameter in args.package.parameters:
        if parameter.mandatory is None and parameter.name.lower() not in given:
            warnings.append(
                f"parameter {parameter.name} of Configuration {args.package.function} is "
                "mandatory depending on an expression (Mandatory = <expression>), and no "
                "argument gives it a value"
            )
    for key in (*args.configuration_arguments, *args.protected_configuration_arguments):
        if key.lower() in names or key.lower() in _BUILT_IN_PARAMETERS:
            continue
        close = difflib.get_close_matches(key.lower(), list(names), n=1)
        hint = f" (did you mean {names[close[0]]}?)" if close else ""
        known = ", ".join(p.name for p in args.package.parameters) or "none"
        warnings.append(
            f"argument {show(key)} matches no parameter of Configuration {args.package.function} "
            f"(its parameters: {known}){hint}: PowerShell refuses an unknown parameter"
        )
    return warnings


@dataclass(frozen=True, kw_only=True)
class DscSpec:
    """A validated DscScaleSet: the scale set, the store keys, the configuration data."""

    scale_set: ScaleSetSpec
    artifact_key: str
    configuration_data: Package | None
    configuration_data_key: str | None
    warnings: tuple[str, ...] = ()


#: Why a DSC scale set cannot use a store without shared keys: the DSC extension's protected
#: settings have only configurationUrlSasToken/configurationDataUrlSasToken, no identity
#: (learn.microsoft.com/azure/virtual-machines/extensions/dsc-windows); Blob storage denies a
#: service SAS when shared key access is off.
DSC_NEEDS_SAS = (
    "the PowerShell DSC extension fetches its configuration only by URL and SAS token "
    "(protectedSettings.configurationUrlSasToken; it has no managed-identity setting), and a "
    "store with shared_key_access=False cannot sign one (Blob storage denies a service SAS "
    "when shared key access is off). Use GuestAssignment (Machine Configuration, downloaded "
    "with content_identity_resource_id) or CustomScriptScaleSet(download='managed_identity') "
    "to apply the configuration, or a store with shared_key_access=True"
)


def resolve_dsc(name: str, args: DscScaleSetArgs, store: StoreFacts) -> DscSpec:
    """Every rule of a DscScaleSet, checked before any resource exists.

    ``store`` describes ``args.store``: the keys it already holds.
    """
    if not isinstance(args, DscScaleSetArgs):
        raise ConfigurationError("args", f"expected DscScaleSetArgs, got {show(args)}")
    scale_set = resolve_scale_set(
        args.scale_set,
        os="windows",
        name=name,
        component_extension_names=[args.extension_name],
        component_handlers=[(DSC_PUBLISHER, DSC_TYPE)],
    )
    if not store.shared_key_access:
        raise ConfigurationError("store", DSC_NEEDS_SAS)
    key = artifact_key(name, "dsc")
    store.check_unpublished(key)
    data_key: str | None = None
    if args.configuration_data is not None:
        data_key = artifact_key(name, "dsc-data")
        store.check_unpublished(data_key)
    data: Package | None = None
    if isinstance(args.configuration_data, Path):
        if args.configuration_data.suffix.lower() != ".psd1":
            raise ConfigurationError("configuration_data", "configuration data is a .psd1 file")
        try:
            data = Package.from_file(args.configuration_data)
        except ConfigurationError as error:
            raise ConfigurationError("configuration_data", error.reason) from error
    elif isinstance(args.configuration_data, str):
        if not args.configuration_data.strip().startswith("@{"):
            raise ConfigurationError(
                "configuration_data",
                "a .psd1 text starts with '@{' (give a Path to read a file)",
            )
        data = Package.from_content(f"{args.package.name}-data.psd1", args.configuration_data)
    return DscSpec(
        scale_set=scale_set,
        artifact_key=key,
        configuration_data=data,
        configuration_data_key=data_key,
        warnings=(*args.package.warnings, *configuration_argument_warnings(args)),
    )


class DscScaleSet(ScaleSetComponent):
    """A Windows scale set whose instances apply a DSC configuration from the artifact store."""

    artifact: PublishedArtifact
    """The published configuration package."""
    configuration_data_artifact: PublishedArtifact | None
    """The published configuration data (.psd1), or None."""
    update_tag: pulumi.Output[str]
    """The extension's ``forceUpdateTag``: changes exactly when the package, the arguments
    (protected ones through a keyed hash) or ``rerun`` change."""

    def __init__(
        self, name: str, args: DscScaleSetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not isinstance(args, DscScaleSetArgs):
            raise ConfigurationError("args", f"expected DscScaleSetArgs, got {show(args)}")
        store = check_store(args.store, "store")
        spec = resolve_dsc(name, args, store.facts)
        super().__init__("vmss:index:DscScaleSet", name, args, opts)
        package = args.package
        self.artifact = store.publish(spec.artifact_key, package)
        self.configuration_data_artifact = (
            store.publish(spec.configuration_data_key, spec.configuration_data)
            if spec.configuration_data is not None and spec.configuration_data_key is not None
            else None
        )
        data = self.configuration_data_artifact

        self.update_tag = update_tag(
            {
                "publisher": DSC_PUBLISHER,
                "type": DSC_TYPE,
                "typeHandlerVersion": args.type_handler_version,
                "package": package.sha256,
                "configurationData": data.sha256 if data else None,
                "script": package.script,
                "function": package.function,
                "wmfVersion": args.wmf_version,
                "configurationArguments": dict(args.configuration_arguments),
                "dataCollection": args.data_collection,
                "rerun": args.rerun,
            },
            secret_material=dict(args.protected_configuration_arguments) or None,
            key=tag_key(name, self) if args.protected_configuration_arguments else None,
        )
        extension = dsc_extension(
            name=args.extension_name,
            type_handler_version=args.type_handler_version,
            wmf_version=args.wmf_version,
            configuration_url=self.artifact.url,
            configuration_sas_token=self.artifact.sas_token,
            script=package.script,
            function=package.function,
            configuration_arguments=args.configuration_arguments,
            protected_configuration_arguments=args.protected_configuration_arguments,
            configuration_data_url=data.url if data else None,
            configuration_data_sas_token=data.sas_token if data else None,
            data_collection=args.data_collection,
            force_update_tag=self.update_tag,
        )
        published = [a for a in (self.artifact, data) if a is not None]
        built = build_scale_set(
            name, spec.scale_set, parent=self, extensions=[extension], artifacts=published
        )
        for warning in spec.warnings:
            pulumi.log.warn(f"{name}: {warning}", resource=self)
        pulumi.log.warn(
            f"{name}: the PowerShell DSC extension retires on {DSC_RETIREMENT}; plan the move to "
            "Azure Machine Configuration (GuestAssignment in this library)",
            resource=self,
        )
        self._finish(
            built,
            spec.scale_set,
            {
                "artifact": self.artifact.as_output(),
                "configuration_data_artifact": data.as_output() if data else None,
                "update_tag": self.update_tag,
            },
        )
