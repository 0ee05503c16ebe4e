"""Shared hypothesis strategies: money decimals, symbol rules, fills and order books.

Everything drawn here is realistic enough for the money math (positive prices on a tick,
steps that are powers of ten like MEXC's) and exact (Decimal, never float).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

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
