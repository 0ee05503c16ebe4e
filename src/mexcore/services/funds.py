"""Funds reserved atomically across runners, so no two runners spend past a reserve."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager


class FundsLedger:
    """One lock per spent asset: read the balance, decide, place — with no one in between.

    Every runner that spends an asset does it inside `spending(runner, asset, ...)`. The balance
    it reads there already reflects every order another runner placed, because that runner held
    the lock until its order was on the exchange (locking its funds there). A reserve computed
    from that balance therefore holds for all runners together. Locks are taken in sorted order,
    so two runners spending the same pair of assets cannot deadlock.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self.holders: dict[str, str] = {}

    @asynccontextmanager
    async def spending(self, runner: str, *assets: str) -> AsyncIterator[None]:
        """Hold the right to spend `assets` until the block (read, decide, place) ends."""
        async with AsyncExitStack() as stack:
            for asset in sorted(set(assets)):
                await stack.enter_async_context(self._locks.setdefault(asset, asyncio.Lock()))
                self.holders[asset] = runner
                stack.callback(self.holders.pop, asset, None)
            yield
