"""The run summary's numbers: prices to the tick, quantities to the step, cash to cents."""

from decimal import Decimal

from tests.unit.services.support import buy_fill, flat_closes, world

from mexcore.positions import Position
from mexcore.services.market import MarketView
from mexcore.values import SymbolRules
from runners.summary import RunSummary, balances_text, positions_by_symbol, render_summary

D = Decimal


def _rules(symbol: str, base: str, quote: str, step: str, tick: str) -> SymbolRules:
    return SymbolRules(symbol, base, quote, qty_step=D(step), price_tick=D(tick))


def _summary(balances: dict[str, Decimal]) -> RunSummary:
    ada = Position("ADA", "USDC", quantity=D("18.37"), cost_basis=D("7.368521845"))
    return RunSummary(
        start_value=D(600), final_value=D("581.7"), trades=1, fees_usdt=D("0.01"),
        components={}, positions={"ADAUSDC": ada}, prices={"ADAUSDC": D("0.3923")},
        balances=balances, rules={"ADAUSDC": _rules("ADAUSDC", "ADA", "USDC", "0.01", "0.0001")})


def _asset_line(text: str, symbol: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(symbol))


def test_the_average_cost_is_shown_to_the_symbols_tick() -> None:
    line = _asset_line(render_summary(_summary({})), "ADAUSDC")

    assert line.split()[1:3] == ["18.37", "0.4011"]  # 7.368521845 / 18.37 = 0.40112…


def test_final_balances_show_cash_to_cents_and_never_an_exponent() -> None:
    text = render_summary(_summary({"ADA": D("100"), "USDC": D("5.22292689878"),
                                    "USDT": D("300")}))

    balances = _asset_line(text, "Final balances")
    assert balances == "Final balances: ADA 100, USDC 5.22, USDT 300.00"


async def test_a_stablecoin_is_cash_not_a_position_with_unrealised_pnl() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")), {"BTC": "0.001", "USDC": "9"})
    w.store.record_fills([buy_fill("USDCUSDT", "9", "1.0002"),
                          buy_fill("BTCUSDC", "0.001", "30000", trade_id="2")])

    positions = positions_by_symbol(list(w.store.fills()), await MarketView.load(w.exchange))

    assert list(positions) == ["BTCUSDC"]


def test_start_balances_read_as_amounts_not_decimal_reprs() -> None:
    assert balances_text({"USDT": D("300"), "BTC": D("0.0010")}) == "USDT 300.00, BTC 0.001"
