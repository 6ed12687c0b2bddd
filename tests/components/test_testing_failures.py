"""A failed run's exception reaches the caller once.

Pulumi's registrations and outputs hold a failure too (new but equal errors, wrapped in "While
processing input ... has risen"); as each such future is freed, asyncio logs "Future exception
was never retrieved" with the formatted chain: thousands of records per file of bad-input
tests under pytest's log capture. The kit drops those repeats, during the run and after it,
and still hands on every exception that no run raised.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import pytest

from vmss_components.testing import MockDeployment
from vmss_components.testing._runtime import _ensure_event_loop

UNRETRIEVED = "exception was never retrieved"


class Refused(ValueError):
    pass


def _abandon(error: BaseException) -> None:
    """A future that holds ``error`` and is freed unread, as Pulumi leaves them."""
    loop: asyncio.AbstractEventLoop = _ensure_event_loop()  # type: ignore[no-untyped-call]
    future = loop.create_future()
    future.set_exception(error)
    del future
    gc.collect()


def _wrapped(message: str) -> ValueError:
    try:
        try:
            raise Refused(message)
        except Refused as inner:
            raise ValueError(
                f"While processing input: 'value'\nValueError has risen: {inner}"
            ) from inner
    except ValueError as outer:
        return outer


def _failing_program() -> None:
    # Futures freed while the run goes on, holding an error equal to the one it raises.
    _abandon(_wrapped("the value is refused"))
    _abandon(Refused("the value is refused"))
    raise Refused("the value is refused")


def _unretrieved(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if UNRETRIEVED in r.getMessage()]


def test_the_raised_failure_is_not_logged_again_by_futures_that_hold_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")
    with MockDeployment() as deployment, pytest.raises(Refused, match="the value is refused"):
        deployment.run(_failing_program)
    _abandon(_wrapped("the value is refused"))  # freed after the run, as cycles are
    assert _unretrieved(caplog) == []


def test_an_exception_no_run_raised_is_still_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="asyncio")

    def program() -> None:
        _abandon(KeyError("left inside the run"))
        raise Refused("the value is refused")

    with MockDeployment() as deployment, pytest.raises(Refused):
        deployment.run(program)
    _abandon(KeyError("left after the run"))
    _abandon(_wrapped("another value is refused"))
    logged = [r.exc_info[1] for r in _unretrieved(caplog) if r.exc_info is not None]
    assert [str(e) for e in logged] == [
        "'left inside the run'",
        "'left after the run'",
        "While processing input: 'value'\nValueError has risen: another value is refused",
    ]


def test_a_users_own_loop_handler_still_gets_the_others() -> None:
    loop: asyncio.AbstractEventLoop = _ensure_event_loop()  # type: ignore[no-untyped-call]
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    try:
        with MockDeployment() as deployment, pytest.raises(Refused):
            deployment.run(_failing_program)
        _abandon(KeyError("nobody raised this"))
    finally:
        loop.set_exception_handler(previous)
    assert [type(c.get("exception")) for c in seen] == [KeyError]
