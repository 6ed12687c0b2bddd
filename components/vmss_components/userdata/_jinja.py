"""Jinja user data rendered as cloud-init renders it, with stand-in instance data. Pure.

cloud-init renders ``## template: jinja`` user data on the instance with its instance data
(``v1.local_hostname``, ``ds.meta_data...``) and hands the result to the handler its first
line names; a template that fails to render is logged and ignored, so the instance boots
without it. Here the template is rendered before deploy the same way (Jinja2, ``trim_blocks``,
the ``do`` extension, a variable it does not know rendered as ``CI_MISSING_JINJA_VAR/<name>``)
in a sandbox, with stand-ins for the instance data of an Azure instance, and the result is
checked like any user data. A template that cannot be rendered is refused with the reason.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError

#: What cloud-init renders an unknown variable as (templater.MISSING_JINJA_PREFIX).
MISSING_PREFIX = "CI_MISSING_JINJA_VAR/"
#: The most a rendered template may hold (customData is 64 KiB at most, gzipped).
MAX_RENDERED = 4 * 1024 * 1024

# Stand-ins for the v1 instance data of an Azure instance (cloud-init's standardized keys).
_V1: dict[str, Any] = {
    "availability_zone": "1",
    "cloud_id": "azure",
    "cloud_name": "azure",
    "distro": "ubuntu",
    "distro_release": "noble",
    "distro_version": "24.04",
    "instance_id": "00000000-0000-0000-0000-000000000000",
    "kernel_release": "6.8.0-1000-azure",
    "local_hostname": "vmss000000",
    "machine": "x86_64",
    "platform": "azure",
    "public_ssh_keys": [],
    "python_version": "3.12.3",
    "region": "westeurope",
    "subplatform": "seed-dir (/var/lib/waagent)",
    "variant": "ubuntu",
}


def render_template(text: str, path: str) -> str:
    """``text`` (starting ``## template: jinja``) rendered with stand-in instance data.

    ConfigurationError at ``path`` when Jinja2 is missing or the template cannot render.
    """
    try:
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment
    except ImportError:
        raise ConfigurationError(
            path,
            "a jinja template is checked after rendering it, which needs Jinja2 (pip install "
            "Jinja2); without it the template cannot be checked, so it is refused",
        ) from None

    class Missing(jinja2.ChainableUndefined):
        """An unknown variable, rendered as cloud-init renders it."""

        def __str__(self) -> str:
            return f"{MISSING_PREFIX}{self._undefined_name}"

    body = text.split("\n", 1)[1] if "\n" in text else ""
    environment = SandboxedEnvironment(
        undefined=Missing, trim_blocks=True, extensions=["jinja2.ext.do"]
    )
    try:
        rendered = environment.from_string(body).render(v1=_V1)
    except jinja2.TemplateSyntaxError as error:
        raise ConfigurationError(
            path,
            f"the jinja template does not parse (line {error.lineno + 1}: {error.message}): "
            "cloud-init would ignore it",
        ) from None
    except Exception as error:
        raise ConfigurationError(
            path,
            f"the jinja template fails to render with stand-in instance data "
            f"({type(error).__name__}): cloud-init would ignore it",
        ) from None
    if len(rendered) > MAX_RENDERED:
        raise ConfigurationError(path, f"the template renders to over {MAX_RENDERED:,} characters")
    # cloud-init keeps the template's trailing newline (keep_trailing_newline is off).
    return rendered + ("\n" if body.endswith("\n") and not rendered.endswith("\n") else "")
