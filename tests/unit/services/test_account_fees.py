"""Planning uses the account's own fee rates (MEXC tradeFee) over exchangeInfo's defaults."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs
from tests.unit.services.support import (
    NOW,
    AuditedExchange,
    World,
    flat_closes,
    make_market,
    rules_for,
)

from adapters.fake import FakeClock, RecordingNotifier
from adapters.fake.store import InMemoryStore
from mexcore.errors import RetryLater
from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.deps import ServiceDeps
from mexcore.services.fees import with_account_fees
from mexcore.values import Fees

D = Decimal
SYMBOLS = ("BTCUSDC", "ETHUSDC", "USDCUSDT")


class PromoAccount(AuditedExchange):
    """An account whose own rates on some symbols differ from exchangeInfo's (a promotion)."""

    own: Mapping[str, Fees | None] = MappingProxyType({})  # None: the look-up fails

    async def trade_fees(self, symbol: str) -> Fees:
        if symbol not in self.own:
            return await super().trade_fees(symbol)
        fees = self.own[symbol]
        if fees is None:
            raise RetryLater("tradeFee timed out")
        return fees


def _world(own: dict[str, Fees | None]) -> World:
    closes = flat_closes(SYMBOLS)
    rules = rules_for(closes)
    clock = FakeClock(NOW)
    exchange = PromoAccount(clock, make_market(closes, rules), rules)
    exchange.own = own
    exchange.deposit("USDT", "100")
    store, notifier = InMemoryStore(), RecordingNotifier()
    exchange.store = store
    return World(clock, exchange, store, notifier,
                 ServiceDeps.build(exchange, store, notifier, clock))


def _top_up_quote(w: World) -> Decimal | None:
    intents = [i for i in w.intents("balance_monitor") if i.symbol == "USDCUSDT"]
    return intents[0].quote_qty if intents else None


async def test_a_usdc_top_up_on_a_zero_fee_account_plans_with_zero_fee() -> None:
    w = _world({"USDCUSDT": Fees(D(0), D(0))})
    await BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy()).tick()
    assert _top_up_quote(w) == D(12)  # 10 + the $2 reserve at 1.0000, no fee on top


async def test_a_failed_fee_look_up_plans_with_the_rules_fee() -> None:
    w = _world({"USDCUSDT": None})
    await BalanceMonitor(w.deps, BalanceMonitorPolicy(), AntiHypePolicy()).tick()
    assert _top_up_quote(w) == D(13)  # 12 plus the default 0.05 % taker fee, in whole USDT


async def test_account_fees_replace_the_rules_fees_and_a_zero_stays_zero() -> None:
    w = _world({"BTCUSDC": Fees(D(0), D("0.0002"))})
    rules = (await w.exchange.symbol_rules())["BTCUSDC"]
    mine = await with_account_fees(w.exchange, rules)
    assert (mine.maker_fee, mine.taker_fee) == (0, D("0.0002"))
    assert attrs.evolve(mine, maker_fee=rules.maker_fee, taker_fee=rules.taker_fee) == rules
