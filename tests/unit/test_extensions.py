"""Extension specs, ordering rules, update tags and the public-settings guard.

Update tags are Outputs computed from plain values: read here without any engine."""

from __future__ import annotations

import pulumi
import pytest
from helpers import settle

from vmss_components import ConfigurationError, Extension
from vmss_components._guard import check_public_settings, secret_reason
from vmss_components.extensions import check_extension_list, update_tag


def ext(name: str, after: tuple[str, ...] = ()) -> Extension:
    return Extension(
        name=name, publisher="Contoso", type="T", type_handler_version="1.0", provision_after=after
    )


def test_ordering_loops_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="loops: a -> b -> a"):
        check_extension_list([ext("a", ("b",)), ext("b", ("a",))], "scale_set.extensions")


def test_names_are_unique_ignoring_case() -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_extension_list([ext("Agent"), ext("agent")], "scale_set.extensions")
    assert caught.value.path == "scale_set.extensions[1].name"


def test_an_extension_cannot_wait_for_itself() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ext("a", ("a",))
    assert caught.value.path == "extension.provision_after"


def resolve(tag: pulumi.Output[str]) -> tuple[str, bool]:
    resolved = settle(tag)
    return resolved.value, resolved.secret


def test_tag_is_stable_and_follows_every_public_input() -> None:
    material = {"package": "ab" * 32, "settings": {"x": 1}, "version": "1.10", "rerun": 0}
    first, secret = resolve(update_tag(material))
    assert not secret and len(first) == 16
    assert resolve(update_tag(dict(reversed(list(material.items())))))[0] == first
    for key, value in [
        ("package", "cd" * 32),
        ("settings", {"x": 2}),
        ("version", "1.11"),
        ("rerun", 1),
    ]:
        assert resolve(update_tag({**material, key: value}))[0] != first


def test_tag_with_secret_material_is_keyed_and_not_secret() -> None:
    key = pulumi.Output.secret("k" * 32)
    tag, secret = resolve(update_tag({"a": 1}, secret_material={"password": "hunter2"}, key=key))
    assert not secret
    other_password = resolve(update_tag({"a": 1}, secret_material={"password": "hunter3"}, key=key))
    other_key = resolve(
        update_tag(
            {"a": 1}, secret_material={"password": "hunter2"}, key=pulumi.Output.secret("j" * 32)
        )
    )
    assert tag != other_password[0]
    assert tag != other_key[0], "without the key, nobody can test password guesses against the tag"


def test_tag_accepts_outputs_in_public_material() -> None:
    plain = resolve(update_tag({"url": "https://a/b"}))[0]
    assert resolve(update_tag({"url": pulumi.Output.from_input("https://a/b")}))[0] == plain


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("password", "x"),
        ("AdminPassword", "x"),
        ("storage_account_key", "x"),
        ("sasToken", "x"),
        ("ConnectionString", "x"),
        ("pwd", "x"),
        ("url", "https://a.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdEf123%3D"),
        ("conn", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abcdEFGH1234=="),
        ("endpoint", "SharedAccessSignature=sv=2022"),
    ],
)
def test_guard_finds_secret_looking_values(key: str, value: str) -> None:
    assert secret_reason(key, value) is not None
    with pytest.raises(ConfigurationError) as caught:
        check_public_settings({"outer": {key: value}}, "settings")
    assert caught.value.path == f"settings.outer.{key}"
    assert "protected" in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("userName", "apppool"),
        ("passwordPolicy", "strict"),
        ("url", "https://a.blob.core.windows.net/c/b.zip"),
        # "signature" alone names a credential (issue 14); the algorithm's field does not.
        ("signatureAlgorithm", "sha256"),
        ("keyName", "primary"),
        ("port", 80),
    ],
)
def test_guard_leaves_ordinary_values_alone(key: str, value: object) -> None:
    assert secret_reason(key, value) is None
    check_public_settings({key: value, "list": [value]}, "settings")


def test_guard_judges_the_name_of_an_output() -> None:
    # Issue 14: an Output under a credential name used to be skipped and land in public
    # settings; the name decides whatever the value.
    with pytest.raises(ConfigurationError) as caught:
        check_public_settings({"password": pulumi.Output.from_input("x")}, "settings")
    assert caught.value.path == "settings.password"
    check_public_settings({"userName": pulumi.Output.from_input("x")}, "settings")
