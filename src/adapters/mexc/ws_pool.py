"""Many MEXC stream channels over as many connections as the 30-per-connection limit needs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from adapters.mexc.market_cache import MarketCache, market_channels
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_connection import MAX_CHANNELS, StreamConnection, StreamTimings


def chunks(channels: Sequence[str], size: int = MAX_CHANNELS) -> list[tuple[str, ...]]:
    """Split `channels` (duplicates dropped, order kept) into groups of at most `size`."""
    if size < 1:
        raise ValueError(f"a group holds at least one channel, not {size}")
    unique = tuple(dict.fromkeys(channels))
    return [unique[i:i + size] for i in range(0, len(unique), size)]


class StreamPool:
    """One `StreamConnection` per 30 channels, all run together until `stop`."""

    def __init__(self, connections: Sequence[StreamConnection]) -> None:
        self.connections = tuple(connections)

    @classmethod
    def open(cls, url: str | Callable[[], str], channels: Sequence[str],
             on_push: Callable[[PushDataV3ApiWrapper], None],
             make: Callable[..., StreamConnection] = StreamConnection) -> StreamPool:
        """Build the pool's connections; `make` takes StreamConnection's arguments."""
        if not channels:
            raise ValueError("a stream pool needs at least one channel")
        return cls([make(url, group, on_push) for group in chunks(channels)])

    async def run(self, stop: asyncio.Event) -> None:
        """Run every connection until `stop` is set (an error in one stops them all)."""
        async with asyncio.TaskGroup() as group:
            for connection in self.connections:
                group.create_task(connection.run(stop))


def market_pool(url: str, symbols: Sequence[str], cache: MarketCache,
                timings: StreamTimings | None = None,
                intervals: Sequence[str] = ("1m",)) -> StreamPool:
    """Stream the market channels of `symbols` into `cache`, a symbol's channels together.

    `intervals` are the REST kline intervals the services read (`1m`, `15m`, `60m`, ...).

    When a connection drops, the cache forgets its symbols until their pushes come again,
    so reads go to REST meanwhile and the book is rebuilt from a new snapshot.
    """
    per_connection = MAX_CHANNELS // len(market_channels(["X"], intervals))
    connections = []
    for group in chunks(symbols, per_connection):
        connection = StreamConnection(url, market_channels(group, intervals), cache.on_push,
                                      clock=cache.clock, timings=timings)
        connection.on_state = _expire_when_down(cache, group)
        connections.append(connection)
    return StreamPool(connections)


def _expire_when_down(cache: MarketCache, symbols: Sequence[str]) -> Callable[[bool], None]:
    def on_state(up: bool) -> None:
        if not up:
            cache.expire(symbols)

    return on_state
