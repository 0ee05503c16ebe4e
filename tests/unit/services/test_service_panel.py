"""The Telegram ControlPanel over the real services: reads, pauses, a manual sale."""

from decimal import Decimal

import pytest
from tests.unit.services.support import World, buy_fill, flat_closes, rules_for, world

from adapters.telegram.panel import UnknownAssetError, UnknownRunnerError
from adapters.telegram.views import format_pnl
from mexcore.policies import BotConfig
from mexcore.state import Cursors, PauseFlags
from mexcore.values import Side
from runners.bot import build_loops
from runners.panel import ServicePanel

SYMBOLS = ["BTCUSDC", "ETHUSDC", "USDCUSDT", "ADAUSDT", "ADAUSDC"]


def _panel(balances: dict[str, str | int]) -> tuple[ServicePanel, World]:
    w = world(flat_closes(SYMBOLS), balances)
    config = BotConfig()
    return ServicePanel(w.deps, config, build_loops(config, w.deps), "mode = \"sim\""), w


async def test_pausing_one_runner_sets_its_flag_and_lists_it() -> None:
    panel, w = _panel({"USDT": 100})

    names = await panel.pause("scanner")

    assert names == ["scanner"]
    assert PauseFlags(w.deps.store).is_paused("scanner")
    assert [s.name for s in await panel.statuses() if s.paused] == ["scanner"]


async def test_pausing_an_unknown_runner_is_refused() -> None:
    panel, _ = _panel({"USDT": 100})

    with pytest.raises(UnknownRunnerError):
        await panel.pause("nope")


async def test_selling_an_asset_sells_its_free_balance_at_market() -> None:
    panel, w = _panel({"ADA": 100, "USDT": 1})

    text = await panel.sell("ADA")

    (sent,) = w.exchange.sent
    assert sent.request.side is Side.SELL
    assert sent.request.symbol == "ADAUSDT"
    assert sent.request.quantity == Decimal(100)
    assert "Sold 100 ADA on ADAUSDT" in text


@pytest.mark.parametrize("asset", ["XYZ", "USDT"])
async def test_selling_what_cannot_be_sold_is_refused(asset: str) -> None:
    panel, _ = _panel({"USDT": 100})

    with pytest.raises(UnknownAssetError):
        await panel.sell(asset)


async def test_portfolio_values_holdings_and_shows_the_btc_target() -> None:
    panel, _ = _panel({"USDT": 100, "BTC": "0.001"})

    view = await panel.portfolio()

    btc = view.holding("BTC")
    assert btc is not None
    assert btc.target_weight == Decimal("0.6")
    assert view.total_usdt == Decimal(100) + btc.value_usdt


async def test_pnl_shows_the_average_cost_to_the_tick_and_no_stablecoin_position() -> None:
    panel, w = _panel({"BTC": "0.003", "USDC": 9})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "30000"),
                          buy_fill("BTCUSDC", "0.002", "30000.01", trade_id="2"),
                          buy_fill("USDCUSDT", "9", "1.0002", trade_id="3")])
    tick = rules_for(["BTCUSDC"])["BTCUSDC"].price_tick

    text = format_pnl(await panel.pnl())

    [btc] = [line for line in text.splitlines() if "BTCUSDC" in line]
    assert f"0.003 @ {Decimal('30000.00666').quantize(tick)} ·" in btc  # 90.00002 / 0.003
    assert "USDCUSDT" not in text


async def test_the_last_plan_shows_its_amount_in_cents_and_the_multiplier_once() -> None:
    panel, w = _panel({"USDC": 100})
    Cursors(w.deps.store, "balance_monitor").set("last_plan", [
        {"symbol": "BTCUSDC", "amount": "59.991234", "quantity": "0.002124",
         "price": "28242.24", "reason": "no hype, no dip: ×1", "multiplier": "1"}])

    view = await panel.autobuy()

    assert view.plan_lines == ("BTCUSDC: 0.002124 @ 28242.24 = 59.99 USDC (no hype, no dip: ×1)",)


async def test_statuses_carry_each_runners_interval_and_pnl_rows_their_market() -> None:
    panel, w = _panel({"BTC": "0.001", "USDC": 9})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "30000")])

    statuses = {s.name: s.interval_s for s in await panel.statuses()}
    rows = (await panel.pnl()).assets

    assert statuses["balance_monitor"] == BotConfig().balance_monitor.interval_s
    assert [r.symbol for r in rows] == ["BTCUSDC"]


async def test_the_portfolio_compares_the_bot_with_holding_its_first_seen_balances() -> None:
    panel, _ = _panel({"USDT": 100, "BTC": "0.001"})
    first = await panel.portfolio()
    assert first.vs_holding is not None
    start = first.vs_holding.start_value

    second = await panel.portfolio()

    assert second.vs_holding is not None
    assert second.vs_holding.start_value == start == first.total_usdt
    assert second.vs_holding.hold_now == first.total_usdt  # flat prices: holding kept its value
    assert second.vs_holding.targets_now is not None
    assert second.vs_holding.targets_label == "buy BTC/ETH 60/40 and hold"
    assert second.vs_holding.change(second.total_usdt) == 0
