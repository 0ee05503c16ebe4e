"""Paper mode on a symbol MEXC has no recent 1-minute candles for: one clear warning, no crash."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock, FakeExchange, RecordingNotifier
from adapters.fake.store import InMemoryStore
from adapters.paper import PaperExchange
from mexcore.services.refusals import REFUSED, SymbolRefusals
from mexcore.values import Candle, OrderRequest, OrderType, Side

SYMBOL = "ADAUSDC"


class SilentMarket(FakeExchange):
    """Live MEXC where SYMBOL has not traded lately: its 1-minute klines are empty."""

    async def candles(self, symbol: str, interval: str, limit: int) -> Sequence[Candle]:
        if symbol == SYMBOL:
            return []
        return await super().candles(symbol, interval, limit)


async def test_buying_a_symbol_without_recent_candles_warns_once_and_clearly() -> None:
    clock = FakeClock(START_MS)
    paper = PaperExchange(SilentMarket(clock, bundled_market()), clock)
    paper.deposit("USDC", 100)
    notifier = RecordingNotifier()
    refusals = SymbolRefusals(InMemoryStore(), notifier, "scanner")
    for tick in range(3):
        request = OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, f"p{tick}",
                               quote_qty=Decimal(10))
        try:
            await paper.place_order(request)
        except REFUSED as e:
            await refusals.warn(SYMBOL, e, "auto-buy")
        clock.advance(600)
    (text,) = notifier.texts()
    assert "paper mode" in text
    assert "MEXC" in text
    assert (await paper.balances())["USDC"].free == 100
