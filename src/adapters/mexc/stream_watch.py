"""StreamWatch: the live `MarketWatch` over the market streams and the user stream.

The event-driven loops sleep while a quiet promise holds and wake when a listener call says
a price or the account changed. Whatever the streams cannot vouch for breaks the promise:
a stale or unknown price may have reached any level, an unknown free balance is infinite,
and a stale account changes its version at every look.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Protocol

from adapters.mexc.market_cache import MarketCache

UNKNOWN_FUNDS = Decimal("Infinity")  # compared with a promise's amount only; never traded


class AccountFacts(Protocol):
    """What the user stream's account cache tells (ws18u's `AccountCache`)."""

    @property
    def version(self) -> int: ...

    def free(self, asset: str) -> Decimal | None: ...

    def fresh(self, now_ms: int) -> bool: ...

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]: ...


class StreamWatch:
    """Answer the scheduler's questions from the streams' caches, erring towards waking."""

    def __init__(self, market: MarketCache, account: AccountFacts | None = None) -> None:
        self.market, self.account = market, account
        self._looks = 0

    def account_version(self) -> Hashable:
        """Return the account cache's version; a new value at each look while it is stale.

        Without a user stream the version never changes (the loops poll at their interval).
        """
        if self.account is None:
            return 0
        if self.account.fresh(self.market.clock.now_ms()):
            return self.account.version
        self._looks += 1
        return ("stale", self._looks)

    def may_have_reached(self, symbol: str, level: Decimal) -> bool:
        """Tell whether `symbol`'s last price is at or above `level` (yes when unknown)."""
        last = self.market.last_price(symbol)
        return last is None or last >= level

    def free_balance(self, asset: str) -> Decimal:
        """Return the free balance of `asset`; Infinity when the user stream cannot tell."""
        account = self.account
        if account is None or not account.fresh(self.market.clock.now_ms()):
            return UNKNOWN_FUNDS
        free = account.free(asset)
        return UNKNOWN_FUNDS if free is None else free

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` after every push that changed a price or the account."""
        removers = [self.market.add_listener(callback)]
        if self.account is not None:
            removers.append(self.account.add_listener(callback))

        def unsubscribe() -> None:
            for remove in removers:
                remove()

        return unsubscribe
