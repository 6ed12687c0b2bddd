"""The Entra ID uploader of a store without shared keys (issue 18, point 3), against a
loopback HTTP server playing Blob storage: Put Blob with a bearer token and the storage
version, If-None-Match for content-addressed names, 409 with matching content as success,
403 retried while a role propagates, HEAD for refresh, and the provider's diff."""

from __future__ import annotations

import base64
import hashlib
import http.server
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers.loopback import loopback_server

from vmss_components.store.entra_upload import (
    EntraBlobProvider,
    UploadError,
    blob_exists,
    blob_url,
    put_blob,
)

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOi." + "u" * 64
BODY = b"package-bytes" * 3000
MD5 = base64.b64encode(hashlib.md5(BODY).digest()).decode()
SHA = hashlib.sha256(BODY).hexdigest()
NAME = "app-cse-worker-py/0123456789abcdef/worker.py"


@dataclass
class FakeBlob:
    """Blob storage on 127.0.0.1: ``answers`` are statuses served first to PUT."""

    answers: list[int] = field(default_factory=list)
    stored: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    endpoint: str = ""

    def handle(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        self.seen.append((handler.command, handler.path, headers))
        authorized = (
            headers.get("authorization") == f"Bearer {TOKEN}"
            and headers.get("x-ms-version") == "2021-08-06"
            and "x-ms-date" in headers
        )
        length = int(headers.get("content-length", "0"))
        body = handler.rfile.read(length) if length else b""
        status, extra = 200, {}
        if not authorized:
            status = 401
        elif handler.command == "PUT":
            if self.answers:
                status = self.answers.pop(0)
            elif handler.path in self.stored and headers.get("if-none-match") == "*":
                status = 409
                extra["x-ms-error-code"] = "BlobAlreadyExists"
            elif headers.get("x-ms-blob-type") != "BlockBlob":
                status = 400
            else:
                self.stored[handler.path] = (body, headers.get("content-md5", ""))
                status = 201
            if status == 403:
                extra["x-ms-error-code"] = "AuthorizationPermissionMismatch"
        elif handler.command == "HEAD":
            if handler.path in self.stored:
                extra["Content-MD5"] = self.stored[handler.path][1]
            else:
                status = 404
        handler.send_response(status)
        for name, value in extra.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@pytest.fixture
def blob() -> Iterator[FakeBlob]:
    state = FakeBlob()

    with loopback_server(state.handle, ("PUT", "HEAD")) as base:
        state.endpoint = f"{base}/"
        yield state


def props(blob: FakeBlob, path: Path, **overrides: Any) -> dict[str, Any]:
    path.write_bytes(BODY)
    values = {
        "account_name": "vmssdevabcd1234",
        "container_name": "artifacts",
        "blob_endpoint": blob.endpoint,
        "blob_name": NAME,
        "path": str(path),
        "content_md5": MD5,
        "content_type": "text/x-python",
        "sha256": SHA,
    }
    values.update(overrides)
    return values


def test_put_blob_with_a_bearer_token(blob: FakeBlob, tmp_path: Path) -> None:
    url = put_blob(props(blob, tmp_path / "worker.py"), lambda: TOKEN)
    assert url == f"{blob.endpoint}artifacts/{NAME}"
    ((method, path, headers),) = blob.seen
    assert (method, path) == ("PUT", f"/artifacts/{NAME}")
    assert headers["if-none-match"] == "*" and headers["content-md5"] == MD5
    assert headers["x-ms-meta-sha256"] == SHA
    assert headers["x-ms-blob-content-type"] == "text/x-python"
    assert blob.stored[path] == (BODY, MD5)


def test_the_same_content_already_there_is_success(blob: FakeBlob, tmp_path: Path) -> None:
    values = props(blob, tmp_path / "worker.py")
    put_blob(values, lambda: TOKEN)
    assert put_blob(values, lambda: TOKEN).endswith(NAME)
    assert [m for m, _, _ in blob.seen] == ["PUT", "PUT", "HEAD"]


def test_other_content_under_the_name_is_refused(blob: FakeBlob, tmp_path: Path) -> None:
    blob.stored[f"/artifacts/{NAME}"] = (b"other", "b3RoZXI=")
    with pytest.raises(UploadError, match="exists with other content"):
        put_blob(props(blob, tmp_path / "worker.py"), lambda: TOKEN)


def test_403_is_retried_while_the_role_propagates(blob: FakeBlob, tmp_path: Path) -> None:
    blob.answers[:] = [403, 403]
    put_blob(props(blob, tmp_path / "worker.py"), lambda: TOKEN, patience=5, pause=0.01)
    assert [m for m, _, _ in blob.seen] == ["PUT", "PUT", "PUT"]


def test_403_past_the_deadline_fails_without_the_token(blob: FakeBlob, tmp_path: Path) -> None:
    blob.answers[:] = [403] * 100
    with pytest.raises(UploadError) as caught:
        put_blob(props(blob, tmp_path / "worker.py"), lambda: TOKEN, patience=0.05, pause=0.01)
    assert "403 AuthorizationPermissionMismatch" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_a_file_changed_since_packaging_is_refused(blob: FakeBlob, tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="changed since it was packaged"):
        put_blob(props(blob, tmp_path / "worker.py", content_md5="AAAA"), lambda: TOKEN)
    assert blob.seen == []


def test_clear_text_endpoints_are_refused() -> None:
    with pytest.raises(UploadError, match="not an https endpoint"):
        blob_url("http://acct.blob.core.windows.net/", "artifacts", NAME)


def test_head_for_refresh(blob: FakeBlob, tmp_path: Path) -> None:
    values = props(blob, tmp_path / "worker.py")
    assert not blob_exists(values, lambda: TOKEN)
    put_blob(values, lambda: TOKEN)
    assert blob_exists(values, lambda: TOKEN)


@pytest.mark.parametrize(
    ("change", "replaces"),
    [
        ({"sha256": "0" * 64}, ["sha256"]),
        ({"blob_name": "x/0/y.py"}, ["blob_name"]),
        ({"container_name": "other"}, ["container_name"]),
        ({"account_name": "other"}, ["account_name"]),
        ({"path": "/elsewhere/worker.py"}, []),
        ({}, []),
    ],
)
def test_diff_replaces_on_a_new_blob(
    tmp_path: Path, change: dict[str, str], replaces: list[str]
) -> None:
    olds = props(FakeBlob(endpoint="https://a.blob.core.windows.net/"), tmp_path / "w.py")
    result = EntraBlobProvider().diff("id", olds, {**olds, **change})
    assert result.replaces == replaces
    assert result.changes == bool(change)
