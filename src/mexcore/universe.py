"""The scanner's universe: which USDT pairs are worth analysing this cycle (SPEC §1.1)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from mexcore.policies import ScannerPolicy
from mexcore.trade_side import may_trade
from mexcore.values import Side, SymbolRules, Ticker24h

STABLECOINS = frozenset({
    "USDT", "USDC", "BUSD", "TUSD", "FDUSD", "DAI", "USDP", "USDD", "PYUSD", "USDE", "EUR",
    "EURT", "EURC", "USD1", "UST", "GUSD", "FRAX", "LUSD", "SUSD", "USDJ",
})
#: MEXC's leveraged ETF tokens: a base, a multiplier 2-5, L(ong) or S(hort): BTC3L, ETH5S.
#: Not every base ending in UP/DOWN/BULL/BEAR: JUP, SUP and SYRUP are ordinary coins.
LEVERAGED = re.compile(r".[2-5][LS]$")


def select_universe(
    tickers: Mapping[str, Ticker24h],
    rules: Mapping[str, SymbolRules],
    policy: ScannerPolicy,
) -> list[str]:
    """Return the USDT pairs to analyse, highest 24 h quote volume first.

    Kept: quote USDT, quote volume above `min_quote_volume`, not excluded, not a stablecoin
    against a stablecoin, not a leveraged/ETF token (BTC3L, ETH5S …), buyable by API (status and
    tradeSideType);
    at most `max_pairs`.
    """
    excluded = set(policy.excluded_symbols)
    # Rules first: a ticker may be built on first access, and most symbols fail on rules.
    eligible = [s for s in tickers if s not in excluded and _eligible(rules.get(s))]
    keep = [t for t in (tickers[s] for s in eligible) if t.quote_volume > policy.min_quote_volume]
    keep.sort(key=lambda t: (-t.quote_volume, t.symbol))
    return [t.symbol for t in keep[: policy.max_pairs]]


def _eligible(rules: SymbolRules | None) -> bool:
    if rules is None or rules.quote != "USDT" or not may_trade(rules, Side.BUY):
        return False
    return rules.base not in STABLECOINS and not LEVERAGED.search(rules.base)
