"""Finds a Pulumi project and reads a stack's configuration as the Pulumi CLI would."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vmss_components.errors import ConfigurationError

from .config_rules import (
    ConfigDeclaration,
    apply_and_validate,
    is_encrypted,
    parse_declarations,
    validate_declarations,
)
from .errors import PlanInputError

#: Stands in for a value encrypted in a stack file (``secure: v1:...``), which only the Pulumi
#: CLI with the stack's secrets provider can decrypt. It is a secret like the real one, and
#: passes the checks a real password must pass (Windows complexity) so the program plans on.
ENCRYPTED_PLACEHOLDER = "Offline-plan-placeholder-for-an-encrypted-value-1"


@dataclass(frozen=True, kw_only=True)
class Project:
    """A Pulumi project: its name, program folder and stack configuration folder."""

    root: Path
    name: str
    main: Path
    stack_config_dir: Path
    config_defaults: Mapping[str, Any]
    secret_keys: frozenset[str]
    declarations: Mapping[str, ConfigDeclaration]

    def stack_file(self, stack: str) -> Path:
        """``Pulumi.<stack>.yaml`` in the stack configuration folder."""
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        """Stacks that have a configuration file."""
        return sorted(
            p.name[len("Pulumi.") : -len(".yaml")]
            for p in self.stack_config_dir.glob("Pulumi.*.yaml")
        )


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    """A stack's configuration as the program receives it: ``namespace:key`` -> text."""

    values: Mapping[str, str]
    secret_keys: tuple[str, ...]
    encrypted_keys: tuple[str, ...]
    file: Path


def find_project(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding a ``Pulumi.yaml``."""
    for folder in (start, *start.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    raise PlanInputError(f"no Pulumi.yaml in {start} or any folder above it")


def load_project(start: Path) -> Project:
    """Read ``Pulumi.yaml``: name, ``main``, ``stackConfigDir`` and declared config keys."""
    root = find_project(start.resolve())
    document = _read_yaml(root / "Pulumi.yaml")
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigurationError("project.name", f"{root / 'Pulumi.yaml'} has no project name")
    main = root / str(document.get("main") or ".")
    config_dir = root / str(document.get("stackConfigDir") or ".")
    # The CLI's project-file rules first: a project it refuses must not plan green.
    declarations = parse_declarations(name, document.get("config"), root / "Pulumi.yaml")
    validate_declarations(declarations, root / "Pulumi.yaml")
    defaults = {
        d.full_key: d.default if d.has_default else d.value
        for d in declarations.values()
        if d.has_default or d.has_value
    }
    secret = {d.full_key for d in declarations.values() if d.secret}
    return Project(
        root=root,
        name=name,
        main=main,
        stack_config_dir=config_dir,
        config_defaults=defaults,
        secret_keys=frozenset(secret),
        declarations=declarations,
    )


def load_stack_config(project: Project, stack: str) -> StackConfig:
    """The stack's config with the project's defaults under it, as the CLI passes it on.

    Structured values become JSON text (what ``pulumi.Config.get_object`` parses); values
    encrypted in the stack file become a secret placeholder, said so in the plan.
    """
    path = project.stack_file(stack)
    if not path.is_file():
        known = ", ".join(project.stacks()) or "none"
        raise PlanInputError(f"no stack file {path} (stacks here: {known})")
    document = _read_yaml(path)
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise ConfigurationError("stack", f"the config block of {path} is not a map")
    stack_values = {
        key if ":" in key else f"{project.name}:{key}": value for key, value in raw.items()
    }
    # The CLI's stack rules (missing keys, secrets, types), then its defaults, as `pulumi up`.
    merged = apply_and_validate(stack, project.declarations, stack_values)
    values: dict[str, str] = {}
    secret_keys = set(project.secret_keys & set(merged))
    encrypted: list[str] = []
    for key, value in merged.items():
        if is_encrypted(value):
            values[key] = ENCRYPTED_PLACEHOLDER
            secret_keys.add(key)
            encrypted.append(key)
        else:
            values[key] = _as_config_text(value)
    return StackConfig(
        values=values,
        secret_keys=tuple(sorted(secret_keys)),
        encrypted_keys=tuple(sorted(encrypted)),
        file=path,
    )


def _as_config_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, sort_keys=False, separators=(",", ":"))


# libyaml's loader when PyYAML was built with it: the same documents, parsed in C.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise PlanInputError(f"cannot read {path}: {' '.join(str(error).split())}") from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise PlanInputError(f"{path} is not a YAML map")
    return document
