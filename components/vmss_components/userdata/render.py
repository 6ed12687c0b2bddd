"""The user-data text: a mapping rendered to ``#cloud-config`` YAML, a ``str``, or a file.

:func:`render_cloud_config` writes a mapping as block YAML under the ``#cloud-config``
header, deterministically, in the order given; :func:`read_user_data` turns whatever a user
passes (mapping, text or ``Path``) into the text cloud-init will read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .._files import check_encodable, read_utf8_file
from .._redact import show
from ..errors import ConfigurationError
from ._yaml import MAX_YAML_DEPTH
from .formats import CLOUD_CONFIG_HEADER

#: The largest user-data file read (bytes). customData holds at most 64 KiB once gzipped and
#: base64-encoded; text that large would not fit even at gzip's best ratio.
USER_DATA_FILE_LIMIT = 4 * 1024 * 1024


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


def _plain(value: Any, path: str, depth: int = 0) -> Any:
    # The YAML it renders to is read back to the same depth: deeper is refused, as a
    # RecursionError would otherwise escape here (a mapping 5000 levels deep).
    if depth > MAX_YAML_DEPTH:
        raise ConfigurationError(
            path,
            f"lists and mappings nest deeper than {MAX_YAML_DEPTH} levels: no cloud-config "
            "needs that, and the YAML could not be read back",
        )
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigurationError(path, f"keys must be strings, got {show(key)}")
            check_encodable(key, path, "a key")
            result[key] = _plain(item, f"{path}.{key}", depth + 1)
        return result
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, str):
        # YAML would write a lone surrogate as "\uD800", and cloud-init fail to write it out.
        return check_encodable(value, path, "the value")
    if value is None or isinstance(value, bool | int | float):
        return value
    raise ConfigurationError(
        path,
        f"{type(value).__name__} is not plain YAML data (strings, numbers, booleans, lists, "
        "mappings); an artifact is referenced as ${artifact:KEY}, not passed as a value",
    )


def read_user_data(source: Mapping[str, Any] | str | Path, path: str = "cloud_config") -> str:
    """The user data text: a mapping rendered, a ``str`` as is, a ``Path`` read (UTF-8).

    A file is read only if it is a regular file of at most :data:`USER_DATA_FILE_LIMIT` bytes
    (a FIFO or device is refused without reading), decoded as UTF-8 whatever the locale. Text
    holding a lone surrogate is refused: it cannot be encoded for customData.
    """
    if isinstance(source, Mapping):
        if not source:
            raise ConfigurationError(path, "the cloud-config mapping is empty")
        return check_encodable(render_cloud_config(source, path), path, "the cloud-config")
    if isinstance(source, Path):
        text = read_utf8_file(source, path, limit=USER_DATA_FILE_LIMIT)
        if not text.strip():
            raise ConfigurationError(path, f"{source} is empty")
        return text
    if isinstance(source, str):
        if not source.strip():
            raise ConfigurationError(path, "the user data is empty")
        return check_encodable(source, path, "the user data")
    raise ConfigurationError(
        path,
        f"expected a mapping (rendered as #cloud-config), a str (the content) or a Path "
        f"(a file), got {type(source).__name__}",
    )
