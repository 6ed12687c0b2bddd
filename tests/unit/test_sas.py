"""SAS expiry: rotation windows, minimum lifetime, fixed expiries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import NOW, policy_at

from vmss_components import ConfigurationError, SasPolicy
from vmss_components.store.sas import EPOCH


def test_default_policy_expiry_is_end_of_window_plus_min_lifetime() -> None:
    policy = policy_at(NOW)
    windows_passed = (NOW - EPOCH) // timedelta(days=90)
    window_end = EPOCH + (windows_passed + 1) * timedelta(days=90)
    assert policy.expiry_time() == window_end + timedelta(days=180)
    assert policy.expiry_text().endswith("T00:00:00Z")


def test_same_value_within_a_window_and_a_new_one_in_the_next() -> None:
    start = EPOCH + 11 * timedelta(days=30)
    first = policy_at(start, rotation_days=30, min_lifetime_days=60).expiry_text()
    for offset in (timedelta(hours=1), timedelta(days=10), timedelta(days=29, hours=23)):
        assert (
            policy_at(start + offset, rotation_days=30, min_lifetime_days=60).expiry_text() == first
        )
    following = policy_at(start + timedelta(days=30), rotation_days=30, min_lifetime_days=60)
    assert following.expiry_time() - datetime.fromisoformat(
        first.replace("Z", "+00:00")
    ) == timedelta(days=30)


@pytest.mark.parametrize("hours", [0, 1, 500, 2159, 2160, 4321, 10_000, 40_000])
def test_never_less_than_min_lifetime_ahead(hours: int) -> None:
    now = NOW + timedelta(hours=hours, minutes=17)
    expiry = policy_at(now).expiry_time()
    assert expiry - now >= timedelta(days=180)
    assert expiry - now < timedelta(days=90 + 180)


def test_fixed_expiry_overrides_the_windows() -> None:
    fixed = datetime(2027, 9, 1, 8, 30, tzinfo=UTC)
    assert policy_at(expiry=fixed).expiry_text() == "2027-09-01T08:30:00Z"
    assert policy_at(expiry=date(2027, 9, 1)).expiry_text() == "2027-09-01T00:00:00Z"
    assert policy_at(expiry="2027-09-01T08:30:00+01:00").expiry_text() == "2027-09-01T07:30:00Z"
    assert policy_at(expiry="2027-09-01").expiry_text() == "2027-09-01T00:00:00Z"


@pytest.mark.parametrize(
    ("expiry", "message"),
    [
        (NOW - timedelta(days=1), "in the past"),
        (NOW + timedelta(days=179, hours=23), "less than min_lifetime_days (180)"),
        ("2026-11-25T00:00:00Z", "less than min_lifetime_days"),
        ("next tuesday", "not an ISO 8601"),
        (datetime(2027, 3, 1, 8, 30), "no time zone"),
        (20270301, "expected a datetime"),
    ],
)
def test_bad_fixed_expiry(expiry: object, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        policy_at(expiry=expiry)
    assert caught.value.path == "sas.expiry"
    assert message in str(caught.value)


def test_fixed_expiry_min_lifetime_ahead_is_accepted() -> None:
    assert policy_at(expiry=NOW + timedelta(days=180)).expiry_time() == NOW + timedelta(days=180)
    seven = policy_at(expiry=NOW + timedelta(days=7), min_lifetime_days=7)
    assert seven.expiry_time() == NOW + timedelta(days=7)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rotation_days", 0),
        ("rotation_days", -5),
        ("rotation_days", 1.5),
        ("rotation_days", True),
        ("min_lifetime_days", 6),
        ("min_lifetime_days", "180"),
        ("min_lifetime_days", 10_000),
    ],
)
def test_bad_policy_numbers(field: str, value: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SasPolicy(**{field: value})  # type: ignore[arg-type]
    assert caught.value.path == f"sas.{field}"


def test_clock_must_be_timezone_aware() -> None:
    policy = SasPolicy(clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(ConfigurationError) as caught:
        policy.expiry_time()
    assert caught.value.path == "sas.clock"
