"""Uploads with an Entra ID token, for a store whose account refuses shared keys.

azure-native's ``storage.Blob`` signs every upload with the account key (its provider calls
``ListKeys``; pulumi-azure-native issues #2015 and #2948, the token-based upload reverted in
#3719), so an account with ``allowSharedKeyAccess: false`` refuses it with
``KeyBasedAuthenticationNotPermitted``. :class:`EntraBlob` is a Pulumi dynamic resource that
uploads with a bearer token instead (Put Blob, ``x-ms-version: 2021-08-06``).

- The token is the deploying identity's, for ``https://storage.azure.com/``: from
  ``azure-identity``'s ``DefaultAzureCredential`` when it is installed, otherwise from
  ``az account get-access-token``. The identity needs Storage Blob Data Contributor on the
  container. No token is ever an input, an output or a log line.
- Blob names are content-addressed: the PUT says ``If-None-Match: *``, and a 409 for a blob
  whose ``Content-MD5`` matches is success (the same content is already there).
- 403 ``AuthorizationPermissionMismatch`` is retried for up to 10 minutes: a role granted in
  the same run takes that long to apply.
- A change of account, container, blob name or digest replaces the resource (a new blob); the
  old blob stays, as ``retain_on_delete`` keeps a ``storage.Blob``: instances on an older
  model still download it.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic as dynamic

STORAGE_SCOPE = "https://storage.azure.com/.default"
X_MS_VERSION = "2021-08-06"
#: How long a 403 (a role assignment not yet in force) is retried.
ROLE_PROPAGATION_SECONDS = 600.0
# Inputs whose change means another blob: the resource is replaced.
_REPLACE_ON = ("account_name", "container_name", "blob_name", "blob_endpoint", "sha256")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class UploadError(Exception):
    """An upload Azure refused for good (the message says why, without the token)."""


def storage_token() -> str:
    """The deploying identity's token for Azure Storage: azure-identity, else the az CLI."""
    try:
        from azure.identity import DefaultAzureCredential  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        return str(DefaultAzureCredential().get_token(STORAGE_SCOPE).token)
    az = shutil.which("az")
    if az is None:
        raise UploadError(
            "no Entra ID credential for the upload: install azure-identity, or the Azure CLI "
            "(az login), in the environment that runs pulumi"
        )
    done = subprocess.run(
        [az, "account", "get-access-token", "--resource", "https://storage.azure.com/",
         "--query", "accessToken", "--output", "tsv"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not done.stdout.strip():
        raise UploadError(f"az account get-access-token failed: {done.stderr.strip()[:300]}")
    return done.stdout.strip()


def blob_url(endpoint: str, container: str, blob_name: str) -> str:
    """The blob's URL (HTTPS; plain HTTP only to the loopback address, for tests)."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise UploadError(f"{endpoint!r} is not an https endpoint: a token never goes in clear")
    quoted = urllib.parse.quote(blob_name, safe="/")
    return f"{endpoint.rstrip('/')}/{container}/{quoted}"


def _request(
    url: str, method: str, token: str, data: bytes | None = None, **headers: str
) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=data, method=method)
    request.add_unredirected_header("Authorization", f"Bearer {token}")
    request.add_header("x-ms-version", X_MS_VERSION)
    request.add_header("x-ms-date", formatdate(usegmt=True))
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def put_blob(
    props: dict[str, Any],
    token: Callable[[], str],
    *,
    patience: float = ROLE_PROPAGATION_SECONDS,
    pause: float = 10.0,
) -> str:
    """Upload the file at ``props["path"]``; return the blob's URL.

    ``props`` holds ``blob_endpoint``, ``container_name``, ``blob_name``, ``path``,
    ``content_md5`` (base64), ``content_type`` and ``sha256``.
    """
    url = blob_url(props["blob_endpoint"], props["container_name"], props["blob_name"])
    data = Path(props["path"]).read_bytes()
    md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
    if md5 != props["content_md5"]:
        raise UploadError(f"{props['path']} changed since it was packaged (MD5 differs)")
    deadline = time.monotonic() + patience
    while True:
        bearer = token()
        status, headers = _request(
            url,
            "PUT",
            bearer,
            data,
            x_ms_blob_type="BlockBlob",
            x_ms_blob_content_type=props["content_type"],
            x_ms_meta_sha256=props["sha256"],
            Content_MD5=md5,
            If_None_Match="*",
        )
        if status in (200, 201):
            return url
        code = headers.get("x-ms-error-code", "")
        if status == 409:
            # Content-addressed name: the blob is there already; the same bytes are success.
            found, existing = _request(url, "HEAD", bearer)
            if found == 200 and existing.get("content-md5") == md5:
                return url
            raise UploadError(f"{url} exists with other content (HTTP 409 {code})")
        if status == 403 and time.monotonic() + pause < deadline:
            # The deploying identity's role may not be in force yet (up to 10 minutes).
            time.sleep(pause)
            continue
        raise UploadError(f"PUT {url}: HTTP {status} {code}".strip())


def blob_exists(props: dict[str, Any], token: Callable[[], str]) -> bool:
    """Whether the blob is there (HEAD), for ``pulumi refresh``."""
    url = blob_url(props["blob_endpoint"], props["container_name"], props["blob_name"])
    status, _ = _request(url, "HEAD", token())
    if status == 404:
        return False
    if status != 200:
        raise UploadError(f"HEAD {url}: HTTP {status}")
    return True


class EntraBlobProvider(dynamic.ResourceProvider):
    """Create uploads, read checks the blob is there, delete keeps it (see the module)."""

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        url = put_blob(props, storage_token)
        return dynamic.CreateResult(id_=url, outs={**props, "url": url})

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> dynamic.DiffResult:
        replaces = [key for key in _REPLACE_ON if _olds.get(key) != _news.get(key)]
        changes = bool(replaces) or any(
            _olds.get(key) != _news.get(key) for key in ("path", "content_type", "content_md5")
        )
        return dynamic.DiffResult(changes=changes, replaces=replaces, delete_before_replace=False)

    def update(
        self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]
    ) -> dynamic.UpdateResult:
        # Same blob name and digest: the same content is there; only local facts moved.
        return dynamic.UpdateResult(outs={**_news, "url": _olds.get("url")})

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        if not blob_exists(props, storage_token):
            return dynamic.ReadResult(None, {})
        return dynamic.ReadResult(id_, props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Superseded content stays: instances on an older model still download it.
        return None


class EntraBlob(dynamic.Resource):
    """A block blob uploaded with the deploying identity's Entra ID token."""

    url: pulumi.Output[str]
    """The blob's URL, without a token."""

    def __init__(
        self,
        name: str,
        *,
        account_name: pulumi.Input[str],
        container_name: pulumi.Input[str],
        blob_endpoint: pulumi.Input[str],
        blob_name: str,
        path: str,
        content_md5: str,
        content_type: str,
        sha256: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "account_name": account_name,
            "container_name": container_name,
            "blob_endpoint": blob_endpoint,
            "blob_name": blob_name,
            "path": path,
            "content_md5": content_md5,
            "content_type": content_type,
            "sha256": sha256,
            "url": None,
        }
        super().__init__(EntraBlobProvider(), name, props, opts)
