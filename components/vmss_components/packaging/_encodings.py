"""Bytes to text the way Windows reads scripts and OMI reads MOFs. Pure.

Windows PowerShell 5.1 (what the DSC extension runs) opens a script with a .NET
``StreamReader``: a byte-order mark decides the encoding, and without one it reads the ANSI
code page (Windows-1252 on most machines), even when the bytes are valid UTF-8. OMI's MOF
reader also honours a byte-order mark, recognises UTF-16 without one by its zero bytes, and
reads anything else as single bytes. These functions give the same text, never raise anything
but :class:`ConfigurationError`, and never return a lone surrogate (which would fail later
when the text is encoded again).
"""

from __future__ import annotations

from ..errors import ConfigurationError

# Byte-order marks in the order .NET's StreamReader.DetectEncoding tests them: UTF-32 LE
# starts like UTF-16 LE, so it is tested first.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
)


def _windows_1252_table() -> dict[int, str]:
    # .NET's code page 1252 maps the five bytes Windows-1252 leaves undefined (0x81, 0x8D,
    # 0x8F, 0x90, 0x9D) to the C1 controls of the same value; Python's codec refuses them.
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            table[byte] = chr(byte)
    return table


_WINDOWS_1252 = _windows_1252_table()


def windows_1252(data: bytes) -> str:
    """``data`` as .NET reads Windows-1252: every byte is a character, nothing fails."""
    return data.decode("latin-1").translate(_WINDOWS_1252)


def byte_order_mark(data: bytes) -> tuple[str, str, int] | None:
    """The codec, its name and the mark's length, when ``data`` starts with a byte-order mark."""
    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            return codec, label, len(mark)
    return None


def decode_powershell(data: bytes) -> str:
    """A script's text as its author wrote it.

    A byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); without one, UTF-8 when the
    bytes are valid UTF-8, else Windows-1252. Invalid sequences after a mark become U+FFFD, as
    in .NET.
    """
    found = byte_order_mark(data)
    if found is not None:
        codec, _, length = found
        return data[length:].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return windows_1252(data)


def decode_windows_powershell(data: bytes) -> str:
    """A script's text as Windows PowerShell 5.1 reads it: the byte-order mark, else ANSI."""
    found = byte_order_mark(data)
    if found is not None:
        codec, _, length = found
        return data[length:].decode(codec, errors="replace")
    return windows_1252(data)


def decode_mof(data: bytes, *, source: str, path: str) -> str:
    """MOF bytes as text, as OMI's reader takes them.

    ``FE FF`` is UTF-16 BE and ``FF FE`` UTF-16 LE (``FF FE 00 00`` and ``00 00 FE FF``,
    UTF-32, are refused, as OMI refuses them); ``EF BB BF`` is UTF-8. Without a mark, a zero
    second byte means UTF-16 LE and a zero first byte UTF-16 BE; otherwise UTF-8 when the bytes
    are valid UTF-8, else Windows-1252. UTF-16 must decode exactly.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ConfigurationError(
            path,
            f"{source} is UTF-32, which the MOF reader (OMI) does not support: save it as "
            "UTF-8 or UTF-16",
        )
    codec: str | None = None
    body = data
    if data.startswith(b"\xfe\xff"):
        codec, body = "utf-16-be", data[2:]
    elif data.startswith(b"\xff\xfe"):
        codec, body = "utf-16-le", data[2:]
    elif data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
    elif len(data) >= 2 and data[0] == 0 and data[1] == 0:
        raise ConfigurationError(
            path, f"{source} starts with two zero bytes: it is not a MOF in any encoding OMI reads"
        )
    elif len(data) >= 2 and data[1] == 0:
        codec = "utf-16-le"
    elif len(data) >= 2 and data[0] == 0:
        codec = "utf-16-be"
    if codec is not None:
        try:
            return body.decode(codec)
        except UnicodeDecodeError as error:
            raise ConfigurationError(
                path,
                f"{source} is not valid {codec.upper().replace('-', ' ', 1)} at byte "
                f"{error.start}: {error.reason}",
            ) from error
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return windows_1252(body)


def decode_text(data: bytes) -> str:
    """A small text member of a package (a manifest, a metaconfig): BOM, else UTF-8, else
    Windows-1252, never failing."""
    return decode_powershell(data)
