"""The account's own fee rates on a symbol (MEXC `tradeFee`), over exchangeInfo's defaults."""

from __future__ import annotations

import logging

import attrs

from mexcore.errors import ExchangeDataError, RetryLater, SkipSymbol
from mexcore.ports import Exchange
from mexcore.values import SymbolRules

log = logging.getLogger("mexcore.fees")


async def with_account_fees(exchange: Exchange, rules: SymbolRules) -> SymbolRules:
    """Return `rules` with this account's maker and taker rates (the rules' own if unknown).

    A zero rate is a rate: a zero-fee promotion plans with 0, not with a default.
    """
    try:
        fees = await exchange.trade_fees(rules.symbol)
    except (RetryLater, ExchangeDataError, SkipSymbol) as e:
        log.warning("%s: the account's fee rates are unknown (%s); planning with maker %s, "
                    "taker %s", rules.symbol, e, rules.maker_fee, rules.taker_fee)
        return rules
    return attrs.evolve(rules, maker_fee=fees.maker, taker_fee=fees.taker)
