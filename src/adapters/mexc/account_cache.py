"""The account as the user-data stream tells it: free and locked balances, a change counter.

MEXC pushes one asset's balances after each change (`spot@private.account.v3.api.pb`) and
nothing while the account is idle, so silence says nothing about freshness. The cache is
fresh while the stream is connected, a REST snapshot was loaded after that connection began
(pushes missed while disconnected are lost), and the connection was heard from (a push or a
PONG) within `stale_after_s`. `version` grows with every private push and every other event
that may have changed what the cache says, so a watcher compares versions to see a change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from decimal import Decimal

from mexcore.money import ZERO
from mexcore.values import Balance

log = logging.getLogger("adapters.mexc.ws")

Listener = Callable[[], None]
STALE_AFTER_S = 60.0  # three PING rounds of 20 s without an answer


class AccountCache:
    """Balances from privateAccount pushes over a REST snapshot; `fresh` says if they hold."""

    def __init__(self, stale_after_s: float = STALE_AFTER_S) -> None:
        self.version = 0
        self._stale_after_ms = round(stale_after_s * 1000)
        self._balances: dict[str, Balance] = {}
        self._pushed_at: dict[str, int] = {}  # asset -> version of its last push
        self._connected = False
        self._loaded = False  # a snapshot was loaded during this connection
        self._connected_version = 0
        self._heard_ms: int | None = None
        self._listeners: list[Listener] = []

    def free(self, asset: str) -> Decimal | None:
        """Return the free amount of `asset`; None when the cache cannot know it."""
        balance = self._balances.get(asset)
        if balance is not None:
            return balance.free
        return ZERO if self._loaded else None  # a snapshot lists non-zero assets only

    def balances(self) -> dict[str, Balance]:
        """Return every non-zero balance the cache knows."""
        return {a: b for a, b in self._balances.items() if b.total != ZERO}

    @property
    def is_connected(self) -> bool:
        """Tell whether the stream is subscribed now."""
        return self._connected

    def fresh(self, now_ms: int) -> bool:
        """Tell whether the balances can be trusted at `now_ms`."""
        return (self._connected and self._loaded and self._heard_ms is not None
                and now_ms - self._heard_ms <= self._stale_after_ms)

    def apply(self, asset: str, free: Decimal, locked: Decimal) -> None:
        """Take one asset's balances after a change, as pushed."""
        self._balances[asset] = Balance(asset, free, locked)
        self._pushed_at[asset] = self.version + 1
        self._changed()

    def touch(self) -> None:
        """Count a private push that changed no balance here (an order or a fill)."""
        self._changed()

    def heard(self, now_ms: int) -> None:
        """Note that the connection answered at `now_ms` (a push, an ack or a PONG)."""
        self._heard_ms = now_ms

    def connected(self, now_ms: int) -> None:
        """Note that the stream is subscribed; balances need a snapshot (see `load`)."""
        self._connected, self._loaded = True, False
        self._connected_version = self.version + 1
        self.heard(now_ms)
        self._changed()

    def disconnected(self) -> None:
        """Note that the stream is down: pushes may be missed from now on."""
        if self._connected or self._loaded:
            self._connected, self._loaded = False, False
            self._changed()

    def load(self, snapshot: Mapping[str, Balance], since_version: int) -> None:
        """Load a REST snapshot read after `since_version`; assets pushed since then stay."""
        for asset in set(self._balances) | set(snapshot):
            if self._pushed_at.get(asset, 0) > since_version:
                continue  # the push came while the snapshot was read: it is as new or newer
            balance = snapshot.get(asset)
            self._balances[asset] = balance if balance is not None else Balance(asset, ZERO)
        # A snapshot read before the current connection began may miss what came in between.
        self._loaded = self._connected and self._connected_version <= since_version
        self._changed()

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call `callback` after every change; return a function that stops that."""
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def _changed(self) -> None:
        self.version += 1
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # one watcher's bug must not stop the others or the stream
                log.exception("an account listener failed")
