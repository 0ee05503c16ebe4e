"""Many MEXC stream channels over as many connections as the 30-per-connection limit needs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_connection import MAX_CHANNELS, StreamConnection


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
