"""Every page and fragment of the dashboard shows the panel's values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from tests.unit.web.support import NOW_MS, dashboard, write_log

from adapters.fake.panel import StaticControlPanel
from adapters.web.views import today_change, value_chart
from mexcore.panel import PortfolioView
from mexcore.values import PortfolioSnapshot

PAGES = ["/", "/runners", "/positions", "/orders", "/log"]
FRAGMENTS = ["overview", "runners", "positions", "orders", "log"]


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_is_served_with_the_refreshing_fragment(path: str) -> None:
    async with dashboard() as (client, _):
        response = await client.get(path)
    assert response.status_code == 200
    assert 'id="fragment"' in response.text
    assert 'src="/static/dashboard.js"' in response.text


@pytest.mark.parametrize("name", FRAGMENTS)
async def test_every_fragment_is_a_part_of_a_page_only(name: str) -> None:
    async with dashboard() as (client, _):
        response = await client.get(f"/fragments/{name}")
    assert response.status_code == 200
    assert "<html" not in response.text


async def test_the_overview_shows_value_pnl_allocation_and_chart() -> None:
    async with dashboard() as (client, _):
        html = (await client.get("/fragments/overview")).text
    assert "600.00 USDT" in html
    assert "+1.72" in html  # total PnL: realised 1.25, unrealised 0.84 - 0.37
    assert "<polyline" in html
    assert "48 snapshots" in html
    assert "31.7 %" in html
    assert "60.0 %" in html


async def test_times_are_on_the_bots_clock_and_said_simulated() -> None:
    async with dashboard() as (client, _):
        html = (await client.get("/fragments/runners")).text
    assert "2025-11-24 15:59:48 UTC (simulated)" in html
    assert "12 s ago" in html
    assert "in 48 s" in html


async def test_a_runners_last_error_is_escaped() -> None:
    async with dashboard() as (client, _):
        html = (await client.get("/fragments/runners")).text
    assert "&lt;html&gt; &amp; co" in html
    assert "<html> & co" not in html


async def test_positions_show_quantity_average_cost_and_pnl() -> None:
    async with dashboard() as (client, _):
        html = (await client.get("/fragments/positions")).text
    for text in ("0.0031", "61250.5", "+0.84", "+1.25", "-0.37"):
        assert text in html


async def test_orders_show_open_orders_and_fills_with_runner_and_reason() -> None:
    origins = {"mx-bm-1": ("balance_monitor", "buy BTC to the 60 % target")}
    async with dashboard(origins=lambda: origins) as (client, panel):
        fill = panel.orders_view.recent_fills[0]
        panel.orders_view = attrs.evolve(
            panel.orders_view, recent_fills=[attrs.evolve(fill, client_order_id="mx-bm-1")])
        html = (await client.get("/fragments/orders")).text
    assert "BTCUSDC" in html
    assert "61400" in html
    assert "balance_monitor" in html
    assert "buy BTC to the 60 % target" in html
    assert "0.0079 USDC" in html


async def test_the_log_page_shows_the_last_lines_with_secrets_hidden(tmp_path: Path) -> None:
    log = write_log(tmp_path, [f"line {n}" for n in range(300)] + ["key sEcReT-value-123"])
    async with dashboard(log_path=log, hide=("sEcReT-value-123",)) as (client, _):
        html = (await client.get("/fragments/log")).text
    assert "line 299" in html
    assert "line 100\n" not in html
    assert "key ***" in html
    assert "sEcReT-value-123" not in html


async def test_the_log_page_says_when_there_is_no_log_file(tmp_path: Path) -> None:
    async with dashboard(log_path=tmp_path / "mexbot.log") as (client, _):
        html = (await client.get("/fragments/log")).text
    assert "No log file" in html


async def test_an_empty_bot_shows_empty_tables_not_errors() -> None:
    panel = StaticControlPanel(portfolio=PortfolioView(holdings=(), total_usdt=Decimal(0)))
    async with dashboard(panel) as (client, _):
        pages = [await client.get(path) for path in PAGES]
    assert [p.status_code for p in pages] == [200] * 5
    assert "No value history yet" in pages[0].text


async def test_an_unknown_page_is_404() -> None:
    async with dashboard() as (client, _):
        assert (await client.get("/nothing")).status_code == 404
        assert (await client.get("/fragments/nothing")).status_code == 404


async def test_pages_forbid_framing_and_inline_scripts() -> None:
    async with dashboard() as (client, _):
        response = await client.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "<script>" not in response.text


def test_todays_change_starts_at_the_last_snapshot_before_midnight() -> None:
    midnight = NOW_MS - NOW_MS % 86_400_000
    snapshots = [PortfolioSnapshot(midnight - 60_000, Decimal("590")),
                 PortfolioSnapshot(midnight + 60_000, Decimal("595"))]
    assert today_change(snapshots, Decimal("600"), NOW_MS) == Decimal("10")
    assert today_change(snapshots[1:], Decimal("600"), NOW_MS) == Decimal("5")
    assert today_change([], Decimal("600"), NOW_MS) is None


def test_the_value_chart_spans_its_box_from_lowest_to_highest() -> None:
    snapshots = [PortfolioSnapshot(0, Decimal("100")), PortfolioSnapshot(50, Decimal("150")),
                 PortfolioSnapshot(100, Decimal("120"))]
    chart = value_chart(snapshots, width=100, height=50)
    assert chart is not None
    assert chart["points"] == "0.0,50.0 50.0,0.0 100.0,30.0"
    assert (chart["low"], chart["high"]) == ("100.00", "150.00")
    assert value_chart(snapshots[:1]) is None


class _Unreachable(StaticControlPanel):
    async def portfolio(self) -> PortfolioView:
        raise ConnectionError("MEXC <503> with key sEcReT-value-123")


async def test_a_panel_that_cannot_read_the_exchange_gives_503_not_a_crash() -> None:
    async with dashboard(_Unreachable(), hide=("sEcReT-value-123",)) as (client, _):
        page, fragment = await client.get("/"), await client.get("/fragments/overview")
        runners = await client.get("/runners")
    assert (page.status_code, fragment.status_code, runners.status_code) == (503, 503, 200)
    assert "ConnectionError: MEXC &lt;503&gt;" in fragment.text
    assert "ConnectionError: MEXC &lt;503&gt;" in page.text
    assert "sEcReT-value-123" not in page.text + fragment.text
