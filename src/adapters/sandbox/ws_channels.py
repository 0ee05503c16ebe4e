"""The sandbox's WebSocket channel names, parsed as MEXC spells them (protobuf, `.pb`)."""

from __future__ import annotations

import re

import attrs

MAX_SUBSCRIPTIONS = 30  # per connection; further ones are refused
PRIVATE = {
    "spot@private.orders.v3.api.pb": "orders",
    "spot@private.deals.v3.api.pb": "deals",
    "spot@private.account.v3.api.pb": "account",
}
# MEXC's kline intervals → the fake market's
KLINE_INTERVALS = {"Min1": "1m", "Min5": "5m", "Min15": "15m", "Min30": "30m", "Min60": "60m",
                   "Hour4": "4h", "Day1": "1d", "Week1": "1W", "Month1": "1M"}
_PUBLIC = [
    ("book_ticker",
     re.compile(r"spot@public\.aggre\.bookTicker\.v3\.api\.pb@(10|100)ms@([A-Z0-9]+)")),
    ("public_deals", re.compile(r"spot@public\.aggre\.deals\.v3\.api\.pb@(10|100)ms@([A-Z0-9]+)")),
    ("depth", re.compile(r"spot@public\.aggre\.depth\.v3\.api\.pb@(10|100)ms@([A-Z0-9]+)")),
    ("limit_depth", re.compile(r"spot@public\.limit\.depth\.v3\.api\.pb@([A-Z0-9]+)@(5|10|20)")),
    ("kline", re.compile(r"spot@public\.kline\.v3\.api\.pb@([A-Z0-9]+)@([A-Za-z0-9]+)")),
]


@attrs.frozen
class Channel:
    """One subscribable stream: its kind, symbol ("" for private ones) and parameter."""

    name: str
    kind: str
    symbol: str = ""
    param: str = ""  # speed in ms, depth levels or kline interval

    @property
    def private(self) -> bool:
        """Tell whether the channel needs a listen-key connection."""
        return self.kind in PRIVATE.values()


def parse_channel(name: str, symbols: frozenset[str]) -> Channel | None:
    """Return the channel `name` names, or None when the sandbox (and MEXC) refuse it."""
    if name in PRIVATE:
        return Channel(name, PRIVATE[name])
    for kind, pattern in _PUBLIC:
        found = pattern.fullmatch(name)
        if found is None:
            continue
        first, second = found.groups()
        symbol, param = (second, first) if kind in ("book_ticker", "public_deals", "depth") else (
            first, second)
        if symbol not in symbols or (kind == "kline" and param not in KLINE_INTERVALS):
            return None  # MEXC's answer to an unknown symbol is unknown: refused here
        return Channel(name, kind, symbol, param)
    return None


def refusal(names: list[str]) -> str:
    """Return MEXC's refusal text (code stays 0; full-width colon, two spaces, trailing space)."""
    return f"Not Subscribed successfully! [{','.join(names)}].  Reason： Blocked! "


@attrs.frozen
class WsSettings:
    """The stream's timings (real seconds); tests shorten them."""

    push_interval_s: float = 0.1  # the aggregated streams' 100 ms
    idle_unsubscribed_s: float = 30.0
    idle_subscribed_s: float = 60.0
    max_messages_per_s: int = 100
    max_lifetime_s: float = 24 * 3600.0


@attrs.define
class WsStats:
    """What the streams did, for `/sandbox/state` and tests."""

    connections: int = 0  # ever accepted
    open: int = 0
    subscriptions: int = 0  # channels accepted, ever
    private_subscriptions: int = 0  # of them, private channels (on listen-key connections)
    pushes: int = 0
    closed_by_fault: int = 0
