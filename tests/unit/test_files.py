"""The safe file reader every input reader goes through."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from vmss_components._files import read_file_bytes
from vmss_components.errors import ConfigurationError


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello")
    assert read_file_bytes(path, "script") == b"hello"


def test_a_missing_file_names_the_argument(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        read_file_bytes(tmp_path / "nope", "script")
    assert caught.value.path == "script"
    assert "cannot read" in caught.value.reason


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a folder"):
        read_file_bytes(tmp_path, "script")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def hung(signum: int, frame: object) -> None:
        raise AssertionError("reading the FIFO hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        with pytest.raises(ConfigurationError, match="not a regular file"):
            read_file_bytes(fifo, "cloud_config")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_device_is_refused_without_reading() -> None:
    with pytest.raises(ConfigurationError, match="not a regular file"):
        read_file_bytes(Path("/dev/zero"), "script")


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 11)
    with pytest.raises(ConfigurationError, match="over the limit of 10"):
        read_file_bytes(path, "script", limit=10)
    assert read_file_bytes(path, "script", limit=11) == b"x" * 11
