"""One MEXC WebSocket connection: connect, subscribe, PING, read pushes, reconnect.

MEXC sends no pings, so the client PINGs (every 20 s, like MEXC's Java demo); it drops
subscribed connections that stay silent 60 s and any connection after 24 h. This connection
rotates before the lifetime, reconnects when nothing (not even a PONG) arrived for `stall_s`,
backs off exponentially with jitter after failures, and resubscribes on every connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from enum import StrEnum
from typing import Any, Protocol

import attrs
import websockets
from websockets.exceptions import ConnectionClosed, WebSocketException

from adapters.fake.clock import SystemClock
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.ws_frames import (
    PING,
    Ack,
    FrameError,
    Pong,
    Refusal,
    Reply,
    ServerNotice,
    parse_text,
    parse_wrapper,
    subscribe_message,
)
from mexcore.ports import Clock

log = logging.getLogger("adapters.mexc.ws")

MAX_CHANNELS = 30  # per connection; more are invalid (MEXC "Websocket Limits")


class WebSocketLike(Protocol):
    """The part of a websockets ClientConnection this module uses."""

    async def send(self, message: str) -> None: ...

    async def recv(self) -> str | bytes: ...


Connector = Callable[..., AbstractAsyncContextManager[Any]]


@attrs.frozen
class StreamTimings:
    """How a connection paces itself, in seconds (tests inject short ones)."""

    ping_interval_s: float = 20.0
    stall_s: float = 45.0  # > one PING round: silence this long means a dead socket
    max_lifetime_s: float = 23 * 3600.0  # MEXC cuts at 24 h; rotate well before
    backoff_first_s: float = 0.5
    backoff_max_s: float = 60.0
    jitter: float = 0.25  # each wait is drawn from ±25 % of its step
    connect_timeout_s: float = 10.0
    close_timeout_s: float = 2.0  # a stalled peer never answers the close handshake

    def backoff_s(self, failures: int, draw: float) -> float:
        """Return the wait before reconnecting after `failures` failures in a row.

        Doubling from `backoff_first_s` up to `backoff_max_s`, times 1 ± jitter
        (`draw` in [0, 1)): 0.5 s, 1 s, 2 s, ... 60 s.
        """
        if failures <= 0:
            return 0.0
        step = min(self.backoff_max_s, self.backoff_first_s * 2.0 ** min(failures - 1, 30))
        return step * (1 - self.jitter + 2 * self.jitter * draw)


class End(StrEnum):
    """Why a session ended."""

    STOPPED = "stopped"
    ROTATED = "rotated"  # the connection reached its lifetime
    STALLED = "stalled"  # nothing arrived for stall_s
    CLOSED = "closed"  # the server (or network) closed it
    FAILED = "failed"  # could not connect


@attrs.define
class StreamStats:
    """What a connection has seen, for tests, logs and metrics."""

    connects: int = 0
    pushes: int = 0
    malformed: int = 0
    handler_errors: int = 0
    pongs: int = 0
    acked: set[str] = attrs.Factory(set)
    refused: set[str] = attrs.Factory(set)
    last_frame_ms: int = 0
    ends: list[End] = attrs.Factory(list)


class StreamConnection:
    """Keep one subscribed connection to `url` until `stop` is set; hand pushes to `on_push`.

    `url` may be a function, read at every connect (a user stream's listen key can change).
    `on_reply` sees every text reply (acks, refusals, notices); `on_state(True)` is called
    when the server acks a subscription, `on_state(False)` when the connection ends.
    """

    def __init__(self, url: str | Callable[[], str], channels: Sequence[str],
                 on_push: Callable[[PushDataV3ApiWrapper], None], *,
                 connect: Connector = websockets.connect, clock: Clock | None = None,
                 timings: StreamTimings | None = None) -> None:
        if not 1 <= len(channels) <= MAX_CHANNELS:
            raise ValueError(f"a MEXC connection takes 1 to {MAX_CHANNELS} channels, "
                             f"not {len(channels)}: use a StreamPool")
        self._url = url if callable(url) else (lambda: url)
        self.channels = tuple(channels)
        self._on_push, self._connect = on_push, connect
        self.clock: Clock = clock or SystemClock()
        self.timings = timings or StreamTimings()
        self.on_reply: Callable[[Reply], None] | None = None
        self.on_state: Callable[[bool], None] | None = None
        self.draw: Callable[[], float] = random.random
        self.stats = StreamStats()
        self._request_id = 0

    @property
    def name(self) -> str:
        """Name the connection for logs: the host and first channel, never the listen key."""
        return f"{self._url().split('?', 1)[0]} {self.channels[0]} (+{len(self.channels) - 1})"

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, subscribe and read until `stop` is set, reconnecting as needed."""
        failures = 0
        while not stop.is_set():
            end, healthy = await self._connect_once(stop)
            self.stats.ends.append(end)
            if end is End.STOPPED:
                return
            failures = 0 if end is End.ROTATED else (1 if healthy else failures + 1)
            delay = self.timings.backoff_s(failures, self.draw())
            log.info("stream %s %s; reconnecting in %.2f s", self.name, end, delay)
            if delay > 0:
                await _wait(stop, delay)

    async def _connect_once(self, stop: asyncio.Event) -> tuple[End, bool]:
        session = _Session(self)
        try:
            async with self._connect(self._url(), ping_interval=None,
                                     open_timeout=self.timings.connect_timeout_s,
                                     close_timeout=self.timings.close_timeout_s) as ws:
                self.stats.connects += 1
                return await session.serve(ws, stop), session.healthy
        except ConnectionClosed:
            return End.CLOSED, session.healthy
        except (OSError, TimeoutError, WebSocketException) as e:
            log.warning("stream %s: cannot connect: %s", self.name, type(e).__name__)
            return End.FAILED, session.healthy
        finally:
            if self.on_state is not None:
                self.on_state(False)

    def next_id(self) -> int:
        """Return the next request id (echoed in acks)."""
        self._request_id += 1
        return self._request_id

    def receive(self, frame: str | bytes) -> None:
        """Handle one frame: a binary push to `on_push`, a text reply to the stats."""
        self.stats.last_frame_ms = self.clock.now_ms()
        if isinstance(frame, bytes):
            self._push(frame)
        else:
            self._reply(parse_text(frame))

    def _push(self, frame: bytes) -> None:
        try:
            wrapper = parse_wrapper(frame)
        except FrameError as e:
            self.stats.malformed += 1
            log.warning("stream %s: skipped a frame: %s", self.name, e)
            return
        self.stats.pushes += 1
        try:
            self._on_push(wrapper)
        except Exception:  # a reader's bug must not end the stream; it is counted and logged
            self.stats.handler_errors += 1
            log.exception("stream %s: the push handler failed on %s", self.name, wrapper.channel)

    def _reply(self, reply: Reply) -> None:
        if isinstance(reply, Pong):
            self.stats.pongs += 1
        elif isinstance(reply, Ack):
            self.stats.acked.update(reply.channels)
            if self.on_state is not None:
                self.on_state(True)
        elif isinstance(reply, Refusal):
            self.stats.refused.update(reply.channels)
            log.error("stream %s: MEXC refused %s: %s", self.name, reply.channels, reply.reason)
        elif isinstance(reply, ServerNotice):
            log.warning("stream %s: MEXC says %.200s", self.name, reply.text)
        if self.on_reply is not None:
            self.on_reply(reply)


class _Session:
    """One connected socket: subscribe, then read and PING until it must end."""

    def __init__(self, owner: StreamConnection) -> None:
        self._owner = owner
        self._pushed = False
        self._opened_ms = self._rx_ms = self._tx_ms = owner.clock.now_ms()

    @property
    def healthy(self) -> bool:
        """Tell whether the session proved the server works, so backing off starts anew.

        A push arrived, or it lasted `backoff_max_s`: a server that acks and closes at once
        (overloaded, or banning us) is backed off like one that refuses to connect.
        """
        lasted_ms = self._owner.clock.now_ms() - self._opened_ms
        return self._pushed or lasted_ms >= self._owner.timings.backoff_max_s * 1000

    async def serve(self, ws: WebSocketLike, stop: asyncio.Event) -> End:
        owner = self._owner
        await ws.send(subscribe_message(owner.channels, owner.next_id()))
        self._tx_ms = owner.clock.now_ms()
        stopping = asyncio.ensure_future(stop.wait())
        receiving: asyncio.Future[str | bytes] | None = None
        try:
            while (end := self._due(owner.clock.now_ms())) is None:
                await self._maybe_ping(ws)
                receiving = receiving or asyncio.ensure_future(ws.recv())
                waiting: set[asyncio.Future[Any]] = {receiving, stopping}
                done, _ = await asyncio.wait(waiting, timeout=self._timeout_s(),
                                             return_when=asyncio.FIRST_COMPLETED)
                if stopping in done:
                    return End.STOPPED
                if receiving in done:
                    frame, receiving = receiving.result(), None
                    self._rx_ms = owner.clock.now_ms()
                    self._pushed = self._pushed or isinstance(frame, bytes)
                    owner.receive(frame)
            return end
        finally:
            stopping.cancel()
            if receiving is not None:
                receiving.cancel()

    def _due(self, now_ms: int) -> End | None:
        timings = self._owner.timings
        if now_ms - self._opened_ms >= timings.max_lifetime_s * 1000:
            return End.ROTATED
        if now_ms - self._rx_ms >= timings.stall_s * 1000:
            return End.STALLED
        return None

    async def _maybe_ping(self, ws: WebSocketLike) -> None:
        now = self._owner.clock.now_ms()
        if now - self._tx_ms >= self._owner.timings.ping_interval_s * 1000:
            await ws.send(PING)
            self._tx_ms = now

    def _timeout_s(self) -> float:
        timings, now = self._owner.timings, self._owner.clock.now_ms()
        deadlines_ms = (self._tx_ms + timings.ping_interval_s * 1000,
                        self._rx_ms + timings.stall_s * 1000,
                        self._opened_ms + timings.max_lifetime_s * 1000)
        return max(0.0, (min(deadlines_ms) - now) / 1000)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
