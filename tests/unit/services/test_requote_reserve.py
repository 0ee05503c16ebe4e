"""A requote keeps the $2 USDC reserve whatever was spent since the first order (issue 13, 3).

Found by the adversarial bot machine: the replacement was sized from the chain's plan alone,
so USDC spent by another order in between left 1.98 free after the requote.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from tests.unit.services.support import NOW_MINUTE, PRICES, flat_closes, rising, world

from mexcore.policies import BalanceMonitorPolicy
from mexcore.services.maker_orders import Chain, MakerBuyer, MakerResult, _keeping_reserve
from mexcore.values import OrderRequest, OrderType, Side

D = Decimal
POLICY = BalanceMonitorPolicy()


async def test_a_requote_after_usdc_was_spent_elsewhere_keeps_the_reserve() -> None:
    closes = {**flat_closes(("ETHUSDC", "USDCUSDT")),
              "BTCUSDC": rising(PRICES["BTCUSDC"], 5.0, NOW_MINUTE)}
    w = world(closes, {"USDC": "33"})
    rules = dict(await w.exchange.symbol_rules())
    maker = MakerBuyer("balance_monitor", w.deps, POLICY)
    first = await maker.place(rules["BTCUSDC"], D("0.0009"), "buy", max_value=D(27))
    assert isinstance(first, MakerResult)
    assert first.order.status.is_open
    await w.exchange.place_order(OrderRequest(  # USDC another order spends meanwhile
        "ETHUSDC", Side.BUY, OrderType.MARKET, "elsewhere", quote_qty=D("5.5")))

    w.at(POLICY.requote_after_s * 2 + 1)
    actions, _ = await maker.look_after(rules)

    requotes = [i for i in w.intents("balance_monitor") if i.reason.startswith("requote")]
    assert actions >= 1
    assert requotes  # the chain was requoted
    assert (await w.exchange.balances())["USDC"].free >= POLICY.reserve


@given(free=st.decimals(0, 100, places=2), spent=st.decimals(0, 50, places=2),
       planned=st.decimals(1, 100, places=2), fee=st.sampled_from([D(0), D("0.0005"), D("0.002")]))
def test_a_chain_cut_to_the_free_balance_leaves_the_reserve_and_never_grows(
    free: Decimal, spent: Decimal, planned: Decimal, fee: Decimal
) -> None:
    chain = Chain(0, D(1), planned, spent_quote=spent)

    cut = _keeping_reserve(chain, free, POLICY.reserve, fee)

    more = cut.planned_quote - cut.spent_quote
    assert cut.planned_quote <= chain.planned_quote
    assert more <= 0 or free - more * (1 + fee) >= POLICY.reserve - D("1e-20")
