"""An unresolved order on a delisted symbol is resolved once, not looked up forever (#13 item 8).

MEXC answers "Invalid symbol. (-1121)" to a look-up on a symbol it no longer lists. The
executor's follow-up takes such an intent as cancelled with the reason, and goes on.
"""

from __future__ import annotations

from decimal import Decimal

from tests.unit.services.refusing import refusing_world
from tests.unit.services.support import NOW, World, flat_closes
from tests.unit.services.test_reconcile_delisted import GONE, DelistingExchange

from mexcore.client_ids import client_order_id
from mexcore.errors import SkipSymbol
from mexcore.services.pending import DELISTED
from mexcore.values import IntentStatus, Order, OrderIntent, OrderType, Side

D = Decimal


class SuspendedLookups(DelistingExchange):
    """Answers every look-up on BTCUSDC with 30000 (suspended) while BTCUSDC stays listed."""

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Refuse the look-up of a listed but suspended symbol, else look up like MEXC."""
        if symbol == "BTCUSDC":
            raise SkipSymbol(symbol, "trading is suspended on this symbol (30000)")
        return await super().get_order(symbol, client_order_id)


def _world_with_an_unknown_order(symbol: str,
                                 exchange: type[DelistingExchange] = DelistingExchange) -> World:
    w = refusing_world(flat_closes(("BTCUSDC", "USDCUSDT")), {"USDC": "100"},
                       exchange_type=exchange)
    created = NOW - 3_600_000
    cid = client_order_id("scanner", symbol, created, side=Side.BUY, purpose="scan")
    w.store.save_intent(OrderIntent(cid, "scanner", symbol, Side.BUY, OrderType.MARKET,
                                    IntentStatus.UNKNOWN, created, quote_qty=D(10)))
    return w


async def test_an_unknown_order_on_a_delisted_symbol_is_resolved_as_cancelled() -> None:
    w = _world_with_an_unknown_order(GONE)

    unresolved = await w.deps.executor.follow_up("scanner")

    [intent] = w.intents("scanner")
    assert unresolved == 0
    assert intent.status is IntentStatus.CANCELLED
    assert DELISTED in intent.reason


async def test_a_resolved_delisted_order_is_not_looked_up_again() -> None:
    w = _world_with_an_unknown_order(GONE)
    await w.deps.executor.follow_up("scanner")
    w.at(600)

    assert await w.deps.executor.follow_up("scanner") == 0
    assert await w.deps.executor.follow_up("scanner", GONE) == 0


async def test_an_unknown_order_on_a_suspended_but_listed_symbol_stays_unresolved() -> None:
    w = _world_with_an_unknown_order("BTCUSDC", SuspendedLookups)

    unresolved = await w.deps.executor.follow_up("scanner")

    [intent] = w.intents("scanner")
    assert unresolved == 1
    assert intent.status is IntentStatus.UNKNOWN
