"""The Pulumi CLI's rules for declared config keys, applied offline with the CLI's messages.

``pulumi up``/``preview`` refuse a project or stack that breaks these rules before the program
runs; ``vmss-plan`` applies the same rules so a plan that passes here also gets past the CLI.
The rules, in our own words, follow pulumi/pulumi at commit
``1b5949891b3cefcb9974752b24a5ecef0acc86c8``:

- ``sdk/go/common/workspace/project.json``: a ``config`` entry is a string, integer, boolean,
  list, or a declaration with only ``type``, ``items``, ``description``, ``secret``,
  ``default`` and ``value``; ``type`` is one of ``string``, ``integer``, ``boolean``, ``array``,
  ``object`` (the CLI reports ``could not validate '<Pulumi.yaml>': ...``).
- ``sdk/go/common/workspace/project.go`` (``RewriteShorthandConfigValues``, ``Project.Validate``):
  a shorthand is a ``default`` for a key of the project and a ``value`` for another namespace;
  ``default`` and ``value`` exclude each other; an ``array`` names its ``items``; a default has
  the declared type; another namespace's key carries a ``value`` and no type or default
  (``could not unmarshal '<Pulumi.yaml>': ...``).
- ``pkg/workspace/config.go`` (``mergeConfig``, ``validateStackConfigValues``): a project key
  with neither default nor value must be set by the stack (all missing keys in one message);
  defaults are applied as plaintext; a ``secret`` key must be encrypted in the stack; a typed
  key's value must have its type (``validating stack config: ...``).
- ``sdk/go/common/resource/config``: a scalar stack value is kept as text, so an ``integer`` is
  text that Go's ``strconv.Atoi`` accepts and a ``boolean`` is ``true``/``false``.

An encrypted value (``secure: ...``) cannot be decrypted offline: its type is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vmss_components.errors import ConfigurationError

CONFIG_TYPES = ("string", "integer", "boolean", "array", "object")
DECLARATION_KEYS = ("type", "items", "description", "secret", "default", "value")

# strconv.Atoi: an optional sign, then decimal digits, nothing else (no spaces, no "_").
_GO_INT = re.compile(r"[+-]?[0-9]+")


class ConfigRuleError(ConfigurationError):
    """Pulumi.yaml or a stack file breaks a rule the Pulumi CLI enforces; the CLI's message."""

    def __init__(self, message: str, *, key: str = "config") -> None:
        # ``path`` names the key at fault (``project:key``) when there is one.
        super().__init__(key, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, kw_only=True)
class ItemsType:
    """The element type of an ``array`` declaration (``items:``), possibly nested."""

    type: str
    items: ItemsType | None = None


@dataclass(frozen=True, kw_only=True)
class ConfigDeclaration:
    """One entry of ``config:`` in Pulumi.yaml, after the CLI's shorthand rewrite."""

    key: str
    """The key as written (``environment``, ``azure-native:location``)."""
    full_key: str
    """The key with its namespace (``vmss-components:environment``)."""
    in_project: bool
    """Whether the key belongs to the project's own namespace."""
    type: str | None = None
    items: ItemsType | None = None
    secret: bool = False
    has_default: bool = False
    default: Any = None
    has_value: bool = False
    value: Any = None

    @property
    def required(self) -> bool:
        """The CLI refuses a stack that does not set this key."""
        return self.in_project and not self.has_default and not self.has_value


def type_name(type_: str, items: ItemsType | None) -> str:
    """The CLI's name of a type: ``string``, ``array<string>``, ``array<array<integer>>``."""
    if type_ == "array" and items is not None:
        return f"array<{type_name(items.type, items.items)}>"
    return type_


def value_matches(type_: str, items: ItemsType | None, value: object) -> bool:
    """Whether ``value`` (a YAML value, scalars possibly as text) has the declared type."""
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _GO_INT.fullmatch(value) is not None
    if type_ == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_ == "object":
        return isinstance(value, dict)
    if type_ == "array":
        if not isinstance(value, list) or items is None:
            return False
        return all(value_matches(items.type, items.items, item) for item in value)
    return False


def _in_project(project: str, key: str) -> bool:
    return ":" not in key or key.startswith(f"{project}:")


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _items(raw: object, where: str, path: Path) -> ItemsType | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("type") not in CONFIG_TYPES:
        raise ConfigRuleError(
            f"could not validate '{path}': {where}/items: the type must be one of "
            + ", ".join(CONFIG_TYPES)
        )
    return ItemsType(type=raw["type"], items=_items(raw.get("items"), f"{where}/items", path))


def parse_declarations(project: str, raw: object, path: Path) -> dict[str, ConfigDeclaration]:
    """The ``config:`` block of Pulumi.yaml, checked against the project schema.

    Shorthand entries become a ``default`` (project keys) or a ``value`` (other namespaces).
    """
    if raw is None or isinstance(raw, str):
        return {}  # null, or the legacy config folder
    if not isinstance(raw, dict):
        raise ConfigRuleError(f"could not validate '{path}': #/config: expected object")
    declarations: dict[str, ConfigDeclaration] = {}
    for key in sorted(raw, key=str):
        spec = raw[key]
        in_project = _in_project(project, str(key))
        where = f"#/config/{key}"
        if spec is None or isinstance(spec, str | int | float | bool | list):
            spec = {"default": spec} if in_project else {"value": spec}
        if not isinstance(spec, dict):
            raise ConfigRuleError(f"could not validate '{path}': {where}: invalid entry")
        unknown = sorted(str(name) for name in spec if name not in DECLARATION_KEYS)
        if unknown:
            raise ConfigRuleError(
                f"could not validate '{path}': {where}: additionalProperties "
                + ", ".join(f"'{name}'" for name in unknown)
                + " not allowed"
            )
        type_ = spec.get("type")
        if type_ is not None and type_ not in CONFIG_TYPES:
            raise ConfigRuleError(
                f"could not validate '{path}': {where}/type: value must be one of "
                + ", ".join(f'"{name}"' for name in CONFIG_TYPES)
            )
        secret = spec.get("secret", False)
        if not isinstance(secret, bool):
            raise ConfigRuleError(f"could not validate '{path}': {where}/secret: expected boolean")
        declarations[str(key)] = ConfigDeclaration(
            key=str(key),
            full_key=_full_key(project, str(key)),
            in_project=in_project,
            type=type_,
            items=_items(spec.get("items"), where, path),
            secret=secret,
            # The CLI treats a null default/value as absent.
            has_default=spec.get("default") is not None,
            default=spec.get("default"),
            has_value=spec.get("value") is not None,
            value=spec.get("value"),
        )
    return declarations


def validate_declarations(declarations: Mapping[str, ConfigDeclaration], path: Path) -> None:
    """``Project.Validate``: the first broken rule, keys in sorted order, the CLI's words."""
    prefix = f"could not unmarshal '{path}': "
    for key in sorted(declarations):
        d = declarations[key]
        if d.has_default and d.has_value:
            raise ConfigRuleError(
                prefix
                + f"project config '{key}' cannot have both a 'default' and 'value' attribute"
            )
        if d.in_project:
            if d.type == "array" and d.items is None:
                raise ConfigRuleError(
                    prefix + f"The configuration key '{key}' declares an array but does not "
                    "specify the underlying type via the 'items' attribute"
                )
            if (
                d.type is not None
                and d.has_default
                and not value_matches(d.type, d.items, d.default)
            ):
                raise ConfigRuleError(
                    prefix + f"The default value specified for configuration key '{key}' is not "
                    f"of the expected type '{type_name(d.type, d.items)}'"
                )
        else:
            if d.type is not None:
                raise ConfigRuleError(
                    prefix + f"Configuration key '{key}' is not namespaced by the project and "
                    "should not define a type"
                )
            if d.has_default:
                raise ConfigRuleError(
                    prefix + f"Configuration key '{key}' is not namespaced by the project and "
                    "should not define a default value. Did you mean to use the 'value' "
                    "attribute instead of 'default'?"
                )
            if not d.has_value:
                raise ConfigRuleError(
                    prefix + f"Configuration key '{key}' is namespaced and must provide an "
                    "attribute 'value'"
                )


def format_missing(keys: Sequence[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'`` (the CLI's ``formatMissingKeys``)."""
    quoted = [f"'{key}'" for key in sorted(keys)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def is_encrypted(value: object) -> bool:
    """A stack value encrypted by the stack's secrets provider (``secure: v1:...``)."""
    return isinstance(value, dict) and set(value) == {"secure"}


def _as_stored(value: object) -> object:
    # The CLI keeps a scalar stack value as text; maps and lists keep their shape.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def apply_and_validate(
    stack: str,
    declarations: Mapping[str, ConfigDeclaration],
    stack_values: Mapping[str, object],
) -> dict[str, object]:
    """The stack's values with the project's defaults and values applied, checked as the CLI
    checks them before ``up``/``preview``. ``stack_values`` are keyed ``namespace:key``."""
    merged = dict(stack_values)
    prefix = "validating stack config: "
    missing = [
        d.key
        for key, d in sorted(declarations.items())
        if d.required and d.full_key not in stack_values
    ]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ConfigRuleError(
            prefix
            + f"Stack '{stack}' is missing configuration value{plural} {format_missing(missing)}",
            key=declarations[sorted(missing)[0]].full_key,
        )
    for _key, d in sorted(declarations.items()):
        if d.full_key not in merged and (d.has_default or d.has_value):
            merged[d.full_key] = d.default if d.has_default else d.value
    for key, d in sorted(declarations.items()):
        if d.type is None or d.full_key not in merged:
            continue  # untyped declarations are neither type- nor secret-checked
        value = merged[d.full_key]
        if d.secret and not is_encrypted(value):
            raise ConfigRuleError(
                prefix + f"Stack '{stack}' with configuration key '{key}' must be encrypted as "
                "it's secret",
                key=d.full_key,
            )
        if is_encrypted(value):
            continue  # cannot be decrypted offline
        if not value_matches(d.type, d.items, _as_stored(value)):
            raise ConfigRuleError(
                prefix + f"Stack '{stack}' with configuration key '{key}' must be of type "
                f"'{type_name(d.type, d.items)}'",
                key=d.full_key,
            )
    return merged
