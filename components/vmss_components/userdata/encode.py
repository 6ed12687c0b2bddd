"""customData: user data base64-encoded, gzipped when asked or needed, within Azure's limit.

Azure limits customData to 65,535 bytes once base64-decoded; cloud-init recognises gzip and
unpacks it, so a document too big as plain text may still fit gzipped.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from .._redact import redacts, show
from ..errors import ConfigurationError

#: Azure's limit on customData once base64-decoded (87,380 base64 characters).
CUSTOM_DATA_LIMIT = 65_535

Compress = Literal["auto", "always", "never"]
COMPRESS_MODES: tuple[Compress, ...] = ("auto", "always", "never")


@redacts("user_data", "data", "custom_data", "sha256")
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
            "compress", f"{show(compress)} is not one of 'auto', 'always', 'never'"
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


def keyed_digest(key: str, data: bytes) -> str:
    """HMAC-SHA256 hex of ``data`` keyed by ``key``: a fingerprint of content that may hold a
    secret, which nobody without the key can test guesses against."""
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()
