"""The sandbox's world: one FakeExchange per API key over one market and one clock."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from adapters.fake import FakeExchange, Faults, MarketData, load_market_data
from adapters.mexc.constants import WEIGHTS
from adapters.mexc.ratelimit import SlidingWindow
from adapters.sandbox.clock import ReplayClock
from adapters.sandbox.config import (
    MARKET_COUNTERS,
    MARKET_FAULTS,
    SandboxAccount,
    SandboxConfig,
    SandboxFaults,
)
from adapters.sandbox.listen_keys import ListenKeys
from adapters.sandbox.ws_channels import WsSettings, WsStats
from mexcore.ports import Clock

DAY_MS = 24 * 3600 * 1000


class SandboxLimits:
    """MEXC's limits, enforced: 500 weight / 10 s per endpoint and key, 20 requests/s."""

    def __init__(self) -> None:
        self._endpoints: dict[tuple[str, str], SlidingWindow] = {}
        self._totals: dict[str, SlidingWindow] = {}

    def check(self, who: str, endpoint: str, weight: int) -> float | None:
        """Count a call; return seconds to wait (a 429) if it is over a limit, else None."""
        now = time.monotonic_ns() // 1_000_000
        window = self._endpoints.setdefault((who, endpoint), SlidingWindow(500, 10_000))
        total = self._totals.setdefault(who, SlidingWindow(20, 1000))
        wait = max(window.wait_ms(now, weight), total.wait_ms(now, 1))
        if wait > 0:
            return max(1.0, wait / 1000)
        window.record(now, weight)
        total.record(now, 1)
        return None


class Sandbox:
    """Everything the sandbox app serves, mutable by tests and by the admin endpoints."""

    def __init__(self, config: SandboxConfig, *, clock: Clock | None = None,
                 market: MarketData | None = None) -> None:
        self.config = config
        self.faults: SandboxFaults = config.faults
        self.market = market or _load(config)
        self.clock: Clock = clock or ReplayClock(
            config.start_ms or self.market.start_ms + DAY_MS, config.speed)
        self.exchanges = {a.api_key: self._open(a) for a in config.accounts}
        self.accounts: Mapping[str, SandboxAccount] = {a.api_key: a for a in config.accounts}
        self.limits = SandboxLimits() if config.rate_limit else None
        self._unseen: dict[tuple[str, str], int] = {}
        self.requests = 0
        self.paths: Counter[str] = Counter()  # requests by "METHOD /path"
        self.throttled = 0  # requests answered 429 by the limits
        self._anchors: dict[str, tuple[int, float, int]] = {}
        self.ws_settings = WsSettings()
        self.ws_stats = WsStats()
        self.listen_keys = ListenKeys()
        self._symbols: frozenset[str] | None = None

    def _open(self, account: SandboxAccount) -> FakeExchange:
        fake = FakeExchange(self.clock, self.market, seed=self.config.seed,
                            faults=Faults(seed=self.config.seed))
        for asset, amount in account.balances.items():
            if amount > 0:
                fake.deposit(asset, amount)
        return fake

    @property
    def public(self) -> FakeExchange:
        """The exchange that answers public market data (any account's: they share a market)."""
        return next(iter(self.exchanges.values()))

    def exchange_for(self, api_key: str | None) -> FakeExchange:
        """Return the fake exchange of a key (None: the public one), with the market faults."""
        fake = self.public if api_key is None else self.exchanges[api_key]
        target, faults = fake.faults, self.faults
        for name in MARKET_FAULTS:
            setattr(target, name, getattr(faults, name))
        for name in MARKET_COUNTERS:
            if getattr(faults, name) > 0:
                setattr(target, name, getattr(target, name) + getattr(faults, name))
                setattr(faults, name, 0)
        return fake

    def server_ms(self) -> int:
        """Return the server's clock, with any injected skew."""
        return self.clock.now_ms() + self.faults.clock_skew_ms

    @property
    def fast(self) -> bool:
        """Tell whether the market replays at another speed than real time."""
        return isinstance(self.clock, ReplayClock) and self.clock.speed != 1

    def judge_ms(self, api_key: str) -> int:
        """Return the time a key's request timestamp is judged against.

        At speed 1 that is the server clock, as on MEXC. A faster replay outruns every
        client's clock, so there a key's timestamps are judged by how much real time has
        passed since its first accepted request (a skew fault or a 700003 resets that).
        """
        anchor = self._anchors.get(api_key)
        if not self.fast or anchor is None or anchor[2] != self.faults.clock_skew_ms:
            return self.server_ms()
        timestamp, real_s, _ = anchor
        return timestamp + int((time.monotonic() - real_s) * 1000)

    def window_scale(self, api_key: str) -> float:
        """Return how far to stretch a key's recvWindow: the replay speed until it is anchored.

        Until then its timestamps come from a server time read earlier; at speed 60 the 5 s
        window is 83 real ms, shorter than a paced client takes between reading and signing.
        """
        clock = self.clock
        if not isinstance(clock, ReplayClock) or api_key in self._anchors:
            return 1.0
        return clock.speed

    def note_timestamp(self, api_key: str, timestamp: int | None) -> None:
        """Remember a key's first accepted timestamp (fast replay), or forget it (None)."""
        if timestamp is None:
            self._anchors.pop(api_key, None)
        elif self.fast and api_key not in self._anchors:
            self._anchors[api_key] = (timestamp, time.monotonic(), self.faults.clock_skew_ms)

    def keys(self) -> ListenKeys:
        """Return the listen keys, with any pending `expire_listen_keys_next` fault moved in."""
        if self.faults.expire_listen_keys_next > 0:
            self.listen_keys.expire_next += self.faults.expire_listen_keys_next
            self.faults.expire_listen_keys_next = 0
        return self.listen_keys

    def symbols(self) -> frozenset[str]:
        """Return the symbols the streams serve (those with market data)."""
        if self._symbols is None:
            fake = self.public
            self._symbols = frozenset(s for s in fake.engine.rules if fake.market.has(s))
        return self._symbols

    def move_price(self, symbol: str, ticks: int) -> None:
        """Shift `symbol`'s book by `ticks` in every account until the minute completes."""
        for fake in self.exchanges.values():
            fake.engine.rules_for(symbol)
            fake.engine.shift(symbol, ticks, self.clock.now_ms())

    def deposit(self, api_key: str, asset: str, amount: Decimal) -> None:
        """Credit an account (the sandbox's stand-in for a deposit)."""
        self.exchanges[api_key].deposit(asset, amount)

    def advance(self, seconds: float) -> None:
        """Move the market's clock forward, if it can be moved."""
        advance = getattr(self.clock, "advance", None)
        if advance is None:
            raise ValueError("this sandbox clock cannot be advanced")
        advance(seconds)

    def weight(self, method: str, path: str, has_symbol: bool) -> int:
        """Return the MEXC weight of a call."""
        if path.endswith("/ticker/24hr") and has_symbol:
            return 1
        return WEIGHTS.get(f"{method} {path}", 1)

    def note_created(self, api_key: str, client_order_id: str) -> None:
        """Remember a new order (for MEXC's brief -2013 right after creation)."""
        self._unseen[(api_key, client_order_id)] = self.faults.hide_new_orders_queries

    def hidden(self, api_key: str, client_order_id: str) -> bool:
        """Tell whether a fresh order is still invisible to this query (and count it)."""
        left = self._unseen.get((api_key, client_order_id), 0)
        if left <= 0:
            return False
        self._unseen[(api_key, client_order_id)] = left - 1
        return True

def _load(config: SandboxConfig) -> MarketData:
    if config.data == "bundled":
        return load_market_data(seed=config.seed)
    folder = Path(config.data)
    if not folder.is_dir():
        raise FileNotFoundError(f"sandbox data folder {folder} does not exist")
    return load_market_data(folder, seed=config.seed)
