"""cloud-init user data for customData: render, detect, resolve, validate, encode. Pure.

A scale set hands its ``customData`` to cloud-init on each instance's first boot. A mistake
in it shows up only then, on every instance, so this package finds it before deploy. It
imports nothing from Pulumi.

- :mod:`.render`: a mapping rendered to ``#cloud-config`` YAML; :func:`read_user_data`
  takes a mapping, a ``str`` (the content) or a ``Path`` (a file).
- :mod:`.formats`: :func:`detect_format` names the format by its first line as cloud-init
  does; anything cloud-init would not act on is refused.
- :mod:`.placeholders`: ``${artifact:KEY}`` and ``${artifact:KEY.sha256}`` become a
  published artifact's URL with its SAS token and its SHA256 digest.
- :mod:`.schema`: :func:`validate_user_data` parses the YAML and runs ``cloud-init schema``
  when the command is installed, or structural checks of the common modules without it.
- :mod:`.encode`: :func:`encode_custom_data` base64-encodes, gzips when asked or needed, and
  enforces Azure's 65,535-byte limit on the decoded value.
- :mod:`.check`: :func:`check_user_data`, all of the above in the order a component needs.
"""

from .check import CheckedUserData, check_user_data
from .encode import (
    COMPRESS_MODES,
    CUSTOM_DATA_LIMIT,
    Compress,
    CustomData,
    decode_custom_data,
    encode_custom_data,
    keyed_digest,
)
from .formats import UserDataFormat, detect_format
from .placeholders import (
    ArtifactValues,
    Placeholder,
    find_placeholders,
    resolve_placeholders,
    stand_in_url,
)
from .render import read_user_data, render_cloud_config
from .schema import Validation, cloud_init_command, validate_user_data

__all__ = [
    "COMPRESS_MODES",
    "CUSTOM_DATA_LIMIT",
    "ArtifactValues",
    "CheckedUserData",
    "Compress",
    "CustomData",
    "Placeholder",
    "UserDataFormat",
    "Validation",
    "check_user_data",
    "cloud_init_command",
    "decode_custom_data",
    "detect_format",
    "encode_custom_data",
    "find_placeholders",
    "keyed_digest",
    "read_user_data",
    "render_cloud_config",
    "resolve_placeholders",
    "stand_in_url",
    "validate_user_data",
]
