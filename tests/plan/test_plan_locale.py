"""Issue 15, point 11: UTF-8 whatever the locale.

Under a generated Latin-1 locale (``localedef`` into a temporary ``LOCPATH``) and the C
locale, ``vmss-plan`` runs to the end: on a terminal whose encoding has no box characters it
draws the tree in ASCII, redirected it writes UTF-8, and its JSON and Mermaid files are UTF-8
and byte-identical across locales. An SSH key file is read as UTF-8 under any locale, so
``keyData`` is the same on every operator's machine.

Without ``localedef`` the Latin-1 tests are skipped with the reason, except under CI
(``CI`` set), where a missing tool is a failure.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, SSH_KEY

PLAN = Path(sys.executable).with_name("vmss-plan")
BOX = "\u2514\u2500 "


def _locale_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8"))}
    env.pop("PYTHONIOENCODING", None)
    env.pop("LANG", None)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def latin1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a Latin-1 locale generated into a temporary folder."""
    localedef = shutil.which("localedef")
    if localedef is None:
        if os.environ.get("CI"):
            pytest.fail("localedef is missing under CI: install the locales package")
        pytest.skip("localedef is not installed (Debian: apt-get install locales)")
    folder = tmp_path_factory.mktemp("locales")
    made = subprocess.run(
        [localedef, "-i", "en_US", "-f", "ISO-8859-1", str(folder / "en_US.ISO-8859-1")],
        capture_output=True,
        text=True,
        check=False,
    )
    # localedef exits 1 on warnings yet writes the locale; its absence is the failure.
    if not (folder / "en_US.ISO-8859-1").exists():
        message = f"localedef could not make en_US.ISO-8859-1: {made.stderr.strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    env = _locale_env(
        {"LOCPATH": str(folder), "LANG": "en_US.ISO-8859-1", "LC_ALL": "en_US.ISO-8859-1"}
    )
    check = subprocess.run(
        [sys.executable, "-c", "import locale; print(locale.getpreferredencoding(False))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "ISO-8859-1", "the generated locale is not in effect"
    return env


#: The C locale with Python's own UTF-8 coercion turned off: the console is plain ASCII.
C_LOCALE = {"LANG": "C", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}


def plan_on_a_terminal(env: dict[str, str], *extra: str) -> tuple[int, bytes]:
    """Run ``vmss-plan dev`` with its stdout on a pseudo-terminal; (exit code, bytes shown)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(PLAN), "dev", *extra],
        cwd=REPO,
        env=env,
        stdout=terminal,
        stderr=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return process.wait(timeout=300), bytes(shown)


def plan_redirected(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(PLAN), "dev", *extra], cwd=REPO, env=env, capture_output=True, timeout=300, check=False
    )


def test_latin1_terminal_gets_an_ascii_tree(latin1: dict[str, str], tmp_path: Path) -> None:
    code, shown = plan_on_a_terminal(latin1, "--json", str(tmp_path / "plan.json"))
    assert code == 0, shown.decode("latin-1")[-2000:]
    text = shown.decode("latin-1")
    assert "`- azure-native:" in text and "|- azure-native:" in text
    assert "\u2514" not in shown.decode("utf-8", "replace")


def test_latin1_redirected_output_and_files_are_utf8(
    latin1: dict[str, str], tmp_path: Path
) -> None:
    latin = tmp_path / "latin1"
    result = plan_redirected(
        latin1, "--json", str(latin / "plan.json"), "--graph", str(latin / "plan.mmd")
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert BOX in result.stdout.decode("utf-8")
    graph = (latin / "plan.mmd").read_bytes()
    assert "\u00b7".encode() in graph  # the diagram's middle dot, as UTF-8
    # The same files as under a UTF-8 locale, byte for byte.
    utf8 = tmp_path / "utf8"
    reference = plan_redirected(
        _locale_env({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}),
        "--json",
        str(utf8 / "plan.json"),
        "--graph",
        str(utf8 / "plan.mmd"),
    )
    assert reference.returncode == 0
    assert (latin / "plan.json").read_bytes() == (utf8 / "plan.json").read_bytes()
    assert graph == (utf8 / "plan.mmd").read_bytes()


def test_c_locale_terminal_gets_an_ascii_tree() -> None:
    code, shown = plan_on_a_terminal(_locale_env(C_LOCALE))
    assert code == 0, shown.decode("ascii", "replace")[-2000:]
    assert "`- azure-native:" in shown.decode("ascii")


def test_c_locale_redirected_output_is_utf8() -> None:
    result = plan_redirected(_locale_env(C_LOCALE))
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert BOX in result.stdout.decode("utf-8")


KEY_PROGRAM = """
import sys
from pathlib import Path
from helpers import linux_args
from vmss_components.scaleset.resolve import resolve_scale_set
args = linux_args(ssh_public_keys=[Path(sys.argv[1])])
(key,) = resolve_scale_set(args, os="linux", name="web").ssh_public_keys
print(ascii(key))
"""


@pytest.mark.parametrize("where", ["latin1", "c"])
def test_a_key_file_reads_the_same_under_any_locale(
    where: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    env = request.getfixturevalue("latin1") if where == "latin1" else _locale_env(C_LOCALE)
    key_file = tmp_path / "id.pub"
    key_file.write_bytes(f"{SSH_KEY} Jos\u00e9@caf\u00e9\n".encode())
    env = {**env, "PYTHONPATH": str(REPO / "tests")}
    result = subprocess.run(
        [sys.executable, "-c", KEY_PROGRAM, str(key_file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ascii(f"{SSH_KEY} Jos\u00e9@caf\u00e9")
