"""Every answer and notification is valid Telegram HTML, whatever the symbols and numbers."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.telegram.markup import MAX_MESSAGE_CHARS, check_html, plain_text, split_html
from adapters.telegram.notifier import render_notification
from adapters.telegram.panel import (
    AssetPnl,
    AutobuyView,
    Holding,
    Opportunity,
    OrdersView,
    PnlView,
    PortfolioView,
    Purchase,
    RunnerStatus,
)
from adapters.telegram.views import (
    amount,
    format_autobuy,
    format_config,
    format_orders,
    format_pnl,
    format_portfolio,
    format_status,
    moment,
    percent,
    signed,
)
from mexcore.ports import Level
from mexcore.values import Fill, Order, OrderStatus, OrderType, Side

NOW = 1_714_000_000_000
D = Decimal

symbols = st.text(alphabet="ABCXYZ019_<>&%;#é😀 ", min_size=1, max_size=24)
numbers = st.decimals(
    min_value=D("-1e12"), max_value=D("1e12"), allow_nan=False, allow_infinity=False, places=10
)
weights = st.decimals(min_value=D(0), max_value=D(1), places=4)
times = st.one_of(st.none(), st.integers(NOW - 10**9, NOW + 10**9))


def assert_sendable(html: str) -> None:
    chunks = split_html(html)
    assert chunks
    for chunk in chunks:
        check_html(chunk)
        assert len(chunk.encode("utf-16-le")) // 2 <= MAX_MESSAGE_CHARS


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(symbols, numbers, numbers, weights, st.none() | weights), max_size=40))
def test_portfolio_is_valid_html_showing_each_symbol(rows: list[tuple]) -> None:
    holdings = [Holding(s, f, abs(lk), f, w, target_weight=t) for s, f, lk, w, t in rows]

    html = format_portfolio(PortfolioView(holdings=holdings, total_usdt=D(0)))

    assert_sendable(html)
    assert all(s in plain_text(html) for s, *_ in rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(symbols, numbers, numbers, numbers, numbers), max_size=40))
def test_pnl_is_valid_html(rows: list[tuple]) -> None:
    assert_sendable(format_pnl(PnlView(assets=[AssetPnl(*row) for row in rows])))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(symbols, times, times, st.none() | symbols, st.booleans()), max_size=9))
def test_status_is_valid_html(rows: list[tuple]) -> None:
    statuses = [RunnerStatus(n, paused=p, last_tick_ms=a, next_tick_ms=b, last_error=e)
                for n, a, b, e, p in rows]  # fmt: skip

    assert_sendable(format_status(statuses, NOW))


@settings(max_examples=60, deadline=None)
@given(symbols, numbers, st.lists(symbols, max_size=5), st.lists(symbols, max_size=5))
def test_autobuy_is_valid_html(symbol: str, value: Decimal, reasons: list[str],
                               plan: list[str]) -> None:  # fmt: skip
    view = AutobuyView(
        opportunities=[Opportunity(symbol, value, reasons)], plan_lines=plan,
        purchases=[Purchase(NOW, symbol, symbol, value, value, value)],
    )  # fmt: skip

    html = format_autobuy(view, NOW)

    assert_sendable(html)
    assert symbol in plain_text(html)


@settings(max_examples=60, deadline=None)
@given(symbols, numbers, st.none() | numbers)
def test_orders_are_valid_html(symbol: str, value: Decimal, price: Decimal | None) -> None:
    order = Order(symbol, "1", "c", Side.BUY, OrderType.LIMIT, OrderStatus.NEW, price=price,
                  orig_qty=value)  # fmt: skip
    fill = Fill(symbol, "t", "1", Side.SELL, value, value, value, value, fee_asset=symbol,
                is_maker=False, time_ms=NOW)  # fmt: skip

    assert_sendable(format_orders(OrdersView(open_orders=[order], recent_fills=[fill]), NOW))


@settings(max_examples=60, deadline=None)
@given(symbols, st.text(max_size=9000), st.sampled_from(list(Level)))
def test_any_notification_text_survives_escaping_and_splitting(
    topic: str, text: str, level: Level
) -> None:
    html = render_notification(topic, text, level)

    if text.strip() or topic.strip():
        assert_sendable(html)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=6000))
def test_any_config_text_is_shown_verbatim(text: str) -> None:
    chunks = split_html(format_config(text))

    assert all(c.count("<pre>") == c.count("</pre>") for c in chunks)
    assert "".join("".join(plain_text(c).split()) for c in chunks) == "".join(
        ("Configuration" + text).split()
    )


def test_amount_rounds_half_even_to_the_step() -> None:
    assert amount(D("2.345"), D("0.01")) == "2.34"
    assert amount(D("2.355"), D("0.01")) == "2.36"
    assert amount(D("0.00001000")) == "0.00001"


def test_signed_shows_the_sign_of_what_is_printed() -> None:
    assert [signed(D("1.5")), signed(D("-0.2")), signed(D("0.001"))] == ["+1.50", "-0.20", "0.00"]


def test_percent_and_moment_read_naturally() -> None:
    assert percent(D("0.6")) == "60.0%"
    assert moment(NOW - 12_000, NOW) == "12 s ago (23:06:28 UTC)"
    assert moment(NOW + 300_000, NOW) == "in 5 min (23:11:40 UTC)"
    assert moment(None, NOW) == "never"
