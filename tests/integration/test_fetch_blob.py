"""vmss-fetch-blob, the helper identity downloads install, run as a real process against a
loopback HTTP server playing the instance metadata service and Blob storage (issue 18).

The server checks what Azure checks: IMDS wants ``Metadata: true``, the API version, the
storage resource and the identity's client id; Blob wants ``Authorization: Bearer <token>``,
``x-ms-version`` (2017-11-09 or later for bearer tokens) and no query. The script run is the
exact text the cloud-config part ships (:func:`helper_script`).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers.loopback import loopback_server

from vmss_components.userdata.identity import helper_script

BODY = b"site-zip-bytes" * 5000
SHA = hashlib.sha256(BODY).hexdigest()
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOi." + "t" * 64
CLIENT = "11111111-2222-3333-4444-555555555555"
BLOB_PATH = "/artifacts/web-cloud-init-site/0123456789abcdef/site.zip"


@dataclass
class Fake:
    """Scripted answers: ``imds`` and ``blob`` are status codes served before the 200s."""

    imds: list[int] = field(default_factory=list)
    blob: list[int] = field(default_factory=list)
    seen: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        url = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.seen.append((url.path, headers, query))
        body = b""
        if url.path == "/metadata/identity/oauth2/token":
            valid = handler.headers.get("Metadata") == "true" and query == {
                "api-version": "2018-02-01",
                "resource": "https://storage.azure.com/",
                "client_id": CLIENT,
            }
            code = (self.imds.pop(0) if self.imds else 200) if valid else 400
            expires = str(int(time.time()) + 3600)
            body = json.dumps(
                {"access_token": TOKEN, "token_type": "Bearer", "expires_on": expires}
            ).encode()
        else:
            valid = (
                handler.headers.get("Authorization") == f"Bearer {TOKEN}"
                and handler.headers.get("x-ms-version") == "2021-08-06"
                and bool(handler.headers.get("x-ms-date"))
                and not url.query
            )
            code = (self.blob.pop(0) if self.blob else 200) if valid else 401
            body = BODY
        handler.send_response(code)
        if code == 403:
            handler.send_header("x-ms-error-code", "AuthorizationPermissionMismatch")
        handler.send_header("Content-Length", str(len(body) if code == 200 else 0))
        handler.end_headers()
        if code == 200:
            handler.wfile.write(body)

    def url(self) -> str:
        return self.base + BLOB_PATH


@pytest.fixture
def fake() -> Iterator[Fake]:
    state = Fake()

    with loopback_server(state.handle, ("GET",)) as base:
        state.base = base
        yield state


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "vmss-fetch-blob"
    path.write_bytes(helper_script())
    return path


def run(
    script: Path,
    fake: Fake,
    *argv: str,
    manifest: dict[str, Any] | None = None,
    timeout: str = "30",
    env: dict[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = script.parent / "run"
    folder.mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    environment["VMSS_FETCH_BLOB_IMDS"] = fake.base
    environment["VMSS_FETCH_BLOB_MANIFEST"] = str(folder / "manifest.json")
    environment.update(env or {})
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest))
    dest = folder / "out" / "site.zip"
    done = subprocess.run(
        [sys.executable, str(script), *argv, str(dest), "--timeout", timeout,
         "--max-pause", "0.02"],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return done, dest


def explicit(fake: Fake, sha: str = SHA) -> tuple[str, ...]:
    return ("--url", fake.url(), "--sha256", sha, "--client-id", CLIENT)


def test_downloads_with_a_bearer_token_and_the_storage_version(script: Path, fake: Fake) -> None:
    done, dest = run(script, fake, *explicit(fake))
    assert done.returncode == 0, done.stderr
    assert dest.read_bytes() == BODY
    assert dest.stat().st_mode & 0o777 == 0o600
    (imds_path, imds_headers, _), (blob_path, blob_headers, _) = fake.seen
    assert imds_path == "/metadata/identity/oauth2/token" and blob_path == BLOB_PATH
    # The token goes to Blob storage only, never back to IMDS.
    assert "authorization" not in imds_headers
    assert blob_headers["x-ms-version"] == "2021-08-06"
    assert TOKEN not in done.stderr and TOKEN not in done.stdout


def test_manifest_form_takes_url_digest_and_client_id(script: Path, fake: Fake) -> None:
    manifest = {"client_id": CLIENT, "artifacts": {"site": {"url": fake.url(), "sha256": SHA}}}
    done, dest = run(script, fake, "site", "--mode", "0644", manifest=manifest)
    assert done.returncode == 0, done.stderr
    assert dest.read_bytes() == BODY and dest.stat().st_mode & 0o777 == 0o644


def test_retries_imds_throttling_and_role_propagation(script: Path, fake: Fake) -> None:
    fake.imds[:] = [429, 500, 404, 410]
    fake.blob[:] = [403, 403, 404, 503]
    done, dest = run(script, fake, *explicit(fake))
    assert done.returncode == 0, done.stderr
    assert dest.read_bytes() == BODY
    assert "AuthorizationPermissionMismatch" in done.stderr and "retry 8" in done.stderr
    assert TOKEN not in done.stderr
    # One token serves every blob attempt: it is cached until it nears its expiry.
    assert sum(path.startswith("/metadata") for path, _, _ in fake.seen) == 5


def test_digest_mismatch_exits_3_and_leaves_nothing(script: Path, fake: Fake) -> None:
    done, dest = run(script, fake, *explicit(fake, sha="0" * 64))
    assert done.returncode == 3, done.stderr
    assert list(dest.parent.iterdir()) == []


def test_gives_up_at_the_deadline(script: Path, fake: Fake) -> None:
    fake.blob[:] = [403] * 10_000
    done, dest = run(script, fake, *explicit(fake), timeout="1")
    assert done.returncode == 4 and "giving up" in done.stderr
    assert not dest.exists() and TOKEN not in done.stderr


@pytest.mark.parametrize(("imds", "blob"), [([400], []), ([], [401]), ([], [409])])
def test_final_answers_fail_at_once(
    script: Path, fake: Fake, imds: list[int], blob: list[int]
) -> None:
    fake.imds[:], fake.blob[:] = imds, blob
    started = time.monotonic()
    done, dest = run(script, fake, *explicit(fake), timeout="60")
    assert done.returncode == 4, done.stderr
    assert time.monotonic() - started < 30 and not dest.exists()


def test_imds_is_reached_without_the_proxy(script: Path, fake: Fake) -> None:
    """A proxy in the environment is not used for IMDS (here: one that accepts nothing)."""
    blob_by_name = fake.url().replace("127.0.0.1", "localhost")
    proxy = {"http_proxy": "http://127.0.0.1:9", "no_proxy": "localhost"}
    done, _ = run(
        script, fake, "--url", blob_by_name, "--sha256", SHA, "--client-id", CLIENT, env=proxy
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("--url", "http://acct.blob.core.windows.net/c/b.zip", "--sha256", SHA),
        ("--url", "https://acct.blob.core.windows.net/c/b.zip?sig=abc", "--sha256", SHA),
        ("--url", "https://acct.blob.core.windows.net/c/b.zip", "--sha256", "xyz"),
        ("--url", "https://acct.blob.core.windows.net/c/b.zip"),
        ("site", "--url", "https://acct.blob.core.windows.net/c/b.zip", "--sha256", SHA),
    ],
)
def test_usage_errors_exit_2_before_any_request(
    script: Path, fake: Fake, argv: tuple[str, ...]
) -> None:
    done, _ = run(script, fake, *argv)
    assert done.returncode == 2, done.stderr
    assert fake.seen == []


def test_unknown_manifest_key_exits_2(script: Path, fake: Fake) -> None:
    manifest = {"client_id": CLIENT, "artifacts": {"site": {"url": fake.url(), "sha256": SHA}}}
    done, _ = run(script, fake, "other", manifest=manifest)
    assert done.returncode == 2 and "other" in done.stderr
