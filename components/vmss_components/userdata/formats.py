"""User-data formats: which one cloud-init will see, and the cloud-configs inside each.

cloud-init reads user data as MIME when ``mime-version:`` appears in its first 4096 bytes,
and otherwise types it by how it starts, in any case and after any leading blank lines
(``#Cloud-Config``, ``\n#cloud-config``); :func:`detect_format` names the format the same
way and refuses anything cloud-init would not act on.

:func:`cloud_config_documents` walks every container cloud-init opens, as it opens them —
MIME parts (typed by their Content-Type, or by their content for ``text/plain`` and
``text/x-shellscript``; gzip parts decompressed), ``#cloud-config-archive`` entries (typed by
their ``type``, else by their content, else cloud-config), jinja templates (rendered with
stand-in instance data, see :mod:`._jinja`) — and returns each ``#cloud-config`` document
found, with the argument path of the part it came from, for the schema check. ``#include``
lines are read as cloud-init reads them: the URL may follow ``#include`` on its own line.
"""

from __future__ import annotations

import email
import email.policy
import gzip
import io
import zlib
from email.message import Message
from typing import Any, Literal

from .._rules import declare_rule
from ..errors import ConfigurationError
from ._yaml import load_yaml

declare_rule(
    "cloud-init-header-as-read",
    "User data is typed as cloud-init types it: MIME when 'mime-version:' is in its first "
    "4096 bytes, else by its header in any case after leading blank lines; a byte-order mark "
    "or an unknown header is refused.",
    where="vmss_components.userdata.formats.detect_format",
    paths=("cloud_config",),
)
declare_rule(
    "cloud-config-in-every-container",
    "Every cloud-config cloud-init will run is schema-checked: inside MIME parts (gzip ones "
    "too), cloud-config-archive entries and jinja templates rendered with stand-in instance "
    "data; a template that cannot render is refused.",
    where="vmss_components.userdata.formats.cloud_config_documents",
    paths=("cloud_config",),
)
declare_rule(
    "cloud-init-include-lines",
    "#include documents are read line by line as cloud-init reads them (the URL may follow "
    "the header on its line) and list at least one http(s) URL.",
    where="vmss_components.userdata.formats._check_include",
    paths=("cloud_config",),
)

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


def _lowered_start(text: str) -> str:
    """The text as cloud-init compares it with the headers: lower case, leading space gone."""
    return text[:_MIME_WINDOW].lower().lstrip()


def detect_format(text: str, path: str = "cloud_config") -> UserDataFormat:
    """The user-data format cloud-init will see; refuses anything it would not act on.

    As cloud-init does: MIME when ``mime-version:`` is in the first 4096 characters, else the
    longest header the text starts with, compared in lower case after leading whitespace
    (``#Cloud-Config`` and a leading blank line are read). A byte-order mark hides the header
    from cloud-init, so it is refused.
    """
    if text.startswith("\ufeff"):
        raise ConfigurationError(
            path, "the user data starts with a byte-order mark: cloud-init would not see its header"
        )
    if "mime-version:" in text[:_MIME_WINDOW].lower():
        return "mime-multipart"
    start = _lowered_start(text)
    for prefix, found in _HEADERS:
        if start.startswith(prefix):
            if found is None:
                raise ConfigurationError(path, f"{prefix}: {_REFUSED[prefix]}")
            return found
    first_line = text.lstrip().split("\n", 1)[0].rstrip("\r")
    if first_line.lower().startswith("content-type: multipart/"):
        raise ConfigurationError(
            path,
            "a MIME multipart archive needs a 'MIME-Version: 1.0' header: cloud-init reads "
            "user data as MIME only when it finds one in the first 4096 bytes",
        )
    raise ConfigurationError(
        path,
        f"unknown user-data format: the first line ({len(first_line)} characters, not shown: "
        f"it may hold a secret) is none of {_ACCEPTED} "
        "(a cloud-config document starts with the line '#cloud-config')",
    )


def schema_document(text: str) -> str:
    """A cloud-config as ``cloud-init schema`` wants it: the header, lower case, first.

    cloud-init itself reads ``#Cloud-Config`` after blank lines (the header is a YAML
    comment); its schema tool insists on ``#cloud-config`` at the very start.
    """
    stripped = text.lstrip()
    if stripped[: len(CLOUD_CONFIG_HEADER)].lower() == CLOUD_CONFIG_HEADER:
        return CLOUD_CONFIG_HEADER + stripped[len(CLOUD_CONFIG_HEADER) :]
    return f"{CLOUD_CONFIG_HEADER}\n{text}"


# MIME types of the handlers cloud-init runs (handlers.INCLUSION_TYPES_MAP and the
# shellscript variants), by the format they are.
_MIME_FORMATS: dict[str, UserDataFormat] = {
    "text/cloud-config": "cloud-config",
    "text/cloud-config-archive": "cloud-config-archive",
    "text/x-shellscript": "script",
    "text/x-shellscript-per-boot": "script",
    "text/x-shellscript-per-instance": "script",
    "text/x-shellscript-per-once": "script",
    "text/cloud-boothook": "boothook",
    "text/x-include-url": "include",
    "text/x-include-once-url": "include-once",
    "text/jinja2": "jinja",
    "text/part-handler": "part-handler",
}
_MIME_REFUSED = {
    "text/cloud-config-jsonp": _REFUSED["#cloud-config-jsonp"],
    "text/upstart-job": _REFUSED["#upstart-job"],
}
# Parts whose type cloud-init decides from their content (user_data.TYPE_NEEDED + scripts).
_TYPED_BY_CONTENT = ("text/plain", "text/x-not-multipart", "text/x-shellscript")
# The gzip types cloud-init decompresses before typing a part (user_data.DECOMP_TYPES).
_GZIP_TYPES = (
    "application/gzip",
    "application/gzip-compressed",
    "application/gzipped",
    "application/x-compress",
    "application/x-compressed",
    "application/x-gunzip",
    "application/x-gzip",
    "application/x-gzip-compressed",
)
#: How deep containers may nest (an archive in a MIME part in a jinja template ...).
MAX_CONTAINER_DEPTH = 8
#: The most a gzip part may hold once decompressed (customData is 64 KiB at most).
MAX_PART_BYTES = 4 * 1024 * 1024


# The MIME type cloud-init gives content by how it starts (handlers.INCLUSION_TYPES_MAP).
_PREFIX_TYPES = {
    "#cloud-config-archive": "text/cloud-config-archive",
    "#cloud-config-jsonp": "text/cloud-config-jsonp",
    "## template: jinja": "text/jinja2",
    "#cloud-boothook": "text/cloud-boothook",
    "#cloud-config": "text/cloud-config",
    "#include-once": "text/x-include-once-url",
    "#part-handler": "text/part-handler",
    "#upstart-job": "text/upstart-job",
    "#include": "text/x-include-url",
    "#!": "text/x-shellscript",
}


def type_from_content(text: str) -> str | None:
    """The MIME type cloud-init gives a part from its content, or None (no known header)."""
    start = _lowered_start(text)
    for prefix, _ in _HEADERS:
        if start.startswith(prefix):
            return _PREFIX_TYPES[prefix]
    return None


def cloud_config_documents(
    text: str, fmt: UserDataFormat, path: str = "cloud_config"
) -> list[tuple[str, str]]:
    """The ``#cloud-config`` documents cloud-init will read in user data of format ``fmt``,
    each with the argument path of the part it came from (``cloud_config.parts[1]``,
    ``cloud_config[0].content``), ready for ``cloud-init schema``.

    Every container is opened as cloud-init opens it; the envelopes (archive entries,
    ``#include`` URLs, jinja templates) are checked on the way.
    """
    documents: list[tuple[str, str]] = []
    _walk(text, fmt, path, 0, documents)
    return documents


def _walk(
    text: str, fmt: UserDataFormat, path: str, depth: int, out: list[tuple[str, str]]
) -> None:
    if depth > MAX_CONTAINER_DEPTH:
        raise ConfigurationError(
            path, f"containers nest deeper than {MAX_CONTAINER_DEPTH} levels (archive, MIME, jinja)"
        )
    if fmt == "cloud-config":
        out.append((schema_document(text), path))
    elif fmt == "mime-multipart":
        _walk_mime(text, path, depth, out)
    elif fmt == "cloud-config-archive":
        _walk_archive(text, path, depth, out)
    elif fmt in ("include", "include-once"):
        _check_include(text, path)
    elif fmt == "jinja":
        from ._jinja import render_template

        rendered = render_template(text, path)
        inner = _MIME_FORMATS.get(type_from_content(rendered) or "")
        if inner not in ("cloud-config", "script"):
            raise ConfigurationError(
                path,
                "after rendering, the template is neither a cloud-config nor a script, so "
                "cloud-init ignores it: the next line after '## template: jinja' must be "
                "'#cloud-config' or '#!'",
            )
        rendered_format: UserDataFormat = "cloud-config" if inner == "cloud-config" else "script"
        _walk(rendered, rendered_format, path, depth + 1, out)


def _walk_mime(text: str, path: str, depth: int, out: list[tuple[str, str]]) -> None:
    try:
        message = email.message_from_string(text, policy=email.policy.compat32)
        parts = [part for part in message.walk() if part.get_content_maintype() != "multipart"]
    except (ValueError, LookupError, TypeError, IndexError, RecursionError) as error:
        raise ConfigurationError(
            path, f"the MIME archive cannot be read ({type(error).__name__})"
        ) from None
    if not message.is_multipart() or not parts:
        raise ConfigurationError(path, "the MIME archive is not multipart or has no parts")
    for index, part in enumerate(parts):
        where = f"{path}.parts[{index}]"
        payload = _part_bytes(part, where)
        kind = part.get_content_type().lower()
        if kind in _GZIP_TYPES:
            payload = _gunzip(payload, where)
            kind = "text/plain"
        _dispatch(payload, kind, where, depth, out)


def _part_bytes(part: Message, where: str) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError, AssertionError) as error:
        raise ConfigurationError(
            where, f"cannot decode this part ({type(error).__name__})"
        ) from None
    if not isinstance(payload, bytes):
        raise ConfigurationError(where, "cannot read this part")
    return payload


def _gunzip(data: bytes, where: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inflated = stream.read(MAX_PART_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ConfigurationError(
            where, f"the gzip part is damaged ({type(error).__name__})"
        ) from None
    if len(inflated) > MAX_PART_BYTES:
        raise ConfigurationError(where, f"the gzip part holds over {MAX_PART_BYTES:,} bytes")
    return inflated


def _dispatch(
    content: bytes | str, kind: str, where: str, depth: int, out: list[tuple[str, str]]
) -> None:
    """One part of a MIME or archive container, of MIME type ``kind``, as cloud-init runs it."""
    if kind in _MIME_REFUSED:
        raise ConfigurationError(where, f"{kind}: {_MIME_REFUSED[kind]}")
    if not kind.startswith("text/"):
        return  # binary parts go to part handlers, which cloud-init runs as they are
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ConfigurationError(
                where, f"not UTF-8 text (an invalid byte at offset {error.start:,})"
            ) from None
    else:
        text = content
    if kind in _TYPED_BY_CONTENT:
        kind = type_from_content(text) or kind
    if kind in _MIME_REFUSED:
        raise ConfigurationError(where, f"{kind}: {_MIME_REFUSED[kind]}")
    fmt = _MIME_FORMATS.get(kind)
    if fmt is None:
        return  # cloud-init logs "Unhandled non-multipart userdata" and goes on
    _walk(text, fmt, where, depth + 1, out)


def _walk_archive(text: str, path: str, depth: int, out: list[tuple[str, str]]) -> None:
    data = load_yaml(text, path, "the cloud-config-archive")
    if not isinstance(data, list) or not data:
        raise ConfigurationError(path, "a cloud-config-archive is a non-empty YAML list of parts")
    for index, entry in enumerate(data):
        where = f"{path}[{index}]"
        if isinstance(entry, str):
            entry = {"content": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("content", ""), str | bytes):
            raise ConfigurationError(
                where, "each part is a string or a mapping with a 'content' string"
            )
        content: str | bytes = entry.get("content", "")
        kind = _archive_type(entry, content, where)
        _dispatch(content, kind, f"{where}.content", depth, out)


def _archive_type(entry: dict[Any, Any], content: str | bytes, where: str) -> str:
    """An archive entry's MIME type: its ``type``, else from its content, else cloud-config
    (binary content: octet-stream), as cloud-init's ``_explode_archive`` decides."""
    declared = entry.get("type")
    if declared:
        if not isinstance(declared, str) or "/" not in declared:
            raise ConfigurationError(
                f"{where}.type", "expected a MIME type such as text/x-shellscript"
            )
        return declared.strip().lower()
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return type_from_content(content) or "text/cloud-config"


_HTTP = ("https://", "http://")


def _check_include(text: str, path: str) -> None:
    """The URLs of an ``#include`` document, read line by line as cloud-init reads them: a
    line starting ``#include`` or ``#include-once`` (any case) may carry a URL after it."""
    urls = 0
    for number, line in enumerate(text.splitlines(), start=1):
        lowered = line.lower()
        if lowered.startswith("#include-once"):
            line = line[len("#include-once") :].lstrip()
        elif lowered.startswith("#include"):
            line = line[len("#include") :].lstrip()
        if line.startswith("#") or not line.strip():
            continue
        urls += 1
        if not line.strip().lower().startswith(_HTTP):
            # The URL is not shown: it may carry a user name and password.
            raise ConfigurationError(
                path, f"line {number}: #include lists a URL that is not http(s)"
            )
    if not urls:
        raise ConfigurationError(path, "an #include document lists at least one URL")
