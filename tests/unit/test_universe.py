from decimal import Decimal

from mexcore.policies import ScannerPolicy
from mexcore.universe import select_universe
from mexcore.values import SymbolRules, Ticker24h


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
