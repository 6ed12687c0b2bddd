"""Finds a Pulumi project and reads a stack's configuration as the Pulumi CLI would."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vmss_components.errors import ConfigurationError

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
    raise ConfigurationError("project", f"no Pulumi.yaml in {start} or any folder above it")


def load_project(start: Path) -> Project:
    """Read ``Pulumi.yaml``: name, ``main``, ``stackConfigDir`` and declared config keys."""
    root = find_project(start.resolve())
    document = _read_yaml(root / "Pulumi.yaml")
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigurationError("project.name", f"{root / 'Pulumi.yaml'} has no project name")
    main = root / str(document.get("main") or ".")
    config_dir = root / str(document.get("stackConfigDir") or ".")
    defaults: dict[str, Any] = {}
    secret: set[str] = set()
    declared = document.get("config") or {}
    if not isinstance(declared, dict):
        raise ConfigurationError("project.config", "the config block of Pulumi.yaml is not a map")
    for key, spec in declared.items():
        full = key if ":" in key else f"{name}:{key}"
        if isinstance(spec, dict):
            if "default" in spec:
                defaults[full] = spec["default"]
            if spec.get("secret"):
                secret.add(full)
        else:
            defaults[full] = spec
    return Project(
        root=root,
        name=name,
        main=main,
        stack_config_dir=config_dir,
        config_defaults=defaults,
        secret_keys=frozenset(secret),
    )


def load_stack_config(project: Project, stack: str) -> StackConfig:
    """The stack's config with the project's defaults under it, as the CLI passes it on.

    Structured values become JSON text (what ``pulumi.Config.get_object`` parses); values
    encrypted in the stack file become a secret placeholder, said so in the plan.
    """
    path = project.stack_file(stack)
    if not path.is_file():
        known = ", ".join(project.stacks()) or "none"
        raise ConfigurationError("stack", f"no stack file {path} (stacks here: {known})")
    document = _read_yaml(path)
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise ConfigurationError("stack", f"the config block of {path} is not a map")
    merged: dict[str, Any] = dict(project.config_defaults)
    for key, value in raw.items():
        merged[key if ":" in key else f"{project.name}:{key}"] = value
    values: dict[str, str] = {}
    secret_keys = set(project.secret_keys & set(merged))
    encrypted: list[str] = []
    for key, value in merged.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
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
        document = yaml.load(path.read_text(), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError("stack", f"cannot read {path}: {error}") from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ConfigurationError("stack", f"{path} is not a YAML map")
    return document
