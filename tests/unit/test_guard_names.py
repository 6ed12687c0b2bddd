"""The public-settings guard's vocabulary (issue 14, points 1 and 2), on plain values.

A credential NAME is refused whatever its value; ordinary names are accepted; a URL carrying
a credential (userinfo, or a signing / authorising query parameter, percent-encoded or not)
is refused; a refusal names the path and where the value belongs, and never repeats the
value. Outputs are tried under the mock engine in tests/components/test_guard_outputs.py.
"""

from __future__ import annotations

import pytest
from helpers.guard_vocabulary import (
    CANARY,
    CREDENTIAL_NAMES,
    ORDINARY_NAMES,
    ORDINARY_URLS,
    URL_CREDENTIALS,
)

from vmss_components import ConfigurationError
from vmss_components._checks import check_tags
from vmss_components._guard import (
    NO_SECRETS,
    PROTECTED_ARGUMENTS,
    check_public_settings,
    check_public_value,
    is_secret_name,
    redact_url,
)


def test_the_vocabularies_are_big_enough() -> None:
    assert len(CREDENTIAL_NAMES) >= 30 and len(ORDINARY_NAMES) >= 30
    assert not set(CREDENTIAL_NAMES) & set(ORDINARY_NAMES)


@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
@pytest.mark.parametrize(
    "value",
    [CANARY, 42, None, {"inner": CANARY}, [CANARY]],
    ids=["str", "int", "none", "map", "list"],
)
def test_a_credential_name_is_refused_whatever_its_value(name: str, value: object) -> None:
    assert is_secret_name(name)
    with pytest.raises(ConfigurationError) as raised:
        check_public_settings({"outer": {name: value}}, "extension.settings")
    assert raised.value.path == f"extension.settings.outer.{name}"
    assert "protected settings" in raised.value.reason
    assert CANARY not in str(raised.value)


@pytest.mark.parametrize("name", ORDINARY_NAMES)
def test_an_ordinary_name_is_accepted(name: str) -> None:
    assert not is_secret_name(name)
    check_public_settings({name: "platform-team", "list": [{name: 3}]}, "extension.settings")


@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
def test_a_credential_tag_name_is_refused(name: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_tags({name: CANARY}, "tags")
    assert raised.value.path == f"tags.{name}"
    assert CANARY not in str(raised.value)


@pytest.mark.parametrize("name", ORDINARY_NAMES)
def test_an_ordinary_tag_name_is_accepted(name: str) -> None:
    assert check_tags({name: "platform-team"}, "tags") == {name: "platform-team"}


def test_a_refusal_says_where_the_value_belongs() -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_public_settings(
            {"AdminPassword": CANARY}, "configuration_arguments", PROTECTED_ARGUMENTS
        )
    assert raised.value.path == "configuration_arguments.AdminPassword"
    assert "protected_configuration_arguments" in raised.value.reason
    assert CANARY not in str(raised.value)


@pytest.mark.parametrize("form", sorted(URL_CREDENTIALS))
def test_a_url_credential_is_refused(form: str) -> None:
    url = URL_CREDENTIALS[form].format(c=CANARY)
    for check in (
        lambda: check_public_value(url, "file_uris[0]"),
        lambda: check_public_settings({"fileUris": [url]}, "extension.settings"),
        lambda: check_public_settings({"Site": {"Source": url}}, "configuration_arguments"),
    ):
        with pytest.raises(ConfigurationError) as raised:
            check()
        message = str(raised.value)
        assert CANARY not in message, message
        assert "credential" in message or "password" in message, message
    with pytest.raises(ConfigurationError) as raised:
        check_public_value(url, "scale_set.health.request_path", NO_SECRETS)
    assert raised.value.path == "scale_set.health.request_path"


@pytest.mark.parametrize("url", ORDINARY_URLS)
def test_an_ordinary_url_is_accepted(url: str) -> None:
    check_public_value(url, "file_uris[0]")
    check_public_settings({"fileUris": [url]}, "extension.settings")


def test_messages_show_urls_without_userinfo_or_query() -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_public_value(f"https://deploy:{CANARY}@example.com/run.sh?x=1", "file_uris[0]")
    assert "https://example.com/run.sh" in str(raised.value)
    assert "deploy" not in str(raised.value)
    assert redact_url("see https://u:p@h.example/a/b?sig=x#frag and ftp://h/x") == (
        "see https://h.example/a/b and ftp://h/x"
    )
