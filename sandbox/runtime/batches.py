"""Calls that queue up while a batch is out go together in the next one: what a store does to
spend one round trip (or one thread hand-off and one transaction) on many requests' calls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

Call = TypeVar("Call")
# each call's outcome, in order: its error, or None and its result
Outcomes = list[tuple[BaseException | None, Any]]


class Batches(Generic[Call]):
    def __init__(self, send: Callable[[list[Call]], Awaitable[Outcomes]]) -> None:
        self._send = send
        self._pending: list[tuple[Call, asyncio.Future]] = []
        self._sender: asyncio.Task | None = None

    async def run(self, call: Call) -> Any:
        """The result of `call`, sent with whatever else is waiting."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._pending.append((call, done))
        sender = self._sender
        # A task of its own, not the caller's: a caller cancelled mid-batch leaves the rest waiting.
        if sender is None or sender.done() or sender.get_loop() is not loop:
            self._sender = loop.create_task(self._send_pending())
        return await done

    async def _send_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                outcomes = await self._send([call for call, _ in batch])
                if len(outcomes) != len(batch):  # else some callers would wait for ever
                    raise RuntimeError(f"{len(batch)} calls sent, {len(outcomes)} outcomes back")
            except Exception as error:  # the batch itself failed: so did every call in it
                outcomes = [(error, None)] * len(batch)
            for (_, done), (error, result) in zip(batch, outcomes, strict=True):
                if done.done() or done.get_loop().is_closed():
                    continue
                if error is None:
                    done.set_result(result)
                else:
                    done.set_exception(error)
