"""MEXC's user-data stream: a listen key's life, and the private pushes it carries.

`UserStream.run` creates a listen key, keeps one connection to `<ws_url>?listenKey=KEY` with
the three private channels, keeps the key alive every 30 minutes, and replaces it when MEXC
refuses it (a refused keep-alive, an `Invalid listen key` notice, a key unconfirmed for its
60 minutes of validity); the connection then reconnects with the new key. A disconnect makes
it check the key at once (what a server does with an expired key's socket is undocumented).
It holds one key at a time, deletes a replaced key and the last one at shutdown, and creates
keys at most once per `renew_gap_s`, so even keys it fails to delete stay below MEXC's 60.
`UserData` routes the pushes: balances to the `AccountCache`, fills and order states to the
journal (`UserFills`); after every (re)connect the balances are read again over REST.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from adapters.mexc.account_cache import AccountCache
from adapters.mexc.errors import redact
from adapters.mexc.exchange import MexcExchange
from adapters.mexc.listen_keys import ListenKey, ListenKeyGone, ListenKeys
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper
from adapters.mexc.user_fills import UserFills
from adapters.mexc.ws_connection import Connector, StreamConnection, StreamTimings
from adapters.mexc.ws_frames import (
    AccountPush,
    FrameError,
    OrderPush,
    OwnDealPush,
    Push,
    Reply,
    ServerNotice,
    decode_push,
)
from mexcore.errors import ExchangeDataError, MexbotError, RetryLater, StopForHuman
from mexcore.ports import Clock, Store
from mexcore.values import Balance

log = logging.getLogger("adapters.mexc.ws")

CHANNELS = ("spot@private.orders.v3.api.pb", "spot@private.deals.v3.api.pb",
            "spot@private.account.v3.api.pb")


class _RedactListenKeys(logging.Filter):
    """Keep listen keys out of websockets' own log lines (`> GET /ws?listenKey=… HTTP/1.1`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact `listenKey=…` in the record's text; keep the record."""
        text = record.getMessage()
        if "listenKey=" in text:
            record.msg, record.args = redact(text, ()), None
        return True


def _install_log_redaction() -> None:
    # A logger's filters see only its own records, so each websockets logger gets one.
    for name in ("websockets", "websockets.client", "websockets.server"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactListenKeys) for f in logger.filters):
            logger.addFilter(_RedactListenKeys())


class StreamLike(Protocol):
    """What the user stream needs of a connection (`ws_connection.StreamConnection`)."""

    on_reply: Callable[[Reply], None] | None
    on_state: Callable[[bool], None] | None

    async def run(self, stop: asyncio.Event) -> None: ...


OpenStream = Callable[[Callable[[], str], Sequence[str], Callable[[PushDataV3ApiWrapper], None]],
                      StreamLike]
ReadBalances = Callable[[], Awaitable[Mapping[str, Balance]]]


@attrs.frozen
class UserStreamTimings:
    """The listen key's pacing, in seconds (tests inject short ones)."""

    keepalive_s: float = 1800.0  # MEXC recommends 30 minutes; a key lives 60
    key_validity_s: float = 3600.0
    retry_s: float = 30.0  # after a failed keep-alive, key creation or balance read
    verify_gap_s: float = 10.0  # at most one key check per this many seconds of disconnects
    renew_gap_s: float = 90.0  # at most one new key per this: < 60 keys an hour, MEXC's cap


def connection_opener(clock: Clock, connect: Connector | None = None,
                      timings: StreamTimings | None = None) -> OpenStream:
    """Return an OpenStream making `StreamConnection`s on `clock` (`connect`: websockets')."""
    def open_stream(url: Callable[[], str], channels: Sequence[str],
                    on_push: Callable[[PushDataV3ApiWrapper], None]) -> StreamLike:
        if connect is None:
            return StreamConnection(url, channels, on_push, clock=clock, timings=timings)
        return StreamConnection(url, channels, on_push, connect=connect, clock=clock,
                                timings=timings)

    return open_stream


class UserData:
    """Route private pushes: balances to the cache, fills and order states to the journal."""

    def __init__(self, cache: AccountCache, fills: UserFills | None = None) -> None:
        self.cache = cache
        self.fills = fills
        self.skipped = 0

    def on_push(self, wrapper: PushDataV3ApiWrapper) -> None:
        """Apply one private push; an unreadable one is logged and skipped."""
        try:
            self._apply(decode_push(wrapper))
        except (FrameError, ExchangeDataError) as e:
            self.skipped += 1
            log.warning("user stream: skipped a push on %s: %s", wrapper.channel, e)
            self.cache.touch()  # the account may have changed all the same

    def _apply(self, push: Push) -> None:
        if isinstance(push, AccountPush):
            self.cache.apply(push.asset, push.free, push.locked)
            return
        if isinstance(push, OwnDealPush) and self.fills is not None:
            self.fills.on_deal(push)
        elif isinstance(push, OrderPush) and self.fills is not None:
            self.fills.on_order(push)
        self.cache.touch()


class UserStream:
    """Keep a listen key and its connection alive until stopped; delete the key at the end."""

    def __init__(self, keys: ListenKeys, ws_url: str, data: UserData, *, clock: Clock,
                 open_stream: OpenStream | None = None,
                 balances: ReadBalances | None = None) -> None:
        self._keys, self._ws_url, self.data, self._clock = keys, ws_url, data, clock
        self.balances = balances  # read over REST after each (re)connect
        self.timings = UserStreamTimings()  # replace it to pace a test or a sandbox
        opener = open_stream or connection_opener(clock)
        self.stream = opener(self.url, CHANNELS, data.on_push)
        self.stream.on_reply, self.stream.on_state = self._on_reply, self._on_state
        self._key: ListenKey | None = None
        self._wake = asyncio.Event()
        self._flags: set[str] = set()  # "gone", "suspect", "resync"
        self._alive_ms = self._next_put_ms = self._verified_ms = self._created_ms = 0
        self._resync_at_ms = 0
        self.keys_created = 0
        _install_log_redaction()

    def url(self) -> str:
        """Return the stream URL with the current key (a secret: never log it)."""
        if self._key is None:
            raise RuntimeError("the user stream has no listen key yet")
        return f"{self._ws_url}?listenKey={self._key.value}"

    async def run(self, stop: asyncio.Event) -> None:
        """Serve the user stream until `stop` is set."""
        if not await self._new_key(stop):
            return
        session = self._session(stop)
        try:
            while not stop.is_set():
                await self._wait(stop, self._next_due_s())
                if session.crashed:
                    await session.end()
                    await _wait_for(stop, self._clock, self.timings.retry_s)
                    session = self._session(stop)
                elif not stop.is_set() and await self._step():
                    await session.end()
                    if not await self._replace_key(stop):
                        return
                    session = self._session(stop)
        finally:
            await session.end()
            await self._delete_key()

    def _session(self, stop: asyncio.Event) -> _Session:
        return _Session(self.stream, stop, self._wake.set)

    async def _step(self) -> bool:
        """Do what is due; return True when the key must be replaced."""
        if self.data.fills is not None:
            self.data.fills.settle_early()
        await self._resync()
        now = self._clock.now_ms()
        if "gone" in self._flags:
            return True
        verify = "suspect" in self._flags and now - self._verified_ms >= \
            self.timings.verify_gap_s * 1000
        if not verify and now < self._next_put_ms:
            return False
        self._flags.discard("suspect")
        self._verified_ms = now
        return await self._keep_alive(now)

    async def _keep_alive(self, now_ms: int) -> bool:
        assert self._key is not None
        try:
            await self._keys.keep_alive(self._key)
        except ListenKeyGone as e:
            log.warning("user stream: %s; making a new listen key", e)
            return True
        except RetryLater as e:
            self._next_put_ms = now_ms + round(self.timings.retry_s * 1000)
            expired = now_ms - self._alive_ms >= self.timings.key_validity_s * 1000
            log.warning("user stream: listen key keep-alive failed (%s)%s", e,
                        "; it has expired: making a new one" if expired else "")
            return expired
        self._kept_alive(now_ms)
        return False

    def _kept_alive(self, now_ms: int) -> None:
        self._alive_ms = now_ms
        self._next_put_ms = now_ms + round(self.timings.keepalive_s * 1000)

    async def _resync(self) -> None:
        now = self._clock.now_ms()
        if "resync" not in self._flags or self.balances is None or now < self._resync_at_ms:
            return
        self._flags.discard("resync")
        since = self.data.cache.version
        try:
            snapshot = await self.balances()
        except (RetryLater, ExchangeDataError) as e:
            log.warning("user stream: balances not read after connecting (%s); retrying", e)
            self._flags.add("resync")
            self._resync_at_ms = now + round(self.timings.retry_s * 1000)
            return
        self.data.cache.load(snapshot, since)

    async def _new_key(self, stop: asyncio.Event) -> bool:
        """Create a key, retrying until it works or `stop` is set; False when stopped."""
        gap_ms = round(self.timings.renew_gap_s * 1000)
        if self.keys_created:
            await _wait_for(stop, self._clock, (self._created_ms + gap_ms
                                                - self._clock.now_ms()) / 1000)
        while not stop.is_set():
            try:
                self._key = await self._keys.create()
            except StopForHuman:
                raise
            except MexbotError as e:
                log.warning("user stream: no listen key (%s); retrying in %.0f s", e,
                            self.timings.retry_s)
                await _wait_for(stop, self._clock, self.timings.retry_s)
                continue
            self.keys_created += 1
            self._created_ms = self._clock.now_ms()
            self._kept_alive(self._created_ms)
            self._flags.clear()
            return True
        return False

    async def _replace_key(self, stop: asyncio.Event) -> bool:
        await self._delete_key()
        return await self._new_key(stop)

    async def _delete_key(self) -> None:
        key, self._key = self._key, None
        if key is None:
            return
        try:
            await self._keys.delete(key)
        except MexbotError as e:  # it expires by itself within the hour
            log.warning("user stream: listen key %s not deleted (%s)", key, e)

    def _next_due_s(self) -> float:
        due = [self._next_put_ms]
        if "suspect" in self._flags:
            due.append(self._verified_ms + round(self.timings.verify_gap_s * 1000))
        if "resync" in self._flags and self.balances is not None:
            due.append(self._resync_at_ms)
        return max(0.0, (min(due) - self._clock.now_ms()) / 1000)

    async def _wait(self, stop: asyncio.Event, seconds: float) -> None:
        if not self._wake.is_set():
            wake = asyncio.ensure_future(self._wake.wait())
            try:
                await _wait_for(stop, self._clock, seconds, wake)
            finally:
                wake.cancel()
        self._wake.clear()

    def _on_state(self, up: bool) -> None:
        if up and self.data.cache.is_connected:
            return  # another ack of the same connection
        if up:
            self.data.cache.connected(self._clock.now_ms())
            self._flags.add("resync")
            self._resync_at_ms = 0
        else:
            self.data.cache.disconnected()
            self._flags.add("suspect")
        self._wake.set()

    def _on_reply(self, reply: Reply) -> None:
        self.data.cache.heard(self._clock.now_ms())
        if isinstance(reply, ServerNotice) and reply.is_auth_failure:
            # ccxt's reading of a bare "Invalid listen key" frame (unverified in MEXC's docs)
            self._flags.add("gone")
            self._wake.set()


def user_data_stream(exchange: MexcExchange, ws_url: str, store: Store | None, clock: Clock, *,
                     connect: Connector | None = None) -> UserStream:
    """Build the user stream of `exchange`'s account: a new AccountCache, fills into `store`."""
    fills = UserFills(store, clock) if store is not None else None
    return UserStream(ListenKeys(exchange.http), ws_url, UserData(AccountCache(), fills),
                      clock=clock, open_stream=connection_opener(clock, connect),
                      balances=exchange.balances)


class _Session:
    """One run of the connection with the current key, stopped on its own or with `stop`."""

    def __init__(self, stream: StreamLike, stop: asyncio.Event, on_end: Callable[[], None]
                 ) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.ensure_future(self._run(stream, stop))
        self._task.add_done_callback(lambda _: on_end())

    async def _run(self, stream: StreamLike, stop: asyncio.Event) -> None:
        follow = asyncio.ensure_future(stop.wait())
        follow.add_done_callback(lambda f: None if f.cancelled() else self._stop.set())
        try:
            await stream.run(self._stop)
        finally:
            follow.cancel()

    @property
    def crashed(self) -> bool:
        """Tell whether the connection ended without being asked to."""
        return self._task.done() and not self._stop.is_set()

    async def end(self) -> None:
        """Stop the connection and wait for it; a crash is logged, not raised."""
        self._stop.set()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        except Exception:  # the key must still be deleted, the stream started again
            log.exception("user stream: the connection failed")


async def _wait_for(stop: asyncio.Event, clock: Clock, seconds: float,
                    *more: asyncio.Future[Any]) -> None:
    """Sleep `seconds` on `clock`, or less when `stop` (or any of `more`) is set first."""
    if stop.is_set() or seconds <= 0:
        return
    stopping = asyncio.ensure_future(stop.wait())
    sleeping = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({stopping, sleeping, *more}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        sleeping.cancel()
