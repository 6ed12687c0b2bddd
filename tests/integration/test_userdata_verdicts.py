"""Accepted cloud-configs are not validated twice: per shape in a process, per text on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vmss_components import ConfigurationError
from vmss_components.userdata import (
    ArtifactValues,
    CheckedUserData,
    _tool,
    check_user_data,
    schema,
    stand_in_url,
)

TEMPLATE = "#cloud-config\nruncmd:\n  - curl -o /tmp/s.zip '${artifact:site}'\n"
SHA = "ab" * 32


@pytest.fixture
def tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A stand-in cloud-init that accepts everything and logs each schema run."""
    log = tmp_path / "runs.log"
    tool = tmp_path / "bin" / "cloud-init"
    tool.parent.mkdir()
    tool.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "/usr/bin/cloud-init 99.1"; exit 0; fi\n'
        f'echo schema >> "{log}"\n'
    )
    tool.chmod(0o755)
    monkeypatch.setattr(schema, "cloud_init_command", lambda: str(tool))
    return tool, log


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for module, cache in ((_tool, "_RESULTS"), (schema, "_SHAPES"), (_tool, "_VERSIONS")):
        monkeypatch.setattr(module, cache, {})


def _check(blob: str) -> CheckedUserData:
    stand_in = stand_in_url(blob, sas_expiry="2027-05-22T00:00:00Z")
    return check_user_data(TEMPLATE, stand_ins={"site": ArtifactValues(url=stand_in, sha256=SHA)})


def _runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_documents_differing_only_in_stand_in_urls_are_checked_once(
    tool: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, log = tool
    _fresh_process(monkeypatch)
    first = _check("web1-site/0000000000000000/site.zip")
    second = _check("web2-site/1111111111111111/site.zip")
    assert _runs(log) == 1
    assert second.validation == first.validation
    assert first.validation.schema_checked_by == "cloud-init 99.1"


def test_an_accepted_document_is_remembered_by_the_next_process(
    tool: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, log = tool
    _fresh_process(monkeypatch)
    first = _check("web1-site/0000000000000000/site.zip")
    _fresh_process(monkeypatch)
    again = _check("web1-site/0000000000000000/site.zip")
    assert _runs(log) == 1
    assert again.validation == first.validation
    # Another installation of the tool (here: a new mtime) checks again.
    os.utime(path, ns=(1, 1))
    _fresh_process(monkeypatch)
    _check("web1-site/0000000000000000/site.zip")
    assert _runs(log) == 2


def test_rejections_are_never_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "runs.log"
    tool = tmp_path / "cloud-init"
    tool.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "cloud-init 99.1"; exit 0; fi\n'
        f'echo schema >> "{log}"\n'
        'echo "Error:" >&2; echo "Cloud config schema errors: runcmd: bad" >&2; exit 1\n'
    )
    tool.chmod(0o755)
    monkeypatch.setattr(schema, "cloud_init_command", lambda: str(tool))
    for _ in range(2):
        _fresh_process(monkeypatch)
        with pytest.raises(ConfigurationError, match="runcmd: bad"):
            _check("web1-site/0000000000000000/site.zip")
    assert _runs(log) == 4  # the plain run and the annotated one, each time
