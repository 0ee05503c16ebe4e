from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.mexc.support import recorded

from adapters.mexc.schemas import parse_symbol_list
from mexcore.policies import ScannerPolicy
from mexcore.universe import LEVERAGED, STABLECOINS, select_universe
from mexcore.values import SymbolRules, Ticker24h, TradeSide


def _rules(symbol: str, base: str, quote: str = "USDT", api: bool = True) -> SymbolRules:
    return SymbolRules(symbol, base, quote, qty_step="0.01", price_tick="0.0001",
                       api_tradeable=api)


def _ticker(symbol: str, quote_volume: str) -> Ticker24h:
    return Ticker24h(symbol, last_price="1", open_price="1", high="1", low="1", volume="1",
                     quote_volume=quote_volume)


Row = tuple[str, str, str, str, bool]


def _market(*rows: Row) -> tuple[dict[str, Ticker24h], dict[str, SymbolRules]]:
    tickers = {s: _ticker(s, qv) for s, _, _, qv, _ in rows}
    rules = {s: _rules(s, base, quote, api) for s, base, quote, _, api in rows}
    return tickers, rules


def test_universe_keeps_liquid_api_tradeable_usdt_alts_by_volume() -> None:
    tickers, rules = _market(
        ("ADAUSDT", "ADA", "USDT", "50000", True),
        ("DOGEUSDT", "DOGE", "USDT", "90000", True),
        ("BTCUSDT", "BTC", "USDT", "900000", False),   # not API-tradeable
        ("ETHUSDC", "ETH", "USDC", "900000", True),    # not a USDT market
        ("USDCUSDT", "USDC", "USDT", "900000", True),  # stable vs stable
        ("BTC3LUSDT", "BTC3L", "USDT", "900000", True),  # leveraged token
        ("XRPUSDT", "XRP", "USDT", "10000", True),     # not above $10,000
        ("SOLUSDT", "SOL", "USDT", "10001", True),
    )
    assert select_universe(tickers, rules, ScannerPolicy()) == ["DOGEUSDT", "ADAUSDT", "SOLUSDT"]


def test_universe_honours_exclusions_and_max_pairs() -> None:
    tickers, rules = _market(
        ("ADAUSDT", "ADA", "USDT", "50000", True),
        ("DOGEUSDT", "DOGE", "USDT", "90000", True),
        ("SOLUSDT", "SOL", "USDT", "70000", True),
    )
    policy = ScannerPolicy(excluded_symbols=("DOGEUSDT",), max_pairs=1)
    assert select_universe(tickers, rules, policy) == ["SOLUSDT"]


def test_universe_min_quote_volume_default_is_ten_thousand() -> None:
    assert ScannerPolicy().min_quote_volume == Decimal("10000")


def _one(base: str, **changes: object) -> list[str]:
    symbol = f"{base}USDT"
    rules = {symbol: attrs.evolve(_rules(symbol, base), **changes)}
    return select_universe({symbol: _ticker(symbol, "50000")}, rules, ScannerPolicy())


@pytest.mark.parametrize("base", ["JUP", "SUP", "SYRUP", "SETUP", "PUMPUP", "BULL", "BEAR",
                                  "MOONDOWN", "BEARS", "L3", "C98", "API3", "BANANAS31", "SN51",
                                  "NEO1X", "LAIKAL2", "BTC2"])
def test_universe_keeps_ordinary_coins_whose_names_only_look_leveraged(base: str) -> None:
    assert _one(base) == [f"{base}USDT"]


@pytest.mark.parametrize("base", ["BTC3L", "BTC3S", "ETH3L", "ETH3S", "SOL5L", "DOGE5S",
                                  "XRP2L", "ADA4S", "1INCH3L"])
def test_universe_drops_mexcs_leveraged_etf_tokens(base: str) -> None:
    assert _one(base) == []


@given(st.from_regex(r"[A-Z][A-Z0-9]{1,8}", fullmatch=True).filter(
    lambda b: b not in STABLECOINS and b[-1] not in "LS"))
def test_universe_keeps_any_coin_not_ending_in_a_multiplier_and_l_or_s(base: str) -> None:
    assert _one(base) == [f"{base}USDT"]


@given(st.from_regex(r"[A-Z0-9]{2,6}", fullmatch=True), st.sampled_from("2345"),
       st.sampled_from("LS"))
def test_universe_drops_any_base_followed_by_a_multiplier_and_l_or_s(
    base: str, multiplier: str, direction: str
) -> None:
    assert _one(f"{base}{multiplier}{direction}") == []


@pytest.mark.parametrize(("side", "kept"), [
    (TradeSide.ALL, True), (TradeSide.BUY_ONLY, True), (TradeSide.SELL_ONLY, False),
    (TradeSide.NONE, False)])
def test_universe_keeps_only_symbols_that_may_be_bought(side: TradeSide, kept: bool) -> None:
    assert _one("ADA", trade_side=side) == (["ADAUSDT"] if kept else [])


def test_universe_drops_no_coin_of_mexcs_recorded_api_symbols_as_leveraged() -> None:
    symbols = parse_symbol_list(recorded("/api/v3/defaultSymbols"))  # 1991, Dec 2025
    bases = {s.removesuffix("USDT") for s in symbols if s.endswith("USDT")}
    assert {"JUP", "SUP", "SYRUP"} <= bases
    assert sorted(b for b in bases if LEVERAGED.search(b)) == []
