"""User-data formats: which one cloud-init will see, and the envelope checks of each.

cloud-init types user data by its first line (or as a MIME multipart archive);
:func:`detect_format` names the format the same way and refuses anything cloud-init would
not act on. :func:`cloud_config_documents` checks the envelope of the formats that have one
(a MIME archive, a cloud-config-archive, an ``#include`` list, a jinja template) and returns
the ``#cloud-config`` documents inside, the ones the schema check reads.
"""

from __future__ import annotations

import email
import email.policy
from typing import Literal

from ..errors import ConfigurationError
from ._yaml import load_yaml

#: What cloud-init looks for before a cloud-config document.
CLOUD_CONFIG_HEADER = "#cloud-config"

UserDataFormat = Literal[
    "cloud-config",
    "cloud-config-archive",
    "script",
    "boothook",
    "include",
    "include-once",
    "jinja",
    "part-handler",
    "mime-multipart",
]

# First-line prefixes, longest first, as cloud-init matches them (handlers.INCLUSION_SRCH).
_HEADERS: tuple[tuple[str, UserDataFormat | None], ...] = (
    ("#cloud-config-archive", "cloud-config-archive"),
    ("#cloud-config-jsonp", None),
    ("## template: jinja", "jinja"),
    ("#cloud-boothook", "boothook"),
    ("#cloud-config", "cloud-config"),
    ("#include-once", "include-once"),
    ("#part-handler", "part-handler"),
    ("#upstart-job", None),
    ("#include", "include"),
    ("#!", "script"),
)
_REFUSED = {
    "#cloud-config-jsonp": "cloud-config-jsonp is deprecated and was removed from cloud-init",
    "#upstart-job": "Upstart jobs are gone from every current Linux image",
}
_ACCEPTED = (
    "#cloud-config, #!, #include, #include-once, #cloud-boothook, #cloud-config-archive, "
    "## template: jinja, #part-handler, or a MIME multipart archive"
)
# cloud-init reads user data as MIME only when "mime-version:" is in its first 4096 bytes.
_MIME_WINDOW = 4096


def detect_format(text: str, path: str = "cloud_config") -> UserDataFormat:
    """The user-data format cloud-init will see, from the first line; refuses anything else.

    The header must be the very first bytes: ``cloud-init schema`` accepts nothing before
    ``#cloud-config``, so neither does this (no blank line, no byte-order mark).
    """
    if text.startswith("\ufeff"):
        raise ConfigurationError(
            path, "the user data starts with a byte-order mark: cloud-init would not see its header"
        )
    first_line = text.split("\n", 1)[0].rstrip("\r")
    for prefix, found in _HEADERS:
        if first_line.startswith(prefix):
            if found is None:
                raise ConfigurationError(path, f"{prefix}: {_REFUSED[prefix]}")
            return found
    lowered = first_line.lower()
    if lowered.startswith(("content-type: multipart/", "mime-version:")):
        if "mime-version:" not in text[:_MIME_WINDOW].lower():
            raise ConfigurationError(
                path,
                "a MIME multipart archive needs a 'MIME-Version: 1.0' header: cloud-init reads "
                "user data as MIME only when it finds one in the first 4096 bytes",
            )
        return "mime-multipart"
    shown = first_line if len(first_line) <= 60 else first_line[:57] + "..."
    raise ConfigurationError(
        path,
        f"unknown user-data format: the first line {shown!r} is none of {_ACCEPTED} "
        "(a cloud-config document starts with the line '#cloud-config')",
    )


def cloud_config_documents(
    text: str, fmt: UserDataFormat, path: str = "cloud_config"
) -> list[tuple[str, str]]:
    """The ``#cloud-config`` documents in user data of format ``fmt``, each with its path.

    A cloud-config is one document; a MIME archive holds one per ``text/cloud-config`` part
    (given the header when the part lacks it). The envelopes of a cloud-config-archive, an
    ``#include`` list and a jinja template are checked here; they hold no document to check.
    """
    documents: list[tuple[str, str]] = []
    if fmt == "cloud-config":
        documents.append((text, path))
    elif fmt == "mime-multipart":
        documents.extend(_mime_cloud_configs(text, path))
    elif fmt == "cloud-config-archive":
        _check_archive(text, path)
    elif fmt in ("include", "include-once"):
        _check_include(text, path)
    elif fmt == "jinja":
        _check_jinja(text, path)
    return documents


def _mime_cloud_configs(text: str, path: str) -> list[tuple[str, str]]:
    message = email.message_from_string(text, policy=email.policy.compat32)
    if not message.is_multipart():
        raise ConfigurationError(path, "the MIME archive is not multipart or has no parts")
    parts = [part for part in message.walk() if not part.is_multipart()]
    if not parts:
        raise ConfigurationError(path, "the MIME multipart archive has no parts")
    documents: list[tuple[str, str]] = []
    for index, part in enumerate(parts):
        if part.get_content_type() != "text/cloud-config":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            raise ConfigurationError(f"{path}.parts[{index}]", "cannot read this part")
        try:
            content = payload.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ConfigurationError(f"{path}.parts[{index}]", "not UTF-8 text") from error
        if not content.startswith(CLOUD_CONFIG_HEADER):
            # cloud-init types the part by its Content-Type; the schema tool wants the header.
            content = f"{CLOUD_CONFIG_HEADER}\n{content}"
        documents.append((content, f"{path}.parts[{index}]"))
    return documents


def _check_archive(text: str, path: str) -> None:
    data = load_yaml(text, path, "the cloud-config-archive")
    if not isinstance(data, list) or not data:
        raise ConfigurationError(path, "a cloud-config-archive is a non-empty YAML list of parts")
    for index, part in enumerate(data):
        if isinstance(part, str):
            continue
        if not isinstance(part, dict) or not isinstance(part.get("content"), str):
            raise ConfigurationError(
                f"{path}[{index}]", "each part is a string or a mapping with a 'content' string"
            )


def _check_include(text: str, path: str) -> None:
    urls = [
        line.strip()
        for line in text.splitlines()[1:]
        if line.strip() and not line.strip().startswith("#")
    ]
    if not urls:
        raise ConfigurationError(path, "an #include document lists at least one URL")
    for url in urls:
        if not url.startswith(("https://", "http://")):
            raise ConfigurationError(path, f"{url!r} in #include is not an http(s) URL")


def _check_jinja(text: str, path: str) -> None:
    # The template is rendered on the instance from its instance data; what it renders to
    # is typed by the line after the jinja header.
    rest = text.split("\n", 1)[1] if "\n" in text else ""
    second = rest.split("\n", 1)[0].rstrip("\r")
    if not second.startswith((CLOUD_CONFIG_HEADER, "#!")):
        raise ConfigurationError(
            path, "after '## template: jinja' the next line must be '#cloud-config' or '#!'"
        )
