"""A YAML error on a LONG line never shows the secret on it (issue 14, point 4).

PyYAML prints the offending line under ``in <file>, line N, column M:``; a line longer than
about 75 characters is cut to a window around the column, between `` ... `` marks. That
window is no line of the document, so it used to pass the scrub: the real ``cloud-init
schema`` then quoted the password beside the error. Each document below puts a canary on
the very line and column of a YAML error, after enough text to make PyYAML cut the line.
"""

from __future__ import annotations

import pytest
import yaml
from helpers import require_cloud_init

from vmss_components import ConfigurationError
from vmss_components.userdata import schema, validate_user_data
from vmss_components.userdata._scrub import scrub

CANARY = "L0ng-Line-Canary-4417"
PAD = "a" * 60

# (document, what the message must still say)
LONG_LINES = {
    "mapping-value-after-password": (
        f"#cloud-config\nusers:\n  - name: bob\n    passwd: {PAD}{CANARY}: x{'b' * 60}\n",
        "line 4",
    ),
    "runcmd-unbalanced-bracket": (
        f'#cloud-config\nruncmd:\n  - [ sh, -c, "echo {PAD}{CANARY}" ] ]{"b" * 80}\n',
        "line 3",
    ),
    "tab-after-password": (f"#cloud-config\npassword: {PAD}{CANARY}{chr(9)}b{chr(9)}x\n", "line 2"),
    "chpasswd-unclosed-quote": (
        f"#cloud-config\nchpasswd:\n  list: 'root:{PAD}{CANARY}\n  expire: false\n  x: [\n",
        "line",
    ),
}


def _leaks(message: str) -> bool:
    return CANARY in message or "4417" in message or "L0ng" in message


@pytest.mark.parametrize("case", sorted(LONG_LINES))
def test_the_real_validator_never_shows_a_long_line(case: str) -> None:
    require_cloud_init()
    document, kept = LONG_LINES[case]
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(document)
    message = str(caught.value)
    assert not _leaks(message), message
    assert kept in message


@pytest.mark.parametrize("case", sorted(LONG_LINES))
def test_the_fallback_never_shows_a_long_line(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "cloud_init_command", lambda: None)
    document, _ = LONG_LINES[case]
    with pytest.raises(ConfigurationError) as caught:
        validate_user_data(document)
    assert not _leaks(str(caught.value)), str(caught.value)


@pytest.mark.parametrize("case", sorted(LONG_LINES))
def test_scrub_hides_pyyamls_window_of_a_long_line(case: str) -> None:
    """PyYAML's own message (what cloud-init quotes), scrubbed: the window is hidden, the
    position and the reason stay."""
    document, _ = LONG_LINES[case]
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.safe_load(document)
    message = str(caught.value)
    assert CANARY in message or " ... " in message  # PyYAML does print (a window of) it
    scrubbed = scrub(message, document)
    assert not _leaks(scrubbed), scrubbed
    assert "line" in scrubbed and "column" in scrubbed
    assert "<value>" in scrubbed
