"""The installed ``cloud-init`` command, run: its version and its ``schema`` check.

cloud-init is a system Python program, so it runs outside this process's virtualenv, on a
copy of the document in a temporary folder. What it prints differs between releases and
between its plain and ``--annotate`` modes; :func:`run_schema` reads both into one message.
Results are kept for the life of the process, per command and document text.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConfigurationError
from ._scrub import annotated_line, scrub

_TIMEOUT_SECONDS = 120
_VERSIONS: dict[str, str] = {}
_RESULTS: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {}
_DOCUMENT = "cloud-config.yaml"
_DEPRECATIONS = "Cloud config schema deprecations:"
_ANNOTATION = re.compile(r"\t\t# E\d+(?:,E\d+)*", re.ASCII)


def _tool_environment() -> dict[str, str]:
    # cloud-init is a system Python program: keep this process's virtualenv out of its way.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    environment.pop("VIRTUAL_ENV", None)
    environment["LC_ALL"] = "C.UTF-8"
    return environment


def _run(
    command: Sequence[str], *, path: str, cwd: str | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            list(command),
            cwd=cwd,
            env=_tool_environment(),
            capture_output=True,
            # The tool runs under C.UTF-8: read its output as UTF-8, whatever our locale.
            encoding="utf-8",
            errors="replace",
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ConfigurationError(
            path, f"{' '.join(command)} did not finish in {_TIMEOUT_SECONDS} s"
        ) from error
    except OSError as error:
        raise ConfigurationError(
            path, f"cannot run {command[0]}: {error.strerror or error}"
        ) from error


def tool_version(command: str, path: str) -> str:
    """``"cloud-init 22.4.2"``: the name and version of the tool at ``command``."""
    if command not in _VERSIONS:
        # "/usr/bin/cloud-init 22.4.2"
        output = _run([command, "--version"], path=path)
        words = (output.stdout or output.stderr).split()
        _VERSIONS[command] = f"cloud-init {words[-1]}" if words else "cloud-init"
    return _VERSIONS[command]


def run_schema(command: str, version: str, text: str, path: str) -> list[str]:
    """Run ``cloud-init schema`` on ``text``; raise with its messages, return deprecations.

    Debian bookworm's cloud-init 22.4.2 reports a schema error with exit code 1 and
    ``Error:\\nCloud config schema errors: <key>: <message>, ...`` on stderr. With
    ``--annotate`` it prints the document with ``# E1`` marks on the offending lines and an
    ``# Errors:`` footer, but exits 0 even then, and crashes on errors it cannot place
    (``write_files.0.permissions``). So the plain run decides and gives the message, and the
    annotated run, when the plain one failed, adds the offending lines. Newer releases exit 1
    in both modes; the same reading works for them.
    """
    key = (command, hashlib.sha256(text.encode()).hexdigest())
    if key not in _RESULTS:
        _RESULTS[key] = _schema_result(command, text, path)
    failure, deprecations = _RESULTS[key]
    if failure is not None:
        raise ConfigurationError(path, f"{version} schema rejected it:\n{scrub(failure, text)}")
    return [scrub(line, text) for line in deprecations]


def _schema_result(command: str, text: str, path: str) -> tuple[str | None, tuple[str, ...]]:
    with tempfile.TemporaryDirectory(prefix="cloud-init-schema-") as workdir:
        # Run inside the temporary folder on a relative name, so messages name the document
        # ("File cloud-config.yaml is not valid yaml") and not a temporary path.
        Path(workdir, _DOCUMENT).write_text(text, encoding="utf-8")
        plain = _run([command, "schema", "-c", _DOCUMENT], path=path, cwd=workdir)
        deprecations = tuple(
            line[len(_DEPRECATIONS) :].strip()
            for line in plain.stdout.splitlines()
            if line.startswith(_DEPRECATIONS) and line[len(_DEPRECATIONS) :].strip()
        )
        if plain.returncode == 0:
            return None, deprecations
        annotated = _run([command, "schema", "-c", _DOCUMENT, "--annotate"], path=path, cwd=workdir)
    messages = [
        line
        for line in (plain.stderr + "\n" + plain.stdout).splitlines()
        if line.strip()
        and line.strip() != "Error:"
        and not line.startswith(_DEPRECATIONS)
        and not line.startswith("Traceback")
    ]
    # The annotated document's lines are named by number and key: their text holds values.
    lines = [
        annotated_line(number, line, mark.group(0).strip())
        for number, line in enumerate(annotated.stdout.splitlines(), start=1)
        if (mark := _ANNOTATION.search(line))
    ]
    # The annotated document says which lines and what is wrong with each; the plain run
    # names each key path (the annotated footer does not): both are kept.
    said = _annotation_footer(annotated.stdout) + messages
    return "\n".join(lines + said) or f"exit code {plain.returncode}", deprecations


def _annotation_footer(output: str) -> list[str]:
    footer: list[str] = []
    inside = False
    for line in output.splitlines():
        if line.startswith("# Errors:"):
            inside = True
            continue
        if line.startswith("# Deprecations:"):
            inside = False
        if inside and line.strip():
            footer.append(f"  {line}")
    return footer
