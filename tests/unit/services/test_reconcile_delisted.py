"""Reconciliation skips a delisted or unknown symbol with one warning (issue 13, item 8).

MEXC answers "Invalid symbol. (-1121)" to every look-up on a symbol it no longer lists; the
journal may still hold intents and fills of it. That symbol is skipped, the others reconcile.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tests.unit.services.refusing import RefusingExchange, refusing_world
from tests.unit.services.support import NOW, World, buy_fill, flat_closes

from mexcore.client_ids import client_order_id
from mexcore.services.reconcile import Reconciler
from mexcore.values import IntentStatus, Order, OrderIntent, OrderRequest, OrderType, Side

D = Decimal
GONE = "XYZUSDT"  # in the journal, no longer in exchangeInfo


class DelistingExchange(RefusingExchange):
    """A fake exchange whose order look-ups by symbol answer -1121 for unlisted symbols."""

    async def open_orders(self, symbol: str | None = None) -> Sequence[Order]:
        """List open orders like MEXC: an unknown symbol is SkipSymbol (-1121)."""
        if symbol is not None:
            self.engine.rules_for(symbol)
        return await super().open_orders(symbol)

    async def get_order(self, symbol: str, client_order_id: str) -> Order:
        """Look an order up like MEXC: an unknown symbol is SkipSymbol (-1121)."""
        self.engine.rules_for(symbol)
        return await super().get_order(symbol, client_order_id)


def _world_with_a_delisted_symbol() -> World:
    """BTCUSDC trades; the journal also holds a filled order and a fill on XYZUSDT."""
    w = refusing_world(flat_closes(("BTCUSDC", "USDCUSDT")), {"USDC": "100"},
                       exchange_type=DelistingExchange)
    cid = client_order_id("scanner", GONE, NOW - 3_600_000, side=Side.BUY, purpose="scan")
    w.store.save_intent(OrderIntent(cid, "scanner", GONE, Side.BUY, OrderType.MARKET,
                                    IntentStatus.FILLED, NOW - 3_600_000, quote_qty=D(10)))
    w.store.record_fills([buy_fill(GONE, "10", "1", "9")])
    return w


async def _buy_btc_behind_the_journals_back(w: World) -> str:
    """Buy BTC on the exchange and journal only the intent, as if the bot crashed then."""
    cid = client_order_id("balance_monitor", "BTCUSDC", NOW, side=Side.BUY, purpose="test")
    request = OrderRequest("BTCUSDC", Side.BUY, OrderType.MARKET, cid, quote_qty=D(20))
    w.store.save_intent(OrderIntent(cid, "balance_monitor", "BTCUSDC", Side.BUY,
                                    OrderType.MARKET, IntentStatus.SENT, NOW, quote_qty=D(20)))
    assert (await w.exchange.place_order(request)).executed_qty > 0
    return cid


async def test_a_journaled_symbol_that_is_no_longer_listed_is_skipped_with_one_warning() -> None:
    w = _world_with_a_delisted_symbol()
    reconciler = Reconciler(w.exchange, w.store, w.notifier, w.clock)

    first = await reconciler.reconcile()
    second = await reconciler.reconcile()

    assert first.ok
    assert second.ok
    assert first.skipped == (GONE,)
    [warning] = w.texts("warning.reconcile")
    assert GONE in warning


async def test_the_other_symbols_still_reconcile_when_one_is_delisted() -> None:
    w = _world_with_a_delisted_symbol()
    await _buy_btc_behind_the_journals_back(w)

    report = await Reconciler(w.exchange, w.store, w.notifier, w.clock).reconcile()

    assert report.ok
    assert report.fills_imported >= 1
    assert w.store.fills("BTCUSDC")
    assert [i.status for i in w.intents("balance_monitor")] == [IntentStatus.FILLED]


async def test_reconciling_named_symbols_skips_the_delisted_one() -> None:
    w = _world_with_a_delisted_symbol()

    report = await Reconciler(w.exchange, w.store, w.notifier, w.clock).reconcile(
        [GONE, "BTCUSDC"])

    assert report.ok
    assert report.skipped == (GONE,)
    assert len(w.texts("warning.reconcile")) == 1
