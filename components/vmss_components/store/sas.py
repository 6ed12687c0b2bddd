"""When read-only SAS tokens expire. Pure: no Pulumi here.

A service SAS is an HMAC of its parameters, expiry included: the same expiry gives the same
token, and a new token changes every extension setting that carries it, which rolls the scale
set. So the expiry must not move on every ``pulumi up`` (no spurious rollouts), yet every
deployment must leave enough lifetime for instances created later by scale-out, reimage or
repair, which download the artifact again with the token in the model.

Rotation windows do both. Time is cut into windows of ``rotation_days`` counted from a fixed
epoch (2024-01-01T00:00:00Z)::

    window = floor((now - EPOCH) / rotation_days)
    expiry = EPOCH + (window + 1) * rotation_days + min_lifetime_days

Every run inside one window computes the same expiry, hence the same token. The first run in
a new window gets a later expiry: a new token, one scheduled rollout per window. The expiry
is always at least ``min_lifetime_days`` and less than ``rotation_days + min_lifetime_days``
ahead of the run that set it. A fixed ``expiry`` overrides the windows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .._redact import show
from .._rules import declare_rule
from ..errors import ConfigurationError

#: Windows are counted from here; a constant, so every machine agrees on the window.
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
#: The shortest ``min_lifetime_days`` allowed; a fixed expiry must leave ``min_lifetime_days``.
MIN_FIXED_LIFETIME = timedelta(days=7)
_MAX_DAYS = 3650
# A date and nothing else: the whole string, so "2030-06-15 18:30:00" is not read as a date.
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

EXPIRY_LIFETIME = declare_rule(
    "sas-expiry-lifetime",
    "A fixed SAS expiry is in the future and leaves at least min_lifetime_days: instances "
    "created later by scale-out, reimage or repair download with the token in the model.",
    where="vmss_components.store.sas.SasPolicy.expiry_time",
    paths=("sas.expiry",),
)
EXPIRY_PARSED = declare_rule(
    "sas-expiry-parsed-whole",
    "A SAS expiry string is an ISO 8601 date (midnight UTC) or a date and time with a time "
    "zone, read whole: a time without a zone, or anything left over, is refused, never "
    "dropped; a moment that cannot be expressed in UTC is refused.",
    where="vmss_components.store.sas._parse_expiry",
    paths=("sas.expiry",),
)


def utc_now() -> datetime:
    """The current time in UTC: the default clock of :class:`SasPolicy`."""
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class SasPolicy:
    """How long read-only SAS tokens live, and when they rotate.

    Time is cut into windows of ``rotation_days`` counted from 2024-01-01T00:00Z; every token
    signed in one window expires ``min_lifetime_days`` after that window ends.
    """

    rotation_days: int = 90
    """Length of a rotation window (1-3650 days): every run inside one window signs the same
    expiry, so the same token; the first run in a new window rotates it (a scheduled
    rollout)."""
    min_lifetime_days: int = 180
    """Lifetime (7-3650 days) every deployment leaves at least, for instances created later
    by scale-out, reimage or repair, which download with the token in the model."""
    expiry: datetime | date | str | None = None
    """A fixed expiry instead of the windows: a timezone-aware datetime, a date (midnight
    UTC) or an ISO 8601 string (a date, or a date and time with its zone); one in the past or
    less than ``min_lifetime_days`` away is refused."""
    clock: Callable[[], datetime] = utc_now
    """Returns the current time (timezone-aware); injectable so tests can stand anywhere in
    time."""

    def __post_init__(self) -> None:
        if not callable(self.clock):
            raise ConfigurationError(
                "sas.clock", f"expected a function returning the time, got {show(self.clock)}"
            )
        _check_days(self.rotation_days, "sas.rotation_days", minimum=1)
        _check_days(self.min_lifetime_days, "sas.min_lifetime_days", minimum=7)
        if self.expiry is not None:
            self.expiry_time()

    def expiry_time(self) -> datetime:
        """The expiry tokens signed now carry (UTC, whole seconds)."""
        now = _aware(self.clock(), "sas.clock")
        if self.expiry is not None:
            fixed = _parse_expiry(self.expiry)
            if fixed <= now:
                raise ConfigurationError(
                    "sas.expiry",
                    f"{format_expiry(fixed)} is in the past (now {format_expiry(now)})",
                )
            if fixed - now < timedelta(days=self.min_lifetime_days):
                raise ConfigurationError(
                    "sas.expiry",
                    f"{format_expiry(fixed)} is less than min_lifetime_days "
                    f"({self.min_lifetime_days}) away: instances created by a later scale-out "
                    "could not download their artifacts",
                )
            return fixed
        rotation = timedelta(days=self.rotation_days)
        window = (now - EPOCH) // rotation
        return EPOCH + (window + 1) * rotation + timedelta(days=self.min_lifetime_days)

    def expiry_text(self) -> str:
        """The expiry as the SAS API takes it: ``2027-06-29T00:00:00Z``."""
        return format_expiry(self.expiry_time())


def format_expiry(moment: datetime) -> str:
    """UTC ISO 8601 with a ``Z``, whole seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_days(value: object, path: str, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(path, f"expected a whole number of days, got {show(value)}")
    if not minimum <= value <= _MAX_DAYS:
        raise ConfigurationError(path, f"{value} is outside {minimum}..{_MAX_DAYS} days")


def _aware(moment: object, path: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ConfigurationError(path, f"must return a timezone-aware datetime, got {show(moment)}")
    return moment.astimezone(UTC)


def _parse_expiry(value: datetime | date | str) -> datetime:
    if isinstance(value, str):
        value = _parse_expiry_text(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ConfigurationError(
                "sas.expiry", f"{value.isoformat()} has no time zone: give one, or a date (UTC)"
            )
        try:
            return value.astimezone(UTC).replace(microsecond=0)
        except (OverflowError, ValueError) as error:
            raise ConfigurationError(
                "sas.expiry", f"{value.isoformat()} cannot be expressed in UTC"
            ) from error
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=UTC)
    raise ConfigurationError(
        "sas.expiry", f"expected a datetime, date or ISO string, got {show(value)}"
    )


def _parse_expiry_text(text: str) -> datetime | date:
    """An ISO 8601 date, or date and time with a zone, read whole (never truncated)."""
    if _DATE_ONLY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise ConfigurationError("sas.expiry", f"{show(text)} is not a date") from error
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise ConfigurationError(
            "sas.expiry", f"{show(text)} is not an ISO 8601 date, or date and time with a time zone"
        ) from error
    if parsed.tzinfo is None:
        # A date in ISO 8601's other forms (basic '20300615', week '2030-W01-1') has no time:
        # read as a date, midnight UTC, like '2030-06-15'; only a time without a zone is refused.
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        raise ConfigurationError(
            "sas.expiry",
            f"{show(text)} has a time but no time zone: add one ('Z', '+01:00'), or give a date",
        )
    return parsed
