"""Exit 3 prints the traceback from the program's first frame on, as the Pulumi Python host
prints an unhandled exception: no frame of vmss-plan, runpy or the Pulumi engine above the
program; the frames below it (the program's own modules, the libraries it calls) stay."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path

from vmss_plan.cli import EXIT_UNEXPECTED, main

PROGRAM = """\
from components.parse import settings

settings()
"""
PARSE = """\
import json


def settings():
    return json.loads("{not json")
"""


def test_the_traceback_starts_at_the_program(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    (root / "infra" / "components").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: infra/\n")
    (root / "Pulumi.dev.yaml").write_text("config: {}\n")
    (root / "infra" / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (root / "infra" / "components" / "__init__.py").write_text("")
    (root / "infra" / "components" / "parse.py").write_text(textwrap.dedent(PARSE))
    err = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), err
    try:
        code = main(["dev", "--project-dir", str(root), "--quiet"])
    finally:
        sys.stdout, sys.stderr = saved
        for name in [n for n in sys.modules if n == "components" or n.startswith("components.")]:
            del sys.modules[name]
    text = err.getvalue()
    assert code == EXIT_UNEXPECTED
    lines = text.splitlines()
    assert lines[:2] == [
        "vmss-plan: the program failed with an unexpected error:",
        "Traceback (most recent call last):",
    ]
    assert lines[2].startswith(f'  File "{root / "infra" / "__main__.py"}", line 3')
    assert f'File "{root / "infra" / "components" / "parse.py"}", line 5, in settings' in text
    assert "json/decoder.py" in text  # the library's frames below the program stay
    for hidden in ("vmss_plan", "runpy", "pulumi/runtime"):
        assert hidden not in text
    assert lines[-1].startswith("json.decoder.JSONDecodeError: ")


def test_a_file_main_is_cut_at_the_program_too(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    (root / "infra").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: demo\nruntime: python\nmain: infra/app.py\n")
    (root / "Pulumi.dev.yaml").write_text("config: {}\n")
    (root / "infra" / "app.py").write_text('import json\n\njson.loads("{not json")\n')
    err = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), err
    try:
        code = main(["dev", "--project-dir", str(root), "--quiet"])
    finally:
        sys.stdout, sys.stderr = saved
    lines = err.getvalue().splitlines()
    assert code == EXIT_UNEXPECTED
    # runpy names a file entry as given: relative to the program folder, as under Pulumi.
    assert lines[2] == '  File "app.py", line 3, in <module>'
    assert "vmss_plan" not in err.getvalue()
