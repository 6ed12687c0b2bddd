"""Scale-set extension specs, the builders for the extensions this library adds, update tags.

An :class:`Extension` is what one entry of ``virtualMachineProfile.extensionProfile.extensions``
will hold. It creates no resource: the scale-set builder turns the list into the profile.
Values may be ``pulumi.Input`` (a blob URL known after upload, a token from an invoke);
protected settings are wrapped as a Pulumi secret when the profile is built.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi

from .errors import ConfigurationError
from .guard import check_public_settings, check_public_value

OsType = Literal["windows", "linux"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_VERSION = re.compile(r"\d+\.\d+")
_TAG_LENGTH = 16


@dataclass(frozen=True, kw_only=True)
class Extension:
    """One extension in a scale set's model.

    ``settings`` are public (visible to anyone who can read the scale set); anything secret
    goes in ``protected_settings``, which Azure encrypts and never returns. ``provision_after``
    names extensions that must finish first. ``force_update_tag`` re-runs the extension when it
    changes even if no setting did.
    """

    name: str
    publisher: str
    type: str
    type_handler_version: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    protected_settings: Mapping[str, Any] | None = None
    auto_upgrade_minor_version: bool = True
    enable_automatic_upgrade: bool | None = None
    force_update_tag: pulumi.Input[str] | None = None
    provision_after: Sequence[str] = ()
    suppress_failures: bool | None = None

    def __post_init__(self) -> None:
        check_extension(self, "extension")


def check_extension(extension: Extension, path: str) -> None:
    """Plain-value rules of one extension; ``path`` prefixes the error paths."""
    if not isinstance(extension.name, str) or not _NAME.fullmatch(extension.name):
        raise ConfigurationError(
            f"{path}.name",
            f"{extension.name!r} is not a valid extension name (1-64 letters, digits, . - _)",
        )
    for attribute in ("publisher", "type"):
        value = getattr(extension, attribute)
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{path}.{attribute}", f"expected a name, got {value!r}")
    if not isinstance(extension.type_handler_version, str) or not _VERSION.fullmatch(
        extension.type_handler_version
    ):
        raise ConfigurationError(
            f"{path}.type_handler_version",
            f"{extension.type_handler_version!r} is not a major.minor version such as '2.77'",
        )
    if not isinstance(extension.settings, Mapping):
        raise ConfigurationError(f"{path}.settings", "expected a mapping (at least {})")
    if extension.protected_settings is not None and not isinstance(
        extension.protected_settings, Mapping
    ):
        raise ConfigurationError(f"{path}.protected_settings", "expected a mapping or None")
    if isinstance(extension.provision_after, str):
        raise ConfigurationError(
            f"{path}.provision_after", "expected a list of extension names, got one string"
        )
    if not isinstance(extension.provision_after, Sequence) or not all(
        isinstance(name, str) for name in extension.provision_after
    ):
        raise ConfigurationError(
            f"{path}.provision_after",
            f"expected a list of extension names, got {extension.provision_after!r}",
        )
    for flag, optional in (
        ("auto_upgrade_minor_version", False),
        ("enable_automatic_upgrade", True),
        ("suppress_failures", True),
    ):
        value = getattr(extension, flag)
        if not isinstance(value, bool) and not (optional and value is None):
            raise ConfigurationError(f"{path}.{flag}", f"expected True or False, got {value!r}")
    tag = extension.force_update_tag
    if tag is not None and not isinstance(tag, str | pulumi.Output):
        raise ConfigurationError(
            f"{path}.force_update_tag", f"expected text or an Output, got {type(tag).__name__}"
        )
    if extension.name in extension.provision_after:
        raise ConfigurationError(f"{path}.provision_after", "an extension cannot wait for itself")
    check_public_settings(extension.settings, f"{path}.settings")
    check_public_value(extension.force_update_tag, f"{path}.force_update_tag")


def check_extension_list(
    extensions: Sequence[Extension], path: str, *, others: Sequence[str] = ()
) -> None:
    """Names unique; every ``provision_after`` names an extension in the same list, or one of
    ``others`` (extensions of the same scale set not in the list); no ordering loops."""
    names = [e.name for e in extensions]
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name.lower() in seen:
            raise ConfigurationError(f"{path}[{index}].name", f"two extensions are named {name!r}")
        seen.add(name.lower())
    for index, extension in enumerate(extensions):
        for needed in extension.provision_after:
            if needed not in names and needed not in others:
                raise ConfigurationError(
                    f"{path}[{index}].provision_after",
                    f"{needed!r} is not an extension of this scale set (have {[*others, *names]})",
                )
    _check_acyclic(extensions, path)


def _check_acyclic(extensions: Sequence[Extension], path: str) -> None:
    after = {e.name: tuple(e.provision_after) for e in extensions}
    state: dict[str, int] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join((*trail, name))
            raise ConfigurationError(f"{path}.provision_after", f"ordering loops: {cycle}")
        state[name] = 1
        for needed in after.get(name, ()):
            visit(needed, (*trail, name))
        state[name] = 2

    for extension in extensions:
        visit(extension.name, ())


# --- Update tags --------------------------------------------------------------------------


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def update_tag(
    material: Mapping[str, Any],
    *,
    secret_material: Mapping[str, pulumi.Input[Any]] | None = None,
    key: pulumi.Input[str] | None = None,
) -> pulumi.Output[str]:
    """A short stable tag: changes exactly when something the extension consumes changes.

    ``material`` holds what may be public (package digests, public settings, the handler
    version, a ``rerun`` counter); it may contain Outputs. ``secret_material`` (passwords,
    protected arguments; never a SAS token, which rotates on its own schedule) enters only
    through an HMAC keyed by ``key``, a secret the component owns, so the public tag lets
    nobody test guesses of a password. The tag itself is not secret.
    """
    public = pulumi.Output.from_input(material).apply(_canonical)
    if not secret_material:
        return public.apply(lambda text: hashlib.sha256(text).hexdigest()[:_TAG_LENGTH])
    if key is None:
        raise ValueError("secret material needs a key")
    secret = pulumi.Output.from_input(secret_material).apply(_canonical)

    def combine(values: list[Any]) -> str:
        public_text, secret_text, key_text = values
        keyed = hmac.new(str(key_text).encode(), secret_text, hashlib.sha256).hexdigest()
        return hashlib.sha256(public_text + b"\0" + keyed.encode()).hexdigest()[:_TAG_LENGTH]

    tag = pulumi.Output.all(public, secret, key).apply(combine)
    # A keyed hash reveals nothing of what it hashed: the tag may be shown in plain text.
    return pulumi.Output.unsecret(tag)


# --- Builders -----------------------------------------------------------------------------

HEALTH_EXTENSION_NAME = "ApplicationHealth"
GUEST_CONFIGURATION_PUBLISHER = "Microsoft.GuestConfiguration"


def health_extension(
    os: OsType,
    *,
    protocol: str,
    port: int,
    request_path: str | None,
    interval_in_seconds: int | None = None,
    number_of_probes: int | None = None,
) -> Extension:
    """The Application Health extension: the health signal rolling upgrades wait for.

    Version 1.0 reports binary states (a 200 answer is healthy), which any web server gives;
    2.0's rich states need the application to answer with a JSON body.
    """
    settings: dict[str, Any] = {"protocol": protocol, "port": port}
    if protocol in ("http", "https") and request_path is not None:
        settings["requestPath"] = request_path
    if interval_in_seconds is not None:
        settings["intervalInSeconds"] = interval_in_seconds
    if number_of_probes is not None:
        settings["numberOfProbes"] = number_of_probes
    return Extension(
        name=HEALTH_EXTENSION_NAME,
        publisher="Microsoft.ManagedServices",
        type="ApplicationHealthWindows" if os == "windows" else "ApplicationHealthLinux",
        type_handler_version="1.0",
        auto_upgrade_minor_version=True,
        settings=settings,
    )


def guest_configuration_extension(os: OsType) -> Extension:
    """The Machine Configuration agent, a prerequisite of guest assignments.

    Azure Policy looks for exactly these names; the Linux type has a capital F.
    """
    windows = os == "windows"
    return Extension(
        name="AzurePolicyforWindows" if windows else "AzurePolicyforLinux",
        publisher=GUEST_CONFIGURATION_PUBLISHER,
        type="ConfigurationforWindows" if windows else "ConfigurationForLinux",
        type_handler_version="1.0",
        auto_upgrade_minor_version=True,
        enable_automatic_upgrade=True,
        settings={},
    )


DSC_PUBLISHER = "Microsoft.Powershell"
DSC_TYPE = "DSC"
DSC_WMF_VERSIONS = ("4.0", "5.0", "5.1", "latest")
DSC_DATA_COLLECTION = ("", "Enable", "Disable")


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


# --- CustomScriptScaleSet: the Custom Script extension (Windows and Linux) ---------------

CSE_WINDOWS_PUBLISHER = "Microsoft.Compute"
CSE_WINDOWS_TYPE = "CustomScriptExtension"
CSE_WINDOWS_VERSION = "1.10"
CSE_LINUX_PUBLISHER = "Microsoft.Azure.Extensions"
CSE_LINUX_TYPE = "CustomScript"
CSE_LINUX_VERSION = "2.1"
#: The Linux handler refuses a ``script`` longer than this, counted as encoded text.
CSE_SCRIPT_MAX_ENCODED = 256 * 1024

# The keys each handler accepts. The Linux handler validates both sections against a JSON
# schema with additionalProperties false, so any other key fails the extension on the
# instance; Windows ignores unknown keys silently, which is worse. timestamp and skipDos2Unix
# are public-only on Linux; script exists on Linux only.
CSE_PUBLIC_KEYS: Mapping[OsType, frozenset[str]] = {
    "windows": frozenset({"fileUris", "commandToExecute", "timestamp"}),
    "linux": frozenset({"commandToExecute", "script", "skipDos2Unix", "fileUris", "timestamp"}),
}
CSE_PROTECTED_KEYS: Mapping[OsType, frozenset[str]] = {
    "windows": frozenset(
        {
            "commandToExecute",
            "fileUris",
            "storageAccountName",
            "storageAccountKey",
            "managedIdentity",
        }
    ),
    "linux": frozenset(
        {
            "commandToExecute",
            "fileUris",
            "script",
            "storageAccountName",
            "storageAccountKey",
            "managedIdentity",
        }
    ),
}


def encode_script(script: bytes) -> str:
    """A Linux Custom Script ``script``: gzip then base64, as the handler decodes it.

    The gzip header's timestamp is fixed at 0, so the same script gives the same text on every
    run (with the same zlib) and an unchanged script changes no setting.
    """
    return base64.b64encode(gzip.compress(script, compresslevel=9, mtime=0)).decode("ascii")


def check_custom_script_settings(
    os: OsType, settings: Mapping[str, Any], protected: Mapping[str, Any], path: str
) -> None:
    """The handler's own rules on the two sections: allowed keys, no key in both, exactly one
    of ``commandToExecute``/``script``."""
    for section, keys, allowed in (
        ("settings", settings, CSE_PUBLIC_KEYS[os]),
        ("protected_settings", protected, CSE_PROTECTED_KEYS[os]),
    ):
        unknown = sorted(set(keys) - allowed)
        if unknown:
            raise ConfigurationError(
                f"{path}.{section}",
                f"{', '.join(unknown)} not accepted by the {os} Custom Script handler "
                f"(allowed: {', '.join(sorted(allowed))})",
            )
    both = sorted(set(settings) & set(protected))
    if both:
        raise ConfigurationError(
            f"{path}.protected_settings",
            f"{', '.join(both)} both public and protected: the handler takes a field from one "
            "place only",
        )
    runs = [k for k in ("commandToExecute", "script") if k in settings or k in protected]
    if len(runs) != 1:
        raise ConfigurationError(
            path, f"exactly one of commandToExecute and script is needed, got {runs or 'none'}"
        )


def _custom_script_sections(
    *,
    file_uris: Sequence[pulumi.Input[str]],
    protect_file_uris: bool,
    command: pulumi.Input[str] | None,
    script: str | None,
    managed_identity_client_id: pulumi.Input[str] | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    settings: dict[str, Any] = {}
    protected: dict[str, Any] = {}
    if file_uris:
        # A URL carrying a SAS token is a credential: then the whole list is protected (a
        # field lives in one section only).
        (protected if protect_file_uris else settings)["fileUris"] = list(file_uris)
    # The command or script may hold secrets (arguments, inline passwords): always protected.
    if command is not None:
        protected["commandToExecute"] = command
    if script is not None:
        protected["script"] = script
    if managed_identity_client_id is not None:
        protected["managedIdentity"] = {"clientId": managed_identity_client_id}
    return settings, protected


def windows_custom_script_extension(
    *,
    name: str,
    type_handler_version: str,
    file_uris: Sequence[pulumi.Input[str]],
    protect_file_uris: bool,
    command: pulumi.Input[str],
    managed_identity_client_id: pulumi.Input[str] | None,
    force_update_tag: pulumi.Input[str],
) -> Extension:
    """The Windows Custom Script extension (``Microsoft.Compute``/``CustomScriptExtension``).

    ``commandToExecute`` is protected; ``fileUris`` are protected when ``protect_file_uris``
    (they carry SAS tokens), public otherwise; with a managed identity the protected settings
    name it by ``clientId``. Files land in the handler's ``Downloads\\<n>`` folder, where the
    command runs.
    """
    settings, protected = _custom_script_sections(
        file_uris=file_uris,
        protect_file_uris=protect_file_uris,
        command=command,
        script=None,
        managed_identity_client_id=managed_identity_client_id,
    )
    check_custom_script_settings("windows", settings, protected, "extension")
    return Extension(
        name=name,
        publisher=CSE_WINDOWS_PUBLISHER,
        type=CSE_WINDOWS_TYPE,
        type_handler_version=type_handler_version,
        auto_upgrade_minor_version=True,
        force_update_tag=force_update_tag,
        settings=settings,
        protected_settings=protected,
    )


def linux_custom_script_extension(
    *,
    name: str,
    type_handler_version: str,
    file_uris: Sequence[pulumi.Input[str]],
    protect_file_uris: bool,
    command: pulumi.Input[str] | None,
    script: str | None,
    managed_identity_client_id: pulumi.Input[str] | None,
    skip_dos2unix: bool,
    force_update_tag: pulumi.Input[str],
) -> Extension:
    """The Linux Custom Script extension (``Microsoft.Azure.Extensions``/``CustomScript``).

    Exactly one of ``command`` and ``script`` (already encoded by :func:`encode_script`), both
    protected. ``skipDos2Unix`` is public-only and sent only when true (the handler's default
    is false). Files land in ``/var/lib/waagent/custom-script/download/<n>``, where the
    command runs.
    """
    settings, protected = _custom_script_sections(
        file_uris=file_uris,
        protect_file_uris=protect_file_uris,
        command=command,
        script=script,
        managed_identity_client_id=managed_identity_client_id,
    )
    if skip_dos2unix:
        settings["skipDos2Unix"] = True
    check_custom_script_settings("linux", settings, protected, "extension")
    return Extension(
        name=name,
        publisher=CSE_LINUX_PUBLISHER,
        type=CSE_LINUX_TYPE,
        type_handler_version=type_handler_version,
        auto_upgrade_minor_version=True,
        force_update_tag=force_update_tag,
        settings=settings,
        protected_settings=protected,
    )
