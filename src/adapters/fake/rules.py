"""Realistic MEXC symbol rules for the fake exchange (shapes from the Dec 2025 exchangeInfo)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from mexcore.values import SymbolRules

#: base asset -> (quantity decimals, price decimals) on its USDT and USDC markets.
PRECISIONS: Mapping[str, tuple[int, int]] = {
    "BTC": (6, 2),
    "ETH": (5, 2),
    "ADA": (2, 4),
    "DOT": (2, 3),
    "LINK": (2, 3),
    "MATIC": (2, 4),
    "AVAX": (2, 2),
    "SOL": (3, 2),
    "XRP": (2, 4),
    "DOGE": (2, 5),
}
MAJORS = frozenset({"BTC", "ETH"})
#: Like production (Dec 2025): the USDT majors are not API-tradeable, their USDC twins are.
NOT_API_TRADEABLE = frozenset({"BTCUSDT", "ETHUSDT"})
QUOTES = ("USDT", "USDC")
MIN_NOTIONAL = {"USDT": Decimal(1), "USDC": Decimal(5)}


def _step(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def make_rules(base: str, quote: str, qty_decimals: int, price_decimals: int) -> SymbolRules:
    """Return MEXC-like rules for one market (majors: band 0.5 %, 4M max; alts: 20 %, 2M)."""
    symbol = base + quote
    band = Decimal("0.005") if base in MAJORS else Decimal("0.2")
    major = base in MAJORS
    return SymbolRules(
        symbol=symbol,
        base=base,
        quote=quote,
        qty_step=_step(qty_decimals),
        price_tick=_step(price_decimals),
        min_qty=_step(qty_decimals) if major else Decimal(0),
        min_notional=MIN_NOTIONAL[quote],
        min_notional_market=MIN_NOTIONAL[quote],
        max_notional=Decimal(4_000_000) if major else Decimal(2_000_000),
        max_notional_market=Decimal(4_000_000) if major else Decimal(100_000),
        bid_multiplier_up=band,
        ask_multiplier_down=band,
        api_tradeable=symbol not in NOT_API_TRADEABLE,
    )


def default_rules() -> dict[str, SymbolRules]:
    """Return the rules of the 21 default markets: ten bases × USDT/USDC, plus USDCUSDT."""
    rules = {
        base + quote: make_rules(base, quote, qty, price)
        for base, (qty, price) in PRECISIONS.items()
        for quote in QUOTES
    }
    rules["USDCUSDT"] = attrs.evolve(
        make_rules("USDC", "USDT", 2, 4),
        bid_multiplier_up=Decimal("0.05"),
        ask_multiplier_down=Decimal("0.05"),
    )
    return rules
