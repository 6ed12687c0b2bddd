"""cloud-config settings that weaken the instances' security, named without their values.

A scale set here logs in with SSH keys only; a cloud-config can still turn password login on
(``ssh_pwauth: true``) or set passwords (``chpasswd``, ``password``, a user's ``passwd``),
and those passwords sit in customData, which anyone who can read the scale set's model can
read. Neither is an error — some images need it — so each gives a warning the components
log; the warning names the setting, never its value.
"""

from __future__ import annotations

from typing import Any

from .._rules import declare_rule

declare_rule(
    "cloud-config-security-warning",
    "A cloud-config that turns SSH password login on (ssh_pwauth: true) or sets passwords "
    "(chpasswd, password, a user's passwd) gives a warning naming the setting, never its "
    "value.",
    where="vmss_components.userdata._security.security_warnings",
    paths=("cloud_config",),
)

# What cloud-init's util.is_true reads as true.
_TRUE_WORDS = ("true", "1", "on", "yes")
_USER_PASSWORD_KEYS = ("passwd", "plain_text_passwd", "hashed_passwd")


def security_warnings(config: Any, where: str) -> list[str]:
    """The warnings for one parsed cloud-config document found at ``where``."""
    if not isinstance(config, dict):
        return []
    found: list[str] = []
    pwauth = config.get("ssh_pwauth")
    if pwauth is True or (isinstance(pwauth, str) and pwauth.strip().lower() in _TRUE_WORDS):
        found.append(
            f"{where}: ssh_pwauth turns SSH password login on: the instances then accept "
            "passwords as well as keys; remove it unless an image needs it"
        )
    chpasswd = config.get("chpasswd")
    if isinstance(chpasswd, dict) and (chpasswd.get("list") or chpasswd.get("users")):
        found.append(
            f"{where}: chpasswd sets passwords (values not shown): they are readable in "
            "customData by anyone who can read the scale set; prefer SSH keys"
        )
    if config.get("password"):
        found.append(
            f"{where}: password sets the default user's password (value not shown): it is "
            "readable in customData; prefer SSH keys"
        )
    users = config.get("users")
    if isinstance(users, list):
        named = [
            str(user.get("name", index)) if isinstance(user, dict) else str(index)
            for index, user in enumerate(users)
            if isinstance(user, dict) and any(user.get(k) for k in _USER_PASSWORD_KEYS)
        ]
        if named:
            found.append(
                f"{where}: users {', '.join(named)} get a password (values not shown): "
                "readable in customData; prefer SSH keys"
            )
    return found
