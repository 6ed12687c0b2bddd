"""Identity downloads for cloud-init: the helper, its manifest and the multipart they ride in.

With ``CloudInitScaleSet(download="managed_identity")`` the instances fetch artifacts with a
user-assigned identity instead of SAS URLs. The customData becomes a MIME multipart archive:
the user's data first, unchanged, then the component's ``#cloud-config`` part, which writes

- ``/usr/local/sbin/vmss-fetch-blob``, the helper (:mod:`.fetch_blob`, gzip+base64), and
- ``/etc/vmss-fetch-blob.json``, the manifest: each artifact's token-free URL and SHA256, and
  the identity's client id.

cloud-init merges the cloud-config parts in order, and by default a later part's list
*replaces* an earlier one's: the component's part comes last and says ``merge_how`` list
``append``, dict ``no_replace`` and ``recurse_list``, so the user's ``write_files`` and
``runcmd`` stay and the user's keys win. ``write_files`` runs in the init stage, before any
``runcmd`` or user script (final stage), so the helper is there when they call it. Pure.
"""

from __future__ import annotations

import base64
import email
import email.mime.multipart
import email.mime.text
import gzip
import hashlib
import json
from collections.abc import Mapping
from importlib import resources

import yaml

from .formats import UserDataFormat
from .placeholders import ArtifactValues, stand_in_url

#: Where the helper and its manifest are written on each instance.
HELPER_PATH = "/usr/local/sbin/vmss-fetch-blob"
MANIFEST_PATH = "/etc/vmss-fetch-blob.json"
#: How cloud-init merges the component's part into the user's (it comes last).
MERGE_HOW: tuple[dict[str, object], ...] = (
    {"name": "list", "settings": ["append"]},
    {"name": "dict", "settings": ["no_replace", "recurse_list"]},
)
#: A client id's length (a GUID), for the part rendered before the identity exists.
STAND_IN_CLIENT_ID = "00000000-0000-0000-0000-000000000000"

# The MIME type cloud-init gives each format (cloudinit.handlers: INCLUSION_TYPES_MAP).
_CONTENT_TYPES: dict[UserDataFormat, str] = {
    "cloud-config": "cloud-config",
    "cloud-config-archive": "cloud-config-archive",
    "script": "x-shellscript",
    "boothook": "cloud-boothook",
    "include": "x-include-url",
    "include-once": "x-include-once-url",
    "jinja": "jinja2",
    "part-handler": "part-handler",
}
# The helper's text: shipped in the package, read here, never imported.
_HELPER_MODULE = "fetch_blob.py"


def helper_script() -> bytes:
    """The ``vmss-fetch-blob`` helper as the instances get it."""
    return resources.files(__package__).joinpath(_HELPER_MODULE).read_bytes()


def manifest(client_id: str, artifacts: Mapping[str, ArtifactValues]) -> str:
    """The helper's manifest: each artifact's token-free URL and digest, and the identity."""
    return json.dumps(
        {
            "client_id": client_id,
            "artifacts": {
                key: {"url": value.url, "sha256": value.sha256}
                for key, value in sorted(artifacts.items())
            },
        },
        sort_keys=True,
    )


def identity_part(client_id: str, artifacts: Mapping[str, ArtifactValues]) -> str:
    """The component's ``#cloud-config`` part: the helper and its manifest, merged last."""
    helper = base64.b64encode(gzip.compress(helper_script(), 9, mtime=0)).decode("ascii")
    document = {
        "merge_how": [dict(item) for item in MERGE_HOW],
        "write_files": [
            {
                "path": HELPER_PATH,
                "owner": "root:root",
                "permissions": "0755",
                "encoding": "gz+b64",
                "content": helper,
            },
            {
                "path": MANIFEST_PATH,
                "owner": "root:root",
                "permissions": "0644",
                "content": manifest(client_id, artifacts) + "\n",
            },
        ],
    }
    return "#cloud-config\n" + yaml.safe_dump(document, sort_keys=False, width=10_000)


def with_identity_part(user_data: str, fmt: UserDataFormat, part: str) -> str:
    """A MIME multipart archive: the user's data (unchanged), then ``part``.

    A user's MIME archive is nested whole as the first part (cloud-init walks nested
    multiparts); any other format becomes a part of the MIME type cloud-init gives it.
    """
    # A boundary from the content: the same input, the same customData (no needless rollout),
    # and never a line of either part.
    digest = hashlib.sha256(f"{user_data}\0{part}".encode("utf-8", "surrogatepass")).hexdigest()
    archive = email.mime.multipart.MIMEMultipart(boundary=f"==vmss-user-data-{digest[:32]}==")
    if fmt == "mime-multipart":
        archive.attach(email.message_from_string(user_data))
    else:
        archive.attach(_text_part(user_data, _CONTENT_TYPES[fmt], "user-data"))
    archive.attach(_text_part(part, "cloud-config", "vmss-fetch-blob.cfg"))
    return archive.as_string()


def _text_part(text: str, subtype: str, filename: str) -> email.mime.text.MIMEText:
    # ASCII stays readable (7bit); other text travels as UTF-8 in base64, which cloud-init
    # decodes.
    part = email.mime.text.MIMEText(text, subtype, "us-ascii" if text.isascii() else "utf-8")
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def stand_in_plain_url(blob_name: str) -> str:
    """A realistic stand-in for an artifact's token-free URL (identity download)."""
    return stand_in_url(blob_name, sas_expiry="2000-01-01T00:00:00Z").split("?", 1)[0]
