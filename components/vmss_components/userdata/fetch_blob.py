#!/usr/bin/env python3
"""vmss-fetch-blob: download a published artifact with this VM's managed identity.

Installed on each instance as ``/usr/local/sbin/vmss-fetch-blob`` by the cloud-config part a
``CloudInitScaleSet(download="managed_identity")`` appends to its customData (see
:mod:`vmss_components.userdata.identity`); the library reads this file's text, it never
imports it. Python 3.7 or later, standard library only (cloud-init itself runs on Python 3;
a minimal RHEL 8 has only ``/usr/libexec/platform-python``: call the script with it there).

    vmss-fetch-blob KEY DEST [--mode 0600]
    vmss-fetch-blob --url URL --sha256 HEX DEST [--client-id ID | --msi-res-id ID | --object-id ID]

The first form reads the URL, the digest and the identity's client id from the manifest
``/etc/vmss-fetch-blob.json`` (``{"client_id": ..., "artifacts": {KEY: {"url", "sha256"}}}``).

- A token for ``https://storage.azure.com/`` comes from the instance metadata service (IMDS)
  with ``Metadata: true`` and the identity named explicitly (a scale set may carry several),
  never through a proxy. 404, 408, 410, 429, 5xx and connection errors are retried; other 4xx
  are final (learn.microsoft.com/entra/identity/managed-identities-azure-resources/
  how-to-use-vm-token, "Error handling").
- The blob is read with ``Authorization: Bearer`` and ``x-ms-version: 2021-08-06`` (bearer
  tokens need 2017-11-09 or later). 403 is retried until the deadline: a new role assignment
  takes up to 10 minutes to apply, a new network rule or private endpoint some time too.
- The download goes to a temporary file beside DEST while hashed; only a matching SHA256 is
  moved into place (atomically, with ``--mode``). A mismatch leaves nothing.
- Only ``https://`` URLs (``http://`` to the loopback address, for tests) and no query: a bearer
  token never travels in clear text, and a SAS token has no place here. The token is never
  printed.

Exit status: 0 done, 2 usage, 3 digest mismatch, 4 gave up (deadline or a final answer).
``VMSS_FETCH_BLOB_IMDS`` and ``VMSS_FETCH_BLOB_MANIFEST`` override the IMDS address and the
manifest path (tests).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import formatdate
from typing import Any

MANIFEST = os.environ.get("VMSS_FETCH_BLOB_MANIFEST", "/etc/vmss-fetch-blob.json")
IMDS = os.environ.get("VMSS_FETCH_BLOB_IMDS", "http://169.254.169.254")
RESOURCE = "https://storage.azure.com/"
IMDS_API_VERSION = "2018-02-01"
# Bearer tokens need x-ms-version 2017-11-09 or later ("Authentication scheme Bearer is not
# supported in this version" otherwise).
X_MS_VERSION = "2021-08-06"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Renew a token this long before it expires.
TOKEN_MARGIN = 300
EXIT_USAGE, EXIT_DIGEST, EXIT_GAVE_UP = 2, 3, 4
# IMDS is never reached through a proxy ("IMDS isn't intended to be used behind a proxy").
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Retry(Exception):
    """A transient failure: try again after a pause, within the deadline."""


class Final(Exception):
    """A failure that retrying cannot fix."""

    def __init__(self, message: str, status: int = EXIT_GAVE_UP) -> None:
        super().__init__(message)
        self.status = status


def log(message: str) -> None:
    print("vmss-fetch-blob: " + message, file=sys.stderr, flush=True)


def transient(code: int) -> bool:
    """HTTP statuses worth retrying (IMDS updating or throttled, server errors)."""
    return code in (404, 408, 410, 429) or code >= 500


class Token:
    """The identity's storage token from IMDS, kept until shortly before it expires."""

    def __init__(self, identity: dict[str, str]) -> None:
        self.identity = identity
        self.value = ""
        self.expires = 0.0

    def get(self) -> str:
        if self.value and self.expires - TOKEN_MARGIN > time.time():
            return self.value
        query = {"api-version": IMDS_API_VERSION, "resource": RESOURCE}
        query.update(self.identity)
        request = urllib.request.Request(
            IMDS + "/metadata/identity/oauth2/token?" + urllib.parse.urlencode(query),
            headers={"Metadata": "true"},
        )
        try:
            with _DIRECT.open(request, timeout=30) as response:
                body: dict[str, Any] = json.load(response)
        except urllib.error.HTTPError as error:
            if transient(error.code):
                raise Retry(f"IMDS token: HTTP {error.code}") from None
            raise Final(f"IMDS token: HTTP {error.code} {_excerpt(error)}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise Retry(f"IMDS token: {error}") from None
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise Retry("IMDS token: the answer holds no access_token")
        try:
            expires = float(body.get("expires_on") or 0)
        except (TypeError, ValueError):
            expires = 0.0
        self.value = token
        self.expires = expires or time.time() + 600
        return token


def _excerpt(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(300).decode("utf-8", "replace")
    except OSError:
        return ""


def fetch(url: str, sha256: str, dest: str, mode: int, bearer: str) -> None:
    """GET the blob into a temporary file beside ``dest``; move it there if the digest
    matches."""
    request = urllib.request.Request(
        url, headers={"x-ms-version": X_MS_VERSION, "x-ms-date": formatdate(usegmt=True)}
    )
    # Unredirected: the token goes to this host only, never to where a redirect points.
    request.add_unredirected_header("Authorization", "Bearer " + bearer)
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".vmss-fetch-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out:
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    for chunk in iter(lambda: response.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
            except urllib.error.HTTPError as error:
                code = f"HTTP {error.code} {error.headers.get('x-ms-error-code', '')}"
                # 403: the role assignment or the network rule may not be in force yet.
                if transient(error.code) or error.code == 403:
                    raise Retry("GET blob: " + code.strip()) from None
                raise Final("GET blob: " + code.strip()) from None
            except (urllib.error.URLError, OSError) as error:
                raise Retry(f"GET blob: {error}") from None
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != sha256.lower():
            raise Final(f"digest mismatch: got {digest.hexdigest()}", EXIT_DIGEST)
        os.chmod(temp, mode)
        os.replace(temp, dest)
        temp = ""
    finally:
        if temp and os.path.exists(temp):
            os.unlink(temp)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vmss-fetch-blob",
        description="Download a blob with this VM's managed identity and check its SHA256.",
    )
    parser.add_argument("key", nargs="?", help="the artifact's key in the manifest")
    parser.add_argument("dest", help="where to write the file")
    parser.add_argument("--url", help="the blob's https URL (no query)")
    parser.add_argument("--sha256", help="the file's SHA256, hex")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--client-id", help="the user-assigned identity's client id")
    who.add_argument("--msi-res-id", help="the user-assigned identity's resource id")
    who.add_argument("--object-id", help="the user-assigned identity's object id")
    parser.add_argument("--mode", default="0600", help="file mode, octal (default 0600)")
    parser.add_argument("--timeout", type=float, default=1200.0, help="give up after (s)")
    parser.add_argument("--max-pause", type=float, default=60.0, help="longest pause (s)")
    return parser


def arguments(argv: list[str] | None) -> tuple[argparse.Namespace, dict[str, str], str]:
    """The parsed arguments, the identity for IMDS and the URL as logs may show it."""
    parser = _parser()
    # Options may come between KEY and DEST.
    args = parser.parse_intermixed_args(argv)
    chosen = (
        ("client_id", args.client_id),
        ("msi_res_id", args.msi_res_id),
        ("object_id", args.object_id),
    )
    identity = {name: value for name, value in chosen if value}
    if args.key:
        if args.url or args.sha256:
            parser.error("give KEY or --url and --sha256, not both")
        try:
            with open(MANIFEST, encoding="utf-8") as handle:
                manifest = json.load(handle)
            entry = manifest["artifacts"][args.key]
            args.url, args.sha256 = entry["url"], entry["sha256"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            parser.error(f"{args.key} names no artifact in {MANIFEST} ({error})")
        if not identity and manifest.get("client_id"):
            identity = {"client_id": str(manifest["client_id"])}
    if not (args.url and args.sha256):
        parser.error("give KEY, or --url and --sha256")
    url = urllib.parse.urlsplit(args.url)
    if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK):
        parser.error("the URL must be https: a bearer token never travels in clear text")
    if url.query or url.fragment:
        parser.error("the URL must carry no query (no SAS token): the identity authorizes")
    try:
        int(args.sha256, 16)
    except ValueError:
        parser.error("the digest must be 64 hex digits")
    if len(args.sha256) != 64:
        parser.error("the digest must be 64 hex digits")
    try:
        args.mode = int(args.mode, 8)
    except ValueError:
        parser.error("--mode must be octal, like 0600")
    return args, identity, url.scheme + "://" + url.netloc + url.path


def main(argv: list[str] | None = None) -> int:
    args, identity, where = arguments(argv)
    deadline = time.monotonic() + args.timeout
    token = Token(identity)
    attempt = 0
    while True:
        try:
            fetch(args.url, args.sha256, args.dest, args.mode, token.get())
            log(f"fetched {where}")
            return 0
        except Final as error:
            log(f"{where}: {error}")
            return error.status
        except Retry as error:
            attempt += 1
            pause = min(args.max_pause, 2.0**attempt) * random.uniform(0.5, 1.0)
            if time.monotonic() + pause > deadline:
                log(f"{where}: {error}; giving up after {attempt} attempts")
                return EXIT_GAVE_UP
            log(f"{where}: {error}; retry {attempt} in {pause:.1f}s")
            time.sleep(pause)


if __name__ == "__main__":
    sys.exit(main())
