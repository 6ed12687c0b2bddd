"""Machine Configuration parameters: which MOF properties a parameter may set, and which
strings fit them. Pure.

A parameter is named ``[ResourceType]ResourceName;Property`` (``[MotdFile]Motd;Contents``)
and carries a string, which the agent writes over the property's value in the MOF. These are
the one copy of the rules: :class:`~vmss_components.GuestAssignment` checks its parameters
with them and :class:`~vmss_components.MachineConfigurationPolicy` its policy parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._redact import show
from ..errors import ConfigurationError
from .machine_configuration import MachineConfigurationPackage
from .mof import MofInstance, MofResource, MofValue


@dataclass(frozen=True)
class ParameterTarget:
    """The MOF property a parameter sets: its resource, its name and its compiled value."""

    key: str
    resource: MofResource
    property: str
    value: MofValue


def parameter_target(key: str, package: MachineConfigurationPackage, path: str) -> ParameterTarget:
    """The resource and property ``key`` names in the package's MOF.

    Refused: a key that is not ``[Type]Name;Property``, a resource or property the MOF does
    not have (names are matched exactly, as the agent matches them), and arrays or embedded
    instances, which a string cannot replace.
    """
    resource_id, separator, prop = key.rpartition(";")
    if not separator or not resource_id or not prop:
        raise ConfigurationError(
            path,
            f"{show(key)} is not '[ResourceType]ResourceName;Property' (for example "
            f"'{_example(package.resources[0])}')",
        )
    resource = package.configuration.resource(resource_id)
    if resource is None:
        found = ", ".join(r.resource_id for r in package.resources)
        raise ConfigurationError(
            path,
            f"{package.configuration_name} has no resource {show(resource_id)}; "
            f"its resources: {found}",
        )
    if prop not in resource.properties:
        near = [p for p in resource.properties if p.lower() == prop.lower()]
        hint = f" (did you mean {show(near[0])}? names are matched exactly)" if near else ""
        found = ", ".join(resource.properties) or "none"
        raise ConfigurationError(
            path,
            f"{resource_id} sets no property {show(prop)} in the MOF{hint}; it sets: {found}",
        )
    current = resource.properties[prop]
    if isinstance(current, tuple | MofInstance):
        kind = "an array" if isinstance(current, tuple) else "an embedded instance"
        raise ConfigurationError(
            path,
            f"{prop} of {resource_id} is {kind} in the MOF: Machine Configuration parameters "
            "carry strings only",
        )
    return ParameterTarget(key=key, resource=resource, property=prop, value=current)


def check_parameter_text(
    value: str, target: ParameterTarget, path: str, *, secret: bool = False
) -> str:
    """A string the agent can put where the MOF has a boolean or a number (any text fits a
    string property). With ``secret`` the message never shows the value."""
    shown = "the value given" if secret else show(value)
    current, prop, resource_id = target.value, target.property, target.resource.resource_id
    if isinstance(current, bool):
        if value.strip().lower() not in ("true", "false"):
            raise ConfigurationError(
                path, f"{prop} of {resource_id} is a boolean: write 'True' or 'False'"
            )
    elif isinstance(current, int):
        try:
            int(value.strip())
        except ValueError:
            raise ConfigurationError(
                path, f"{prop} of {resource_id} is a whole number, and {shown} is not"
            ) from None
    elif isinstance(current, float):
        try:
            float(value.strip())
        except ValueError:
            raise ConfigurationError(
                path, f"{prop} of {resource_id} is a number, and {shown} is not"
            ) from None
    return value


def compiled_text(target: ParameterTarget) -> str | None:
    """The property's compiled value as a parameter string, or None for a MOF ``NULL``.

    Booleans read ``True``/``False``, as PowerShell writes ``[string]$true``.
    """
    value = target.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _example(resource: MofResource) -> str:
    first = next(iter(resource.properties), "Property")
    return f"{resource.resource_id};{first}"
