"""Hypothesis strategies: money, symbol rules, books, fills, price paths, markets, balances, faults.

Everything drawn here is realistic enough for the money math (positive prices on a tick,
steps that are powers of ten like MEXC's) and exact (Decimal, never float); price paths are
floats only because candles are (they become Decimals on the tick at the exchange).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
from hypothesis import strategies as st

from adapters.fake.faults import Faults
from adapters.fake.market import MarketData
from adapters.fake.rules import default_rules
from adapters.fake.synthetic import START_PRICES
from adapters.fake.testing.markets import START_MS, market_from_closes
from mexcore.values import BookLevel, Fill, OrderBook, Side, SymbolRules

D = Decimal


def money(
    min_value: str | Decimal = "0",
    max_value: str | Decimal = "1000000",
    places: int = 8,
) -> st.SearchStrategy[Decimal]:
    """Draw an exact non-negative amount with at most `places` decimals."""
    return st.decimals(
        min_value=D(min_value), max_value=D(max_value), places=places,
        allow_nan=False, allow_infinity=False,
    )


def positive_money(max_value: str = "1000000", places: int = 8) -> st.SearchStrategy[Decimal]:
    """Draw an exact amount strictly above zero."""
    return money(D(1).scaleb(-places), max_value, places)


def steps(min_decimals: int = 0, max_decimals: int = 8) -> st.SearchStrategy[Decimal]:
    """Draw a MEXC-style step or tick: 10^-n (1, 0.1, …, 0.00000001)."""
    return st.integers(min_decimals, max_decimals).map(lambda n: D(1).scaleb(-n))


def fractions(min_value: str = "0", max_value: str = "1") -> st.SearchStrategy[Decimal]:
    """Draw a fraction such as a weight or a band multiplier, four decimals."""
    return money(min_value, max_value, places=4)


@st.composite
def symbol_rules(
    draw: st.DrawFn,
    symbol: str = "XUSDT",
    base: str = "X",
    quote: str = "USDT",
    band: bool = True,
) -> SymbolRules:
    """Draw the rules of one symbol: steps, minimums, optional maxima and price band."""
    qty_step = draw(steps(0, 8))
    tick = draw(steps(0, 8))
    multiplier = draw(st.sampled_from([D("0.005"), D("0.05"), D("0.2")])) if band else None
    return SymbolRules(
        symbol=symbol, base=base, quote=quote, qty_step=qty_step, price_tick=tick,
        min_qty=draw(st.sampled_from([D(0), qty_step, qty_step * 7, D("0.0001")])),
        min_notional=draw(st.sampled_from([D(0), D(1), D(5)])),
        min_notional_market=draw(st.sampled_from([D(0), D(1), D(5)])),
        max_notional=draw(st.none() | st.sampled_from([D(100), D(2_000_000)])),
        max_notional_market=draw(st.none() | st.sampled_from([D(50), D(100_000)])),
        bid_multiplier_up=multiplier,
        ask_multiplier_down=multiplier,
    )


def prices_on(tick: Decimal, max_ticks: int = 10**9) -> st.SearchStrategy[Decimal]:
    """Draw a positive price that lies on `tick`."""
    return st.integers(1, max_ticks).map(lambda n: n * tick)


@st.composite
def order_books(draw: st.DrawFn, rules: SymbolRules, levels: int = 3) -> OrderBook:
    """Draw a sane book on the rules' tick: bids best first below asks best first."""
    tick = rules.price_tick
    best_bid = draw(st.integers(1, 10**7))
    spread = draw(st.integers(1, 50))
    bid_gaps = draw(st.lists(st.integers(1, 5), max_size=levels - 1))
    ask_gaps = draw(st.lists(st.integers(1, 5), max_size=levels - 1))
    qty = positive_money("100", 4)
    bid_ticks = [best_bid]
    for gap in bid_gaps:
        bid_ticks.append(max(1, bid_ticks[-1] - gap))
    ask_ticks = [best_bid + spread]
    for gap in ask_gaps:
        ask_ticks.append(ask_ticks[-1] + gap)
    bids = tuple(BookLevel(n * tick, draw(qty)) for n in sorted(set(bid_ticks), reverse=True))
    asks = tuple(BookLevel(n * tick, draw(qty)) for n in sorted(set(ask_ticks)))
    return OrderBook(symbol=rules.symbol, bids=bids, asks=asks)


@st.composite
def fills(
    draw: st.DrawFn,
    symbol: str = "BTCUSDC",
    sides: Sequence[Side] = (Side.BUY, Side.SELL),
    fee_assets: Sequence[str] = ("USDC",),
    trade_id: str | None = None,
    base: str = "BTC",
) -> Fill:
    """Draw one fill of `symbol`: positive price and quantity, a small fee (in base: qty-based)."""
    price = draw(positive_money("100000", 2))
    qty = draw(positive_money("10", 6))
    fee_rate = draw(st.sampled_from([D(0), D("0.0005"), D("0.001")]))
    fee_asset = draw(st.sampled_from(list(fee_assets)))
    fee = (qty * price * fee_rate).quantize(D("0.00000001"))
    if fee_asset == base:
        fee = (qty * fee_rate).quantize(D("0.00000001"))
    return Fill(
        symbol=symbol,
        trade_id=trade_id if trade_id is not None else str(draw(st.integers(0, 10**9))),
        order_id=str(draw(st.integers(0, 10**9))),
        side=draw(st.sampled_from(list(sides))),
        price=price, qty=qty, quote_qty=price * qty, fee=fee, fee_asset=fee_asset,
        is_maker=draw(st.booleans()), time_ms=draw(st.integers(0, 10**6)),
    )


def fill_lists(
    symbol: str = "BTCUSDC",
    sides: Sequence[Side] = (Side.BUY, Side.SELL),
    fee_assets: Sequence[str] = ("USDC",),
    max_size: int = 12,
) -> st.SearchStrategy[list[Fill]]:
    """Draw a list of fills with distinct trade ids, in time order."""
    return st.lists(
        fills(symbol, sides, fee_assets), max_size=max_size, unique_by=lambda f: f.trade_id
    ).map(lambda fs: sorted(fs, key=lambda f: f.time_ms))


#: The shapes a price path can take (see `price_paths`).
REGIMES = ("trend", "chop", "pump", "dump", "gap")


def _trend(n: int, rng: np.random.Generator, size: float) -> list[float]:
    drift = size / n * rng.choice([-1.0, 1.0])
    return np.cumsum(np.full(n, drift) + rng.normal(0.0, 0.0005, n)).tolist()  # type: ignore[no-any-return]


def _chop(n: int, rng: np.random.Generator, size: float) -> list[float]:
    return (size / 4 * np.sin(np.arange(n) / 7.0) + rng.normal(0.0, 0.001, n)).tolist()  # type: ignore[no-any-return]


def _jump(n: int, rng: np.random.Generator, size: float, minutes: int) -> list[float]:
    at = int(rng.integers(n // 4, max(n // 4 + 1, 3 * n // 4)))
    ramp = np.clip((np.arange(n) - at + 1) / minutes, 0.0, 1.0) * size
    return (ramp + rng.normal(0.0, 0.0005, n)).tolist()  # type: ignore[no-any-return]


def price_paths(
    regime: str | None = None,
    start_price: float = 100.0,
    minutes: int | tuple[int, int] = (60, 600),
) -> st.SearchStrategy[list[float]]:
    """Draw 1-minute closes of one regime, starting near `start_price` (always positive).

    trend: a steady drift up or down (up to ±30 %) with noise; chop: swings around the start;
    pump / dump: flat, then a rise / fall of 5–60 % over 3–30 minutes; gap: the same move in
    one minute. `regime` None draws one of REGIMES.
    """
    if regime is not None and regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}; expected one of {', '.join(REGIMES)}")
    if not start_price > 0:
        raise ValueError(f"start_price {start_price} is not positive")
    return _price_paths(regime, start_price, minutes)


@st.composite
def _price_paths(
    draw: st.DrawFn, regime: str | None, start_price: float, minutes: int | tuple[int, int]
) -> list[float]:
    shape = regime if regime is not None else draw(st.sampled_from(REGIMES))
    n = minutes if isinstance(minutes, int) else draw(st.integers(*minutes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    size = draw(st.floats(0.05, 0.6 if shape in ("pump", "dump", "gap") else 0.3))
    if shape == "trend":
        logs = _trend(n, rng, size)
    elif shape == "chop":
        logs = _chop(n, rng, size)
    else:
        sign = -1.0 if shape == "dump" or (shape == "gap" and draw(st.booleans())) else 1.0
        logs = _jump(n, rng, sign * size, 1 if shape == "gap" else draw(st.integers(3, 30)))
    return [start_price * float(np.exp(x)) for x in logs]


def _start_price(symbol: str, rules: SymbolRules | None) -> float:
    if symbol.startswith("USDC") and symbol.endswith("USDT"):
        return 1.0
    base = rules.base if rules is not None else symbol[:-4]
    return START_PRICES.get(base, 1.0)


@st.composite
def markets(
    draw: st.DrawFn,
    symbols: Sequence[str] = ("BTCUSDC", "ETHUSDC"),
    regimes: Sequence[str] = REGIMES,
    minutes: int | tuple[int, int] = (120, 600),
    rules: Mapping[str, SymbolRules] | None = None,
) -> MarketData:
    """Draw a whole market: one price path per symbol, each of a regime from `regimes`.

    Every symbol gets the same number of minutes, from START_MS; `rules` (default: the fake
    exchange's) give ticks and steps, and the start price is the base's usual price.
    """
    table = default_rules() if rules is None else rules
    n = minutes if isinstance(minutes, int) else draw(st.integers(*minutes))
    closes = {
        s: draw(price_paths(draw(st.sampled_from(list(regimes))), _start_price(s, table.get(s)),
                            n))
        for s in symbols
    }
    return market_from_closes(closes, START_MS, table)


def balances(
    assets: Mapping[str, str | Decimal] | None = None, places: int = 2
) -> st.SearchStrategy[dict[str, Decimal]]:
    """Draw free balances: each asset between 0 and its top (default 1000 USDT and USDC)."""
    tops = assets if assets is not None else {"USDT": "1000", "USDC": "1000"}
    return st.fixed_dictionaries({a: money("0", top, places) for a, top in tops.items()})


@st.composite
def fault_plans(draw: st.DrawFn, hostile: bool = True) -> Faults:
    """Draw the fake exchange's `Faults`: lost answers, 5xx and 429s, fills between calls,
    post-only cancels, look-ups failing after a lost answer, prices moving between reads.

    `hostile` False draws only the one-shot faults (the next N calls), no random rates.
    """
    def rate(*choices: float) -> float:
        return draw(st.sampled_from((0.0, *choices))) if hostile else 0.0

    return Faults(
        error_rate=rate(0.002, 0.02), rate_limit_rate=rate(0.002, 0.02),
        lost_answer_rate=rate(0.03, 0.2), fill_rate=rate(0.03, 0.3),
        post_only_cancel_rate=rate(0.5, 1.0), price_move_rate=rate(0.1, 0.5),
        price_move_ticks=draw(st.integers(1, 5)),
        lookups_fail_after_lost=draw(st.integers(0, 3)),
        fail_next=draw(st.integers(0, 2)), lose_next_answers=draw(st.integers(0, 2)),
        fill_next=draw(st.integers(0, 2)), move_next=draw(st.integers(0, 2)),
        seed=draw(st.integers(0, 2**16)),
    )
