"""Credentials after a ``;``: connection strings and ``;``-separated URL parameters
(issue 14, points 1-2, found by an attacker's audit).

``Server=db;Password=...`` in a public setting passed the guard (only ``AccountKey=`` and
``SharedAccessSignature=`` were known), and so did ``/run.sh;sig=...`` and an HTML-escaped
``?a=1&amp;sig=...``; a message about a URL showed everything after a ``;``
(``Endpoint=sb://ns/;SharedAccessKey=...``). Each form is refused in public extension
settings with the argument path and without the canary; ordinary ``;`` texts pass.
"""

from __future__ import annotations

import pytest

from vmss_components import ConfigurationError, Extension
from vmss_components._guard import secret_reason
from vmss_components._redact import redact_url, show

CANARY = "Canary-Semicolon-5e1d"

REFUSED = {
    "sql-password": "Server=db.example.com;Database=app;User Id=app;Password={c}",
    "sql-password-first": "Password={c};Server=db.example.com",
    "odbc-pwd": "Driver={{ODBC}};Server=db;Uid=app;Pwd={c};",
    "spaced-name": "Data Source=db; User Password = {c}",
    "service-bus-key": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
    "SharedAccessKey={c}",
    "redis-password": "cache.example.com:6380,ssl=True;password={c}",
    "token-pair": "region=eu;token={c}",
    "url-path-parameter-sig": "https://a.blob.core.windows.net/c/run.sh;sig={c}",
    "url-html-escaped-sig": "https://a.blob.core.windows.net/c/run.sh?sv=1&amp;sig={c}",
    "url-path-parameter-password": "https://example.com/run.sh;password={c}",
}

ACCEPTED = [
    "Server=db.example.com;Database=app;Trusted_Connection=True",
    "Data Source=db;Initial Catalog=app;Integrated Security=SSPI",
    "SiteTitle=Contoso; Theme=dark",
    "tokenizer=bert;max_tokens=512",
    "secretName=db-password;passwordLength=16",
    "signature=none",
    "https://example.com/tool.sh?version=2;arch=x64",
    "a;b;c",
]


def _extension(value: str) -> Extension:
    return Extension(
        name="Extra",
        publisher="Contoso",
        type="Agent",
        type_handler_version="1.0",
        settings={"connection": value},
    )


@pytest.mark.parametrize("form", sorted(REFUSED))
def test_a_credential_after_a_semicolon_is_refused(form: str) -> None:
    value = REFUSED[form].format(c=CANARY)
    assert secret_reason(None, value) is not None
    with pytest.raises(ConfigurationError) as raised:
        _extension(value)
    assert raised.value.path == "extension.settings.connection"
    assert "protected settings" in raised.value.reason
    assert CANARY not in str(raised.value)


@pytest.mark.parametrize("value", ACCEPTED)
def test_an_ordinary_semicolon_text_is_accepted(value: str) -> None:
    assert secret_reason(None, value) is None
    _extension(value)


def test_a_url_is_shown_without_what_follows_a_semicolon() -> None:
    for form in ("service-bus-key", "url-path-parameter-sig", "url-path-parameter-password"):
        value = REFUSED[form].format(c=CANARY)
        assert CANARY not in redact_url(value)
        assert CANARY not in show(value)
    assert redact_url("https://a.example/run.sh;sig=x") == "https://a.example/run.sh"
