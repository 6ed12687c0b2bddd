"""cloud-init user data for customData: render, detect, resolve, validate, encode. Pure.

A scale set hands its ``customData`` to cloud-init on each instance's first boot. A mistake in
it shows up only then, on every instance, so this module finds it before deploy:

- :func:`read_user_data` takes a mapping (rendered to ``#cloud-config`` YAML), a ``str``
  (the content) or a ``Path`` (a file), and :func:`detect_format` names its format by its
  first line as cloud-init does; anything cloud-init would not act on is refused.
- ``${artifact:KEY}`` and ``${artifact:KEY.sha256}`` placeholders (:func:`find_placeholders`,
  :func:`resolve_placeholders`) become a published artifact's URL with its SAS token and its
  SHA256 digest.
- :func:`validate_user_data` parses the YAML and, when the ``cloud-init`` command is installed
  (Debian and Ubuntu package it), runs its own schema check, ``cloud-init schema``; without it,
  structural checks of the common modules run and one log line says the full check was skipped.
- :func:`encode_custom_data` base64-encodes, gzips when asked or needed, and enforces Azure's
  65,535-byte limit on the decoded value.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import gzip
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import ConfigurationError

#: Azure's limit on customData once base64-decoded (87,380 base64 characters).
CUSTOM_DATA_LIMIT = 65_535
#: What cloud-init looks for before a cloud-config document.
CLOUD_CONFIG_HEADER = "#cloud-config"

Compress = Literal["auto", "always", "never"]
COMPRESS_MODES: tuple[Compress, ...] = ("auto", "always", "never")

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

_PLACEHOLDER = re.compile(r"\$\{artifact:([^}]*)\}")
_PLACEHOLDER_BODY = re.compile(r"([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(\.sha256)?")
_SHA256 = re.compile(r"[0-9a-f]{64}")

logger = logging.getLogger(__name__)


# --- Reading and rendering ----------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style throughout, lists indented under their key; multi-line strings (scripts,
    file contents) as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# Unicode line breaks PyYAML would write raw in a plain or block scalar and then read back as
# line breaks: such strings are double-quoted, where they are escaped.
_UNICODE_BREAKS = frozenset("\x85\u2028\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if _UNICODE_BREAKS.intersection(value):
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def render_cloud_config(config: Mapping[str, Any], path: str = "cloud_config") -> str:
    """``#cloud-config`` and ``config`` as block YAML, keys in the order given.

    Insertion order is kept (it is how people read a cloud-config) and is deterministic; the
    same mapping always renders to the same text. Values must be plain YAML data: strings,
    numbers, booleans, None, lists and mappings with string keys.
    """
    plain = _plain(config, path)
    body = yaml.dump(
        plain,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 16,
    )
    return f"{CLOUD_CONFIG_HEADER}\n{body}"


def _plain(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigurationError(path, f"keys must be strings, got {key!r}")
            result[key] = _plain(item, f"{path}.{key}")
        return result
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ConfigurationError(
        path,
        f"{type(value).__name__} is not plain YAML data (strings, numbers, booleans, lists, "
        "mappings); an artifact is referenced as ${artifact:KEY}, not passed as a value",
    )


def read_user_data(source: Mapping[str, Any] | str | Path, path: str = "cloud_config") -> str:
    """The user data text: a mapping rendered, a ``str`` as is, a ``Path`` read (UTF-8)."""
    if isinstance(source, Mapping):
        if not source:
            raise ConfigurationError(path, "the cloud-config mapping is empty")
        return render_cloud_config(source, path)
    if isinstance(source, Path):
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise ConfigurationError(path, f"{source} is not UTF-8 text: {error}") from error
        except OSError as error:
            raise ConfigurationError(
                path, f"cannot read {source}: {error.strerror or error}"
            ) from error
        if not text.strip():
            raise ConfigurationError(path, f"{source} is empty")
        return text
    if isinstance(source, str):
        if not source.strip():
            raise ConfigurationError(path, "the user data is empty")
        return source
    raise ConfigurationError(
        path,
        f"expected a mapping (rendered as #cloud-config), a str (the content) or a Path "
        f"(a file), got {type(source).__name__}",
    )


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


# --- Placeholders -------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    """One ``${artifact:KEY}`` (``field="url"``) or ``${artifact:KEY.sha256}`` in the text."""

    text: str
    key: str
    field: Literal["url", "sha256"]


@dataclass(frozen=True)
class ArtifactValues:
    """What an artifact's placeholders become: its URL (with SAS) and its SHA256 (hex)."""

    url: str
    sha256: str


def find_placeholders(
    text: str, keys: Collection[str] | None = None, path: str = "cloud_config"
) -> tuple[Placeholder, ...]:
    """Every artifact placeholder in ``text``, in order; with ``keys``, unknown keys refused.

    Other ``${...}`` forms (shell variables) are left alone; ``${artifact:...}`` that is neither
    ``KEY`` nor ``KEY.sha256`` is an error.
    """
    found: list[Placeholder] = []
    for match in _PLACEHOLDER.finditer(text):
        body = _PLACEHOLDER_BODY.fullmatch(match.group(1))
        if body is None:
            raise ConfigurationError(
                path,
                f"{match.group(0)} is not a placeholder: use ${{artifact:KEY}} for the URL with "
                "its SAS token or ${artifact:KEY.sha256} for the digest",
            )
        key = body.group(1)
        if keys is not None and key not in keys:
            known = ", ".join(sorted(keys)) or "none"
            raise ConfigurationError(
                path,
                f"{match.group(0)} names the artifact {key!r}, which is not in artifacts "
                f"(known: {known})",
            )
        found.append(Placeholder(match.group(0), key, "sha256" if body.group(2) else "url"))
    return tuple(found)


def resolve_placeholders(
    text: str, values: Mapping[str, ArtifactValues], path: str = "cloud_config"
) -> str:
    """``text`` with each placeholder replaced by its artifact's URL or digest."""
    find_placeholders(text, values.keys(), path)

    def replace(match: re.Match[str]) -> str:
        body = _PLACEHOLDER_BODY.fullmatch(match.group(1))
        assert body is not None  # checked above
        artifact = values[body.group(1)]
        return artifact.sha256 if body.group(2) else artifact.url

    return _PLACEHOLDER.sub(replace, text)


def stand_in_url(blob_name: str, *, sas_expiry: str) -> str:
    """A realistic stand-in for an artifact URL with its SAS, for validating before deploy.

    The real account and container names and the token's signature are known only once the
    store exists. The stand-in has the shape and length of the real thing and errs long where
    a length is not known yet: an account name of 24 characters and a container name of 63
    (Azure's maxima), the service SAS query the store signs (version, expiry, ``sr=b``,
    ``sp=r``, ``spr=https``) and a URL-encoded 256-bit signature.
    """
    account = ("artifacts" + hashlib.sha256(blob_name.encode()).hexdigest())[:24]
    container = "artifacts-" + "x" * 53
    signature = base64.b64encode(
        hmac.new(b"stand-in", f"{blob_name}|{sas_expiry}".encode(), hashlib.sha256).digest()
    ).decode()
    query = urllib.parse.urlencode(
        {
            "sv": "2022-11-02",
            "se": sas_expiry,
            "sr": "b",
            "sp": "r",
            "spr": "https",
            "sig": signature,
        },
        safe="",
    )
    return f"https://{account}.blob.core.windows.net/{container}/{blob_name}?{query}"


# --- Validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """How a user-data document was checked.

    ``schema_checked_by`` names the tool (``"cloud-init 22.4.2"``) when the real schema check
    ran, None when only the structural checks did (``skipped`` then says why).
    ``deprecations`` are cloud-init's notes on keys that still work but are going away.
    """

    format: UserDataFormat
    schema_checked_by: str | None
    skipped: str | None
    deprecations: tuple[str, ...] = ()


def cloud_init_command() -> str | None:
    """The ``cloud-init`` executable on PATH, or None when it is not installed."""
    return shutil.which("cloud-init")


def validate_user_data(
    text: str,
    *,
    path: str = "cloud_config",
    log: Callable[[str], None] | None = None,
    shape: str | None = None,
) -> Validation:
    """Check ``text`` as cloud-init will read it; raise ConfigurationError if it would fail.

    ``#cloud-config`` documents (also the cloud-config parts of a MIME archive) must parse as
    YAML into a mapping and pass ``cloud-init schema`` when the command is installed, whose
    own messages are quoted in the error. Without it, the common modules' types are checked
    and ``log`` (default: this module's logger, at warning level) gets one line saying the full
    schema check was skipped. Placeholders should already be replaced by realistic values.

    ``shape`` names the document up to the stand-in URLs in it (see :func:`check_user_data`):
    once ``cloud-init schema`` accepted one document of a shape, in this process, the others
    of that shape are accepted without running it again (a URL of URL-safe characters in place
    of another changes nothing cloud-init's schema looks at). An accepted document is also
    remembered in the package cache (``$VMSS_COMPONENTS_CACHE_DIR/cloud-init``), keyed by its
    text and the very ``cloud-init`` installed (path, size, mtime, inode), so the next
    process does not run the tool for it again. Rejections are never reused.
    """
    fmt = detect_format(text, path)
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
    if not documents:
        return Validation(format=fmt, schema_checked_by=None, skipped=None)

    command = cloud_init_command()
    deprecations: list[str] = []
    if command is not None:
        if shape is not None and (command, shape) in _SHAPES:
            return _SHAPES[command, shape]
        remembered = _remembered(command, text)
        if remembered is not None and remembered.format == fmt:
            if shape is not None:
                _SHAPES[command, shape] = remembered
            return remembered
        version = _tool_version(command, path)
        for document, where in documents:
            deprecations += _run_schema(command, version, document, where)
            _parse_cloud_config(document, where)
        validation = Validation(
            format=fmt,
            schema_checked_by=version,
            skipped=None,
            deprecations=tuple(deprecations),
        )
        if shape is not None:
            _SHAPES[command, shape] = validation
        _remember(command, text, validation)
        return validation
    for document, where in documents:
        _check_structure(_parse_cloud_config(document, where), where)
    reason = (
        f"{path}: full cloud-config schema validation skipped: the cloud-init command is not "
        "installed (apt-get install cloud-init); only YAML and the common modules' types "
        "were checked"
    )
    (log or logger.warning)(reason)
    return Validation(format=fmt, schema_checked_by=None, skipped=reason)


def _parse_cloud_config(text: str, path: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigurationError(path, f"the cloud-config is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ConfigurationError(
            path,
            f"the cloud-config must be a YAML mapping of module keys, got "
            f"{'nothing' if data is None else type(data).__name__}",
        )
    return data


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
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigurationError(
            path, f"the cloud-config-archive is not valid YAML: {error}"
        ) from error
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


# --- The real cloud-init ------------------------------------------------------------------

_TIMEOUT_SECONDS = 120
_VERSIONS: dict[str, str] = {}
_RESULTS: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {}
# (command, shape) -> the verdict of an accepted document of that shape.
_SHAPES: dict[tuple[str, str], Validation] = {}
_DOCUMENT = "cloud-config.yaml"
_DEPRECATIONS = "Cloud config schema deprecations:"
_ANNOTATION = re.compile(r"\t\t# E\d+")


def _verdict_file(command: str, text: str) -> Path | None:
    """Where an accepted document's verdict is kept, for this installation of the tool."""
    from .packaging import cache_dir

    try:
        real = os.path.realpath(command)
        info = os.stat(real)
    except OSError:
        return None
    identity = f"{real}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0"
    digest = hashlib.sha256(identity.encode() + text.encode("utf-8", "surrogatepass"))
    return cache_dir() / "cloud-init" / f"{digest.hexdigest()}.json"


def _remembered(command: str, text: str) -> Validation | None:
    where = _verdict_file(command, text)
    if where is None:
        return None
    try:
        data = json.loads(where.read_bytes())
        return Validation(
            format=data["format"],
            schema_checked_by=str(data["schema_checked_by"]),
            skipped=None,
            deprecations=tuple(str(d) for d in data["deprecations"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _remember(command: str, text: str, validation: Validation) -> None:
    where = _verdict_file(command, text)
    if where is None:
        return
    record = {
        "format": validation.format,
        "schema_checked_by": validation.schema_checked_by,
        "deprecations": list(validation.deprecations),
    }
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=where.parent, suffix=".part")
        with os.fdopen(handle, "w") as out:
            json.dump(record, out)
        os.replace(temporary, where)
    except OSError:
        return  # a cache that cannot be written only costs the next run the check


def _tool_environment() -> dict[str, str]:
    # cloud-init is a system Python program: keep this process's virtualenv out of its way.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    environment.pop("VIRTUAL_ENV", None)
    environment["LC_ALL"] = "C.UTF-8"
    return environment


def _run(
    command: Sequence[str], *, path: str, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(command),
            cwd=cwd,
            env=_tool_environment(),
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ConfigurationError(
            path, f"{' '.join(command)} did not finish in {_TIMEOUT_SECONDS} s"
        ) from error
    except OSError as error:
        raise ConfigurationError(
            path, f"cannot run {command[0]}: {error.strerror or error}"
        ) from error


def _tool_version(command: str, path: str) -> str:
    if command not in _VERSIONS:
        # "/usr/bin/cloud-init 22.4.2"
        output = _run([command, "--version"], path=path)
        words = (output.stdout or output.stderr).split()
        _VERSIONS[command] = f"cloud-init {words[-1]}" if words else "cloud-init"
    return _VERSIONS[command]


def _run_schema(command: str, version: str, text: str, path: str) -> list[str]:
    """Run ``cloud-init schema`` on ``text``; raise with its messages, return deprecations.

    Debian bookworm's cloud-init 22.4.2 reports a schema error with exit code 1 and
    ``Error:\\nCloud config schema errors: <key>: <message>, ...`` on stderr. With
    ``--annotate`` it prints the document with ``# E1`` marks on the offending lines and an
    ``# Errors:`` footer, but exits 0 even then, and crashes on errors it cannot place
    (``write_files.0.permissions``). So the plain run decides and gives the message, and the
    annotated run, when the plain one failed, adds the offending lines. Newer releases exit 1
    in both modes; the same reading works for them.
    """
    key = (command, hashlib.sha256(text.encode()).hexdigest())
    if key not in _RESULTS:
        _RESULTS[key] = _schema_result(command, text, path)
    failure, deprecations = _RESULTS[key]
    if failure is not None:
        raise ConfigurationError(path, f"{version} schema rejected it:\n{failure}")
    return list(deprecations)


def _schema_result(command: str, text: str, path: str) -> tuple[str | None, tuple[str, ...]]:
    with tempfile.TemporaryDirectory(prefix="cloud-init-schema-") as workdir:
        # Run inside the temporary folder on a relative name, so messages name the document
        # ("File cloud-config.yaml is not valid yaml") and not a temporary path.
        Path(workdir, _DOCUMENT).write_text(text, encoding="utf-8")
        plain = _run([command, "schema", "-c", _DOCUMENT], path=path, cwd=workdir)
        deprecations = tuple(
            line[len(_DEPRECATIONS) :].strip()
            for line in plain.stdout.splitlines()
            if line.startswith(_DEPRECATIONS) and line[len(_DEPRECATIONS) :].strip()
        )
        if plain.returncode == 0:
            return None, deprecations
        annotated = _run([command, "schema", "-c", _DOCUMENT, "--annotate"], path=path, cwd=workdir)
    messages = [
        line
        for line in (plain.stderr + "\n" + plain.stdout).splitlines()
        if line.strip()
        and line.strip() != "Error:"
        and not line.startswith(_DEPRECATIONS)
        and not line.startswith("Traceback")
    ]
    lines = [
        f"  line {number}: {line.replace(chr(9) * 2, '  ')}"
        for number, line in enumerate(annotated.stdout.splitlines(), start=1)
        if _ANNOTATION.search(line)
    ]
    footer = _annotation_footer(annotated.stdout)
    if footer:
        # The annotated document says where: the offending lines and what is wrong with each.
        return "\n".join(lines + footer), deprecations
    return "\n".join(messages) or f"exit code {plain.returncode}", deprecations


def _annotation_footer(output: str) -> list[str]:
    footer: list[str] = []
    inside = False
    for line in output.splitlines():
        if line.startswith("# Errors:"):
            inside = True
            continue
        if line.startswith("# Deprecations:"):
            inside = False
        if inside and line.strip():
            footer.append(f"  {line}")
    return footer


# --- Structural checks (when cloud-init is not installed) ----------------------------------

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
# Top-level keys of the common modules and their types in cloud-init's schema
# (schema-cloud-config-v1.json).
_MODULE_TYPES: dict[str, tuple[str, ...]] = {
    "packages": ("array",),
    "package_update": ("boolean",),
    "package_upgrade": ("boolean",),
    "package_reboot_if_required": ("boolean",),
    "runcmd": ("array",),
    "bootcmd": ("array",),
    "write_files": ("array",),
    "users": ("string", "array", "object"),
    "groups": ("string", "array", "object"),
    "ssh_authorized_keys": ("array",),
    "ssh_pwauth": ("boolean", "string"),
    "disable_root": ("boolean",),
    "hostname": ("string",),
    "fqdn": ("string",),
    "preserve_hostname": ("boolean",),
    "prefer_fqdn_over_hostname": ("boolean",),
    "timezone": ("string",),
    "locale": ("string",),
    "final_message": ("string",),
    "ntp": ("object", "null"),
    "apt": ("object",),
    "snap": ("object",),
    "chpasswd": ("object",),
    "mounts": ("array",),
    "swap": ("object",),
    "growpart": ("object",),
    "power_state": ("object",),
}
_WRITE_FILE_TYPES: dict[str, str] = {
    "path": "string",
    "content": "string",
    "owner": "string",
    "permissions": "string",
    "encoding": "string",
    "append": "boolean",
    "defer": "boolean",
}
_WRITE_FILE_ENCODINGS = (
    "gz",
    "gzip",
    "gz+base64",
    "gzip+base64",
    "gz+b64",
    "gzip+b64",
    "b64",
    "base64",
    "text/plain",
)


def _is(value: Any, kinds: Sequence[str]) -> bool:
    if isinstance(value, bool):
        return "boolean" in kinds
    return any(isinstance(value, _JSON_TYPES[kind]) for kind in kinds)


def _type_error(path: str, where: str, value: Any, kinds: Sequence[str]) -> ConfigurationError:
    # Worded as cloud-init words it, so both checks read alike.
    expected = ", ".join(repr(kind) for kind in kinds)
    return ConfigurationError(path, f"{where}: {value!r} is not of type {expected}")


def _check_structure(config: dict[str, Any], path: str) -> None:
    for key, kinds in _MODULE_TYPES.items():
        if key in config and not _is(config[key], kinds):
            raise _type_error(path, key, config[key], kinds)
    for key in ("packages", "runcmd", "bootcmd", "ssh_authorized_keys", "write_files"):
        if isinstance(config.get(key), list) and not config[key]:
            raise ConfigurationError(path, f"{key}: [] is too short (cloud-init wants one item)")
    for index, item in enumerate(config.get("packages") or ()):
        pinned = isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item)
        if not isinstance(item, str) and not pinned:
            raise ConfigurationError(
                path,
                f"packages.{index}: {item!r} is neither a package name nor [name, version]",
            )
    for key in ("runcmd", "bootcmd"):
        for index, item in enumerate(config.get(key) or ()):
            argv = isinstance(item, list) and all(isinstance(v, str) for v in item)
            if not isinstance(item, str) and not argv and not (key == "runcmd" and item is None):
                raise ConfigurationError(
                    path, f"{key}.{index}: {item!r} is neither a shell string nor a list of strings"
                )
    for index, item in enumerate(config.get("ssh_authorized_keys") or ()):
        if not isinstance(item, str):
            raise _type_error(path, f"ssh_authorized_keys.{index}", item, ("string",))
    for index, item in enumerate(config.get("write_files") or ()):
        _check_write_file(item, f"write_files.{index}", path)


def _check_write_file(item: Any, where: str, path: str) -> None:
    if not isinstance(item, dict):
        raise _type_error(path, where, item, ("object",))
    if "path" not in item:
        raise ConfigurationError(path, f"{where}: 'path' is a required property")
    for key, value in item.items():
        kind = _WRITE_FILE_TYPES.get(key)
        if kind is None:
            raise ConfigurationError(
                path, f"{where}: additional property {key!r} is not allowed in write_files"
            )
        if not _is(value, (kind,)):
            raise _type_error(path, f"{where}.{key}", value, (kind,))
    if "encoding" in item and item["encoding"] not in _WRITE_FILE_ENCODINGS:
        raise ConfigurationError(
            path,
            f"{where}.encoding: {item['encoding']!r} is not one of "
            f"{', '.join(_WRITE_FILE_ENCODINGS)}",
        )


# --- Encoding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomData:
    """customData ready for the scale set.

    ``user_data`` is the text cloud-init runs; ``data`` the bytes customData decodes to (gzip
    when ``compressed``); ``custom_data`` their base64; ``sha256`` the hex digest of ``data``,
    which changes exactly when what Azure stores changes.
    """

    user_data: str
    data: bytes
    compressed: bool
    custom_data: str
    sha256: str

    @property
    def size(self) -> int:
        """Bytes of customData once decoded: what Azure's 65,535-byte limit counts."""
        return len(self.data)


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a zero timestamp and no file name: the same input, the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def encode_custom_data(
    text: str, compress: Compress = "auto", *, path: str = "cloud_config"
) -> CustomData:
    """Encode user data for customData; gzip per ``compress``; refuse it over the limit.

    ``"auto"`` gzips only when the plain text would not fit (cloud-init recognises gzip and
    unpacks it), ``"always"`` and ``"never"`` force the choice. The error for a document that
    does not fit says by how many bytes.
    """
    if compress not in COMPRESS_MODES:
        raise ConfigurationError(
            "compress", f"{compress!r} is not one of 'auto', 'always', 'never'"
        )
    raw = text.encode("utf-8")
    if compress == "never" or (compress == "auto" and len(raw) <= CUSTOM_DATA_LIMIT):
        data, compressed = raw, False
    else:
        data, compressed = gzip_bytes(raw), True
    if len(data) > CUSTOM_DATA_LIMIT:
        over = len(data) - CUSTOM_DATA_LIMIT
        if compressed:
            detail = f"gzipped it is {len(data):,} bytes ({len(raw):,} before gzip)"
        else:
            detail = f"it is {len(data):,} bytes"
            if compress == "never":
                detail += f" (gzip would make it {len(gzip_bytes(raw)):,}: use compress='auto')"
        raise ConfigurationError(
            path,
            f"customData is limited to {CUSTOM_DATA_LIMIT:,} bytes once decoded; {detail}, "
            f"{over:,} byte{'' if over == 1 else 's'} over the limit",
        )
    return CustomData(
        user_data=text,
        data=data,
        compressed=compressed,
        custom_data=base64.b64encode(data).decode("ascii"),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def decode_custom_data(custom_data: str) -> str:
    """The user-data text of a customData value: base64-decoded, gunzipped if gzip."""
    try:
        data = base64.b64decode(custom_data, validate=True)
    except binascii.Error as error:
        raise ValueError(f"customData is not base64: {error}") from error
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8")


# --- Putting it together ------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUserData:
    """A user-data template that passed every check with realistic artifact values.

    ``template`` still holds its placeholders; ``planned`` is the customData it encodes to
    with the stand-ins, so its size is the one to expect.
    """

    template: str
    format: UserDataFormat
    placeholders: tuple[Placeholder, ...]
    validation: Validation
    planned: CustomData

    @property
    def keys(self) -> frozenset[str]:
        """The artifact keys the template refers to."""
        return frozenset(p.key for p in self.placeholders)


def _shape(template: str, values: Mapping[str, ArtifactValues]) -> str | None:
    """A digest equal for documents that differ only in their stand-in URLs."""
    if not values:
        return None
    urls = {
        key: ArtifactValues(url=f"https://stand-in.invalid/{key}", sha256=v.sha256)
        for key, v in values.items()
    }
    try:
        canonical = resolve_placeholders(template, urls)
    except ConfigurationError:
        return None
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def check_user_data(
    source: Mapping[str, Any] | str | Path,
    *,
    stand_ins: Mapping[str, ArtifactValues] | None = None,
    compress: Compress = "auto",
    path: str = "cloud_config",
    log: Callable[[str], None] | None = None,
) -> CheckedUserData:
    """Read, detect, check the placeholders, validate and size-check user data.

    ``stand_ins`` gives each artifact key realistic values (see :func:`stand_in_url`); a
    placeholder naming any other key is an error. Validation and the size check run on the
    text with the stand-ins in place, so both see what the instances will get.
    """
    values = dict(stand_ins or {})
    for key, value in values.items():
        if not _SHA256.fullmatch(value.sha256):
            raise ConfigurationError(f"artifacts.{key}", "sha256 must be 64 lower-case hex")
    template = read_user_data(source, path)
    fmt = detect_format(template, path)
    placeholders = find_placeholders(template, values.keys(), path)
    resolved = resolve_placeholders(template, values, path)
    validation = validate_user_data(resolved, path=path, log=log, shape=_shape(template, values))
    planned = encode_custom_data(resolved, compress, path=path)
    return CheckedUserData(
        template=template,
        format=fmt,
        placeholders=placeholders,
        validation=validation,
        planned=planned,
    )
