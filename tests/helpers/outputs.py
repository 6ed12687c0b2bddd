"""Outputs read without any engine: for pure values that happen to be Outputs (update tags)."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi

from vmss_components.testing import UNKNOWN, Resolved


def settle(value: pulumi.Input[Any]) -> Resolved:
    """The value, secretness and knownness of an Output (or plain value), read with no engine
    and no mocks, as :meth:`MockDeployment.resolve` reads it after a run.

    For Outputs computed from plain values and other such Outputs (an update tag): they
    resolve as they would in a deployment, on the thread's event loop.
    """

    async def read() -> Resolved:
        output = pulumi.Output.from_input(value)
        known = await output.is_known()
        return Resolved(
            value=await output.future(with_unknowns=True) if known else UNKNOWN,
            secret=await output.is_secret(),
            known=known,
        )

    return _current_loop().run_until_complete(read())


def _current_loop() -> asyncio.AbstractEventLoop:
    # Outputs belong to the thread's current event loop (Pulumi creates their futures there),
    # so an Output made anywhere in the test is awaited on that loop.
    try:
        loop = asyncio.get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop
