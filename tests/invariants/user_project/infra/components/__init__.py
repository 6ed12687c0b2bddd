"""The user's own ``components`` package: Pulumi projects very often have one."""

from __future__ import annotations


def standard_tags(environment: str) -> dict[str, str]:
    """Tags every resource of this project carries."""
    return {"environment": environment, "owner": "platform"}
