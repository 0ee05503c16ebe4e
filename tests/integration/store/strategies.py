"""Hypothesis strategies for the values a Store keeps, and an exact view of them."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from mexcore.values import (
    Fill,
    IntentStatus,
    OrderIntent,
    OrderType,
    PortfolioSnapshot,
    Side,
)

SYMBOLS = ("BTCUSDC", "ETHUSDC", "ADAUSDT")

# Every spelling matters: 1.50 and 1.5 are equal but must come back as they went in.
amounts = st.decimals(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [Decimal("1.50"), Decimal("-0"), Decimal("1E+2"), Decimal("0.00000001"), Decimal("1E-30")]
)
optional_amounts = st.none() | amounts
times = st.integers(min_value=0, max_value=4_102_444_800_000)
texts = st.text(max_size=20)


def fills(trade_ids: st.SearchStrategy[str] = texts, symbols: tuple[str, ...] = SYMBOLS) -> (
    st.SearchStrategy[Fill]
):
    """Draw a fill; narrow `trade_ids` and `times` to make duplicates and ties likely."""
    return st.builds(
        Fill,
        symbol=st.sampled_from(symbols),
        trade_id=trade_ids,
        order_id=texts,
        side=st.sampled_from(Side),
        price=amounts,
        qty=amounts,
        quote_qty=amounts,
        fee=amounts,
        fee_asset=st.sampled_from(["USDT", "USDC", "MX", "BTC"]),
        is_maker=st.booleans(),
        time_ms=st.integers(min_value=0, max_value=5),
        client_order_id=texts,
    )


def intents(client_ids: st.SearchStrategy[str] = texts) -> st.SearchStrategy[OrderIntent]:
    """Draw an order intent with any status and any (exact) amounts."""
    return st.builds(
        OrderIntent,
        client_order_id=client_ids,
        runner=st.sampled_from(["scanner", "balance_monitor", "pnl_monitor"]),
        symbol=st.sampled_from(SYMBOLS),
        side=st.sampled_from(Side),
        type=st.sampled_from(OrderType),
        status=st.sampled_from(IntentStatus),
        created_ms=st.integers(min_value=0, max_value=3),
        quantity=optional_amounts,
        quote_qty=optional_amounts,
        price=optional_amounts,
        order_id=st.none() | texts,
        updated_ms=times,
        reason=texts,
    )


def snapshots(times_ms: st.SearchStrategy[int] = times) -> st.SearchStrategy[PortfolioSnapshot]:
    """Draw a portfolio snapshot with a few asset values."""
    return st.builds(
        PortfolioSnapshot,
        time_ms=times_ms,
        total_value=amounts,
        values=st.dictionaries(st.sampled_from(["BTC", "ETH", "USDT", "USDC"]), amounts),
    )


def exact(value: object) -> object:
    """Return a view of a stored value in which 1.50 differs from 1.5 (repr of every field)."""
    if isinstance(value, PortfolioSnapshot):
        return (value.time_ms, repr(value.total_value), sorted(
            (k, repr(v)) for k, v in value.values.items()
        ))
    return repr(value)
