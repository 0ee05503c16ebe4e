"""Orders whose outcome is not known yet: which to look up now, and when one was never placed.

An intent is unresolved while it is `intended`, `sent` or `unknown`: the request may have
reached the exchange, and nobody knows what it did. While running, each runner's unresolved
intents are looked up by client order id before it trades (`OrderExecutor.follow_up`), with a
backoff between look-ups of one intent: 5 s after the first failed look-up, doubling up to
5 minutes. A look-up that fails (network, 5xx) changes nothing but the backoff.

Never placed: MEXC may answer "no such order" for a moment right after creating one, so an
order is taken as never placed only when `NOT_PLACED_LOOKUPS` look-ups found nothing and its
intent is older than `NOT_PLACED_AFTER_S` (the reconciliation's grace). Its intent becomes
`rejected` with that reason, and a warning goes to the log. An order that does appear later
anyway (MEXC has never been seen to do that after a minute) is adopted by the next
reconciliation as a `recovered` open order.

Delisted: a look-up answered SkipSymbol (MEXC: "Invalid symbol. (-1121)") for a symbol that is
no longer in exchangeInfo ends the look-ups: the intent becomes `cancelled` with the reason
`DELISTED` (MEXC cancels a delisted symbol's open orders; fills it had are in myTrades history)
and one warning goes to the log. A symbol still listed (suspended, 30000) keeps its backoff.
"""

from __future__ import annotations

import attrs

from mexcore.errors import MexbotError
from mexcore.ports import Exchange, Store
from mexcore.state import Cursors
from mexcore.values import IntentStatus, OrderIntent

UNRESOLVED = (IntentStatus.INTENDED, IntentStatus.SENT, IntentStatus.UNKNOWN)
FIRST_DELAY_S = 5
MAX_DELAY_S = 300
NOT_PLACED_LOOKUPS = 3
NOT_PLACED_AFTER_S = 60
IN_FLIGHT_S = 30  # an intended or sent intent younger than this may still be in flight
DELISTED = "the symbol is no longer listed by the exchange; its look-ups ended"


@attrs.frozen
class Lookups:
    """The failed look-ups of one intent: how many, how many found nothing, when to retry."""

    count: int = 0
    missing: int = 0
    next_ms: int = 0


class PendingOrders:
    """Find a runner's unresolved intents and remember the look-ups each one has had."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lookups = Cursors(store, "pending")

    def unresolved(self, runner: str, symbol: str | None = None) -> list[OrderIntent]:
        """Return `runner`'s unresolved intents (on `symbol` when given), oldest first."""
        return [i for i in self._store.intents(UNRESOLVED)
                if i.runner == runner and symbol in (None, i.symbol)]

    def due(self, runner: str, now_ms: int, symbol: str | None = None) -> list[OrderIntent]:
        """Return the unresolved intents to look up now: not in flight, backoff over."""
        return [i for i in self.unresolved(runner, symbol)
                if not _in_flight(i, now_ms) and self.lookups(i).next_ms <= now_ms]

    def lookups(self, intent: OrderIntent) -> Lookups:
        """Return the failed look-ups recorded for `intent`."""
        raw = self._lookups.get(intent.client_order_id)
        if not isinstance(raw, dict):
            return Lookups()
        return Lookups(*(int(str(raw[k])) for k in ("count", "missing", "next_ms")))

    def failed(self, intent: OrderIntent, now_ms: int, *, missing: bool) -> Lookups:
        """Record a look-up that did not resolve `intent`; return the look-ups so far.

        The next look-up waits 5 s after the first failure, then 10, 20, ... up to 300 s.
        """
        old = self.lookups(intent)
        delay_s = min(FIRST_DELAY_S * 2 ** old.count, MAX_DELAY_S)
        new = Lookups(old.count + 1, old.missing + int(missing), now_ms + delay_s * 1000)
        self._lookups.set(intent.client_order_id, attrs.asdict(new))
        return new

    def forget(self, intent: OrderIntent) -> None:
        """Drop the look-up record of a resolved intent."""
        self._lookups.set(intent.client_order_id, None)


async def is_delisted(exchange: Exchange, symbol: str) -> bool:
    """Tell whether `symbol` is missing from exchangeInfo now (False if that cannot be read)."""
    try:
        return symbol not in await exchange.symbol_rules()
    except MexbotError:  # not known now: the next look-up asks again
        return False


def never_placed(
    intent: OrderIntent, lookups: Lookups, now_ms: int, grace_s: int = NOT_PLACED_AFTER_S
) -> bool:
    """Tell whether an order never found is to be taken as never placed (see the module)."""
    age_ms = now_ms - max(intent.created_ms, intent.updated_ms)
    return lookups.missing >= NOT_PLACED_LOOKUPS and age_ms >= grace_s * 1000


def _in_flight(intent: OrderIntent, now_ms: int) -> bool:
    young = now_ms - max(intent.created_ms, intent.updated_ms) < IN_FLIGHT_S * 1000
    return young and intent.status is not IntentStatus.UNKNOWN
