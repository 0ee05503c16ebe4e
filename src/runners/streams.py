"""The WebSocket streams of `mexbot run` (`[mexc] websocket = true`): built, run, watched.

Market streams for the runners' symbols feed a `MarketCache` that the `Exchange` port serves
from (`StreamingExchange`); in live mode the user stream feeds an `AccountCache` and journals
pushed fills at once. A `StreamWatch` over both wakes the quiet runners. A stream that fails
is logged and started again: trading goes on over REST meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from mexcore.policies import BotConfig, MexcPolicy
from mexcore.ports import Clock, Exchange, Store

if TYPE_CHECKING:
    from adapters.mexc import MexcExchange
    from adapters.mexc.market_cache import MarketCache
    from adapters.paper import PaperExchange
    from runners.schedule import LiveWatch

log = logging.getLogger(__name__)
RESTART_S = 5.0  # a failed stream starts again after this long
Task = Callable[[asyncio.Event], Awaitable[None]]


def stream_symbols(config: BotConfig) -> list[str]:
    """Return the symbols the runners watch closely (the scanner's universe stays on REST)."""
    b5 = config.balancer_5050
    return sorted({*config.balance_monitor.targets, *config.pnl_monitor.symbols, *b5.alts,
                   *b5.btc_eth_targets})


def stream_url(mexc: MexcPolicy) -> str:
    """Return `ws_url`, or the `/ws` beside a `base_url` that is not MEXC's (a sandbox).

    A bot pointed at a sandbox's REST with MEXC's stream left at its default would mix
    two markets: it follows the REST server unless `ws_url` says otherwise.
    """
    default = MexcPolicy()
    base = mexc.base_url.rstrip("/")
    if mexc.ws_url != default.ws_url or base == default.base_url:
        return mexc.ws_url
    for rest, ws in (("https://", "wss://"), ("http://", "ws://")):
        if base.startswith(rest):
            return ws + base[len(rest):] + "/ws"
    return mexc.ws_url


def market_cache(config: BotConfig, clock: Clock) -> MarketCache | None:
    """Return the cache the market streams fill, or None when the streams are off."""
    if config.mode == "sim" or not config.mexc.websocket or not stream_symbols(config):
        return None
    from adapters.mexc.market_cache import MarketCache  # protobuf only with streams

    return MarketCache(clock)


def streaming(exchange: Exchange, cache: MarketCache | None, tickers_ttl_s: float) -> Exchange:
    """Return `exchange` (MEXC REST) with its market reads served from `cache` when fresh."""
    if cache is None:
        return exchange
    from adapters.mexc import MexcExchange
    from adapters.mexc.streaming_exchange import StreamingExchange

    assert isinstance(exchange, MexcExchange)
    return StreamingExchange(exchange, cache, tickers_ttl_s=tickers_ttl_s)


@attrs.frozen
class Streams:
    """What runs beside the loops: the stream tasks, and the watch that wakes the loops."""

    watch: LiveWatch | None = None
    tasks: Sequence[Task] = ()
    parts: dict[str, Any] = attrs.field(factory=dict)  # for tests and metrics

    async def run(self, stop: asyncio.Event) -> None:
        """Run every stream until `stop`; one that fails starts again after `RESTART_S`."""
        await asyncio.gather(*(keep_running(task, stop) for task in self.tasks))


async def keep_running(task: Task, stop: asyncio.Event, restart_s: float = RESTART_S) -> None:
    """Run `task` until `stop` is set, starting it again whenever it ends early or fails."""
    while not stop.is_set():
        try:
            await task(stop)
        except Exception:  # crash-only: a stream's failure must not end the run
            log.exception("a stream failed; it starts again in %g s", restart_s)
        if stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), restart_s)


class PaperAccount:
    """The paper account's facts for the watch: it changes only when a port call changes it."""

    def __init__(self, paper: PaperExchange) -> None:
        self._engine = paper.engine

    @property
    def version(self) -> int:
        """Return a number that grows with every change of the simulated account."""
        engine = self._engine
        return engine.account.moves + len(engine.orders) + len(engine.fills)

    def free(self, asset: str) -> Decimal | None:
        """Return the free balance of `asset`."""
        return self._engine.account.free(asset)

    def fresh(self, now_ms: int) -> bool:
        """Tell that the simulated account is always known."""
        return True

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Accept a listener; the market pushes call the watch's listeners often enough."""
        return _nothing


def _nothing() -> None:
    return None


@attrs.frozen
class StreamParts:
    """What `build_streams` needs from the container."""

    config: BotConfig
    cache: MarketCache | None
    rest: MexcExchange | None  # live: the REST adapter (listen keys, balances)
    paper: PaperExchange | None
    store: Store
    clock: Clock


def build_streams(parts: StreamParts) -> Streams:
    """Return the streams of this run (none when `[mexc] websocket = false` or in sim)."""
    cache = parts.cache
    if cache is None:
        return Streams()
    from adapters.mexc.stream_watch import StreamWatch
    from adapters.mexc.ws_pool import market_pool

    url = stream_url(parts.config.mexc)
    pool = market_pool(url, stream_symbols(parts.config), cache)  # a dropped one goes stale
    tasks: list[Task] = [pool.run]
    found: dict[str, Any] = {"market": pool, "cache": cache}
    account: Any = None
    if parts.rest is not None:
        account, user = _user_stream(parts, url)
        tasks.append(user.run)
        found.update(user=user, account=account)
    elif parts.paper is not None:
        account = PaperAccount(parts.paper)
    return Streams(StreamWatch(cache, account), tasks, found)


def _user_stream(parts: StreamParts, url: str) -> tuple[Any, Any]:
    from adapters.mexc.account_cache import AccountCache
    from adapters.mexc.listen_keys import ListenKeys
    from adapters.mexc.user_fills import UserFills
    from adapters.mexc.user_stream import UserData, UserStream
    from adapters.mexc.ws_connection import StreamConnection

    rest = parts.rest
    assert rest is not None
    account = AccountCache()
    data = UserData(account, UserFills(parts.store, parts.clock))
    user = UserStream(ListenKeys(rest.http), url, data, open_stream=StreamConnection,
                      clock=parts.clock, balances=rest.balances)
    return account, user
