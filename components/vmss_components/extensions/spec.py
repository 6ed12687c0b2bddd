"""The extension spec: what one entry of a scale set's extension profile holds, and its rules.

An :class:`Extension` creates no resource: the scale-set builder turns the list into the
profile. Values may be ``pulumi.Input`` (a blob URL known after upload, a token from an
invoke); protected settings are wrapped as a Pulumi secret when the profile is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .._checks import check_extension_name, check_text_characters
from .._guard import check_public_settings, check_public_value
from .._json import check_json_value
from .._redact import redacts, show
from .._rules import declare_rule
from ..errors import ConfigurationError

_VERSION = re.compile(r"\d+\.\d+", re.ASCII)


@redacts("protected_settings")
@dataclass(frozen=True, kw_only=True)
class Extension:
    """One extension in a scale set's model (an entry of its extension profile)."""

    name: str
    """The extension's name in the model, unique in the scale set."""
    publisher: str
    """The handler's publisher (``Microsoft.Azure.Monitor``, ...). A scale set takes one
    extension per handler (publisher and type)."""
    type: str
    """The handler's type (``AzureMonitorLinuxAgent``, ...)."""
    type_handler_version: str
    """``major.minor`` handler version (``1.0``, ``2.77``)."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Public settings: stored in plain text and readable by anyone who can read the scale
    set, so a secret-looking value is refused. At least ``{}``, which
    ``provisionAfterExtensions`` needs."""
    protected_settings: Mapping[str, Any] | None = None
    """Settings Azure encrypts and never returns; wrapped as a Pulumi secret (the SDK does
    not do it)."""
    auto_upgrade_minor_version: bool = True
    """Take newer minor versions of the handler when the model is applied."""
    enable_automatic_upgrade: bool | None = None
    """Let Azure upgrade the handler on its own when a new version ships (handlers that
    support it); None leaves it out."""
    force_update_tag: pulumi.Input[str] | None = None
    """Re-runs the extension when it changes, even if no setting did. Public."""
    provision_after: Sequence[str] = ()
    """Names of extensions of the same scale set that must finish first
    (``provisionAfterExtensions``); no loops."""
    suppress_failures: bool | None = None
    """Keep the instance's provisioning state healthy when this extension fails; None leaves
    it out."""

    def __post_init__(self) -> None:
        check_extension(self, "extension")


def check_extension(extension: Extension, path: str) -> None:
    """Plain-value rules of one extension; ``path`` prefixes the error paths."""
    check_extension_name(extension.name, f"{path}.name")
    for attribute in ("publisher", "type"):
        value = getattr(extension, attribute)
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{path}.{attribute}", f"expected a name, got {show(value)}")
        check_text_characters(value, f"{path}.{attribute}", f"the handler's {attribute}")
    if not isinstance(extension.type_handler_version, str) or not _VERSION.fullmatch(
        extension.type_handler_version
    ):
        raise ConfigurationError(
            f"{path}.type_handler_version",
            f"{show(extension.type_handler_version)} is not a major.minor version such as '2.77'",
        )
    if not isinstance(extension.settings, Mapping):
        raise ConfigurationError(f"{path}.settings", "expected a mapping (at least {})")
    if extension.protected_settings is not None and not isinstance(
        extension.protected_settings, Mapping
    ):
        raise ConfigurationError(f"{path}.protected_settings", "expected a mapping or None")
    check_json_value(extension.settings, f"{path}.settings")
    check_json_value(extension.protected_settings, f"{path}.protected_settings")
    if isinstance(extension.provision_after, str):
        raise ConfigurationError(
            f"{path}.provision_after", "expected a list of extension names, got one string"
        )
    if not isinstance(extension.provision_after, Sequence) or not all(
        isinstance(name, str) for name in extension.provision_after
    ):
        raise ConfigurationError(
            f"{path}.provision_after",
            f"expected a list of extension names, got {show(extension.provision_after)}",
        )
    for flag, optional in (
        ("auto_upgrade_minor_version", False),
        ("enable_automatic_upgrade", True),
        ("suppress_failures", True),
    ):
        value = getattr(extension, flag)
        if not isinstance(value, bool) and not (optional and value is None):
            raise ConfigurationError(f"{path}.{flag}", f"expected True or False, got {show(value)}")
    tag = extension.force_update_tag
    if tag is not None and not isinstance(tag, str | pulumi.Output):
        raise ConfigurationError(
            f"{path}.force_update_tag", f"expected text or an Output, got {type(tag).__name__}"
        )
    if isinstance(tag, str):
        # A public value the engine sends as is: a lone surrogate failed there, after
        # registration; a control character would reach the portal unseen.
        check_text_characters(tag, f"{path}.force_update_tag", "the update tag")
    if extension.name in extension.provision_after:
        raise ConfigurationError(f"{path}.provision_after", "an extension cannot wait for itself")
    check_public_settings(extension.settings, f"{path}.settings")
    check_public_value(extension.force_update_tag, f"{path}.force_update_tag")


EXTENSION_ORDER = declare_rule(
    "extension-order",
    "provisionAfterExtensions names extensions of the same scale set (the component's "
    "included), never the extension itself, without loops.",
    where="vmss_components.extensions.spec.check_extension_list",
    paths=("scale_set.extra_extensions",),
)


def check_extension_list(
    extensions: Sequence[Extension], path: str, *, others: Sequence[str] = ()
) -> None:
    """Names unique; every ``provision_after`` names an extension in the same list, or one of
    ``others`` (extensions of the same scale set not in the list); no ordering loops."""
    names = [e.name for e in extensions]
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name.lower() in seen:
            raise ConfigurationError(
                f"{path}[{index}].name", f"two extensions are named {show(name)}"
            )
        seen.add(name.lower())
    for index, extension in enumerate(extensions):
        for needed in extension.provision_after:
            if needed not in names and needed not in others:
                raise ConfigurationError(
                    f"{path}[{index}].provision_after",
                    f"{show(needed)} is not an extension of this scale set "
                    f"(have {[*others, *names]})",
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
