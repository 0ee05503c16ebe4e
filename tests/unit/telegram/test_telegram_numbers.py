"""Telegram answers show cash in cents: a fill's quote, a stablecoin balance."""

from decimal import Decimal

from adapters.telegram.panel import Holding, OrdersView, PortfolioView
from adapters.telegram.views import format_orders, format_portfolio
from mexcore.values import Fill, Side

D = Decimal
NOW = 1_714_000_000_000


def test_a_fill_shows_its_quote_amount_in_cents() -> None:
    fill = Fill("BTCUSDC", "7", "c7", Side.BUY, D("28274.13"), D("0.002124"), D("60.05425212"),
                D("0.03002712606"), fee_asset="USDC", is_maker=False, time_ms=NOW)

    text = format_orders(OrdersView([], [fill]), NOW)

    assert "@ 28274.13 = 60.05 USDC · fee 0.0300 USDC (taker)" in text


def test_a_stablecoin_balance_is_shown_in_cents() -> None:
    usdc = Holding("USDC", D("5.22292689878"), D(0), D("5.22"), D(1))

    text = format_portfolio(PortfolioView([usdc], D("5.22")))

    assert "<b>USDC</b> 5.22 ≈" in text
