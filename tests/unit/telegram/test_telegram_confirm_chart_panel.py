"""Confirmation tokens, the portfolio chart, and the static control panel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.fake.clock import FakeClock
from adapters.telegram.chart import render_portfolio_chart
from adapters.telegram.confirm import Confirmations
from adapters.telegram.demo import RUNNERS, demo_panel
from adapters.telegram.panel import Holding, UnknownAssetError, UnknownRunnerError
from mexcore.values import PortfolioSnapshot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_a_token_works_once_in_its_own_chat() -> None:
    confirmations = Confirmations(FakeClock(0), ttl_s=60)
    token = confirmations.open("sell", "BTC", chat_id=1)

    assert confirmations.take(token, chat_id=2) is None
    action = confirmations.take(token, chat_id=1)
    assert (action.kind, action.argument) == ("sell", "BTC") if action else False
    assert confirmations.take(token, chat_id=1) is None


def test_a_token_expires_after_its_time_to_live() -> None:
    clock = FakeClock(0)
    confirmations = Confirmations(clock, ttl_s=60)
    token = confirmations.open("rebalance", None, chat_id=1)

    clock.advance(60)

    assert confirmations.take(token, chat_id=1) is None


def test_expired_tokens_are_forgotten_when_new_ones_are_opened() -> None:
    clock = FakeClock(0)
    confirmations = Confirmations(clock, ttl_s=60)
    for _ in range(5):
        confirmations.open("sell", "BTC", chat_id=1)
    clock.advance(61)

    confirmations.open("sell", "ETH", chat_id=1)

    assert len(confirmations) == 1


def test_chart_is_a_png_for_many_snapshots_or_one() -> None:
    snapshots = demo_panel(1_714_000_000_000).snapshots

    assert render_portfolio_chart(snapshots).startswith(PNG_MAGIC)
    assert render_portfolio_chart(snapshots[:1]).startswith(PNG_MAGIC)


def test_chart_orders_snapshots_by_time_and_refuses_none() -> None:
    late = PortfolioSnapshot(2_000, Decimal(2), {"BTC": Decimal(2)})
    early = PortfolioSnapshot(1_000, Decimal(1), {"BTC": Decimal(1)})

    assert render_portfolio_chart([late, early]) == render_portfolio_chart([early, late])
    with pytest.raises(ValueError, match="no snapshots"):
        render_portfolio_chart([])


async def test_static_panel_pauses_one_runner_or_all() -> None:
    panel = demo_panel(0)

    assert await panel.pause("scanner") == ["scanner"]
    assert await panel.resume() == list(RUNNERS)
    assert not any(s.paused for s in await panel.statuses())


async def test_static_panel_refuses_unknown_runners_and_assets() -> None:
    panel = demo_panel(0)

    with pytest.raises(UnknownRunnerError):
        await panel.pause("nope")
    with pytest.raises(UnknownAssetError):
        await panel.sell("DOGE")
    assert panel.sold == []


def test_panel_records_refuse_float_money() -> None:
    with pytest.raises(TypeError, match="float"):
        Holding("BTC", 0.1)  # type: ignore[arg-type]
