"""A failed run's exception, logged once: by the caller, not again by every future holding it.

When a program fails under the mocks, the one exception reaches :meth:`MockDeployment.run`'s
caller, but Pulumi's outputs and registrations also hold it (or Pulumi's wrappers of it:
"While processing input ... has risen"). As each such future is freed, asyncio logs "Future
exception was never retrieved" with the whole traceback chain, formatted: thousands of records
for a file of bad-input tests, each costing milliseconds under pytest's log capture, and none
telling the reader anything the raised exception did not. The loop's exception handler here
drops exactly those records; any other exception is handed on, as before.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The exceptions the last few failed runs raised, and every link of their chains, as
#: (type, message): Pulumi raises a new but equal error for each input it serializes.
_RAISED: dict[tuple[type[BaseException], str], int] = {}
_RUNS: deque[list[tuple[type[BaseException], str]]] = deque()
_REMEMBERED_RUNS = 4096
_CHAIN_LIMIT = 64
_UNRETRIEVED = "exception was never retrieved"
#: While a run is going on, the records its futures leave; judged when it has ended.
_PENDING: list[list[tuple[asyncio.AbstractEventLoop, dict[str, Any]]]] = []


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < _CHAIN_LIMIT:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _key(error: BaseException) -> tuple[type[BaseException], str]:
    return type(error), str(error)


def remember(error: BaseException) -> None:
    """Record that a run raised ``error`` to its caller."""
    keys = [_key(link) for link in _chain(error)]
    for key in keys:
        _RAISED[key] = _RAISED.get(key, 0) + 1
    _RUNS.append(keys)
    while len(_RUNS) > _REMEMBERED_RUNS:
        for key in _RUNS.popleft():
            _RAISED[key] -= 1
            if not _RAISED[key]:
                del _RAISED[key]


def already_raised(error: BaseException) -> bool:
    """Whether ``error``, or an error in its chain, equals one a run has raised (or a link of
    its chain): the same type and message."""
    return any(_key(link) in _RAISED for link in _chain(error))


@contextmanager
def held(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """For the block (a run), hold back "never retrieved" records; when it ends, drop those
    that repeat what it raised (:func:`remember` it inside the block) and hand on the rest."""
    _install(loop)
    _PENDING.append([])
    try:
        yield
    finally:
        for record_loop, context in _PENDING.pop():
            record_loop.call_exception_handler(context)


def _install(loop: asyncio.AbstractEventLoop) -> None:
    previous = loop.get_exception_handler()
    if getattr(previous, "_drops_raised_repeats", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException) and _UNRETRIEVED in str(context.get("message", "")):
            if _PENDING:
                _PENDING[-1].append((loop, context))
                return
            if already_raised(error):
                return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler._drops_raised_repeats = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)
