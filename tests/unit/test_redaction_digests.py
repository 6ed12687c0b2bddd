"""A plain digest of secret-bearing content is a fingerprint anyone can test guesses against
(issue 14, point 5: the unkeyed ``custom_data_hash`` gave a ``chpasswd`` password away to a
five-word list). ``repr``/``str`` of :class:`CustomData` hide its ``sha256`` as they hide the
content; the component publishes only the keyed ``custom_data_hash``."""

from __future__ import annotations

import hashlib

from vmss_components.userdata.encode import encode_custom_data

DOCUMENT = "#cloud-config\nchpasswd:\n  users:\n    - {name: root, password: hunter2, type: text}\n"


def test_custom_data_repr_hides_the_plain_digest() -> None:
    encoded = encode_custom_data(DOCUMENT)
    digest = hashlib.sha256(DOCUMENT.encode()).hexdigest()
    assert encoded.sha256 == digest  # the code still has it (the cache and tests use it)
    for shown in (repr(encoded), str(encoded)):
        assert digest not in shown
        assert "hunter2" not in shown
        assert "sha256=<redacted>" in shown
