"""YAML as cloud-init's loader reads it, with a limit on nesting. Pure.

cloud-init parses user data with PyYAML's safe loader plus one tag, ``!!python/unicode``
(read as a plain string, for documents written by Python 2 tools); ``!!binary`` gives bytes,
as in any safe loader. :func:`load_yaml` reads the same documents the same way, after
checking their nesting from the event stream (which PyYAML parses without recursion), so a
document of 100,000 ``[`` is an error instead of a ``RecursionError``. Errors name the line
and column, never the text around them (a cloud-config may hold passwords).
"""

from __future__ import annotations

from typing import Any

import yaml

from .._rules import declare_rule
from ..errors import ConfigurationError

declare_rule(
    "cloud-init-yaml-loader",
    "cloud-config YAML is read with cloud-init's loader (the safe tags plus !!python/unicode; "
    "!!binary gives bytes) and nests at most 64 levels; errors name the line, not the text.",
    where="vmss_components.userdata._yaml.load_yaml",
    paths=("cloud_config",),
)

#: The deepest nesting of lists and mappings a user-data document may have.
MAX_YAML_DEPTH = 64


class CloudInitLoader(yaml.SafeLoader):
    """The safe loader with the tags cloud-init's own loader adds."""


def _python_unicode(loader: CloudInitLoader, node: yaml.Node) -> str:
    """``!!python/unicode 'text'``: the text, as a plain string."""
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            None, None, "!!python/unicode takes a scalar", node.start_mark
        )
    return str(loader.construct_scalar(node))


CloudInitLoader.add_constructor("tag:yaml.org,2002:python/unicode", _python_unicode)


def load_yaml(text: str, path: str, what: str = "the cloud-config") -> Any:
    """``text`` parsed as cloud-init parses it; ConfigurationError at ``path`` otherwise."""
    try:
        depth = 0
        for event in yaml.parse(text, Loader=CloudInitLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise ConfigurationError(
                        path,
                        f"{what} nests lists and mappings deeper than {MAX_YAML_DEPTH} levels "
                        f"(at line {line}): cloud-init could not read it",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=CloudInitLoader)
    except ConfigurationError:
        raise
    except yaml.YAMLError as error:
        raise ConfigurationError(path, f"{what} is not valid YAML: {_describe(error)}") from None
    except (RecursionError, ValueError, OverflowError, TypeError) as error:
        # Deep aliases or odd scalars: whatever PyYAML raises is an error naming the argument.
        raise ConfigurationError(
            path, f"{what} cannot be read as YAML ({type(error).__name__})"
        ) from None


def _describe(error: yaml.YAMLError) -> str:
    """The parser's reason and position, without the snippet of text PyYAML adds."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "unreadable"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return f"{reason}{where}"
    return type(error).__name__
