"""The overview compares the bot with holding its start and with buying the targets."""

from decimal import Decimal

from tests.unit.web.support import dashboard

from adapters.fake.panel import StaticControlPanel
from adapters.web.views import vs_rows
from mexcore.panel import PortfolioView, VsHolding

VS = VsHolding(0, Decimal(100), Decimal(90), Decimal("120.5"), "buy BTC/ETH 60/40 and hold")


def test_vs_rows_give_each_strategys_value_and_return() -> None:
    rows = vs_rows(VS, Decimal(110))

    assert [(r["label"], r["value"], r["return"]) for r in rows] == [
        ("bot", "110.00", "+10.0 %"), ("hold the start balances", "90.00", "-10.0 %"),
        ("buy BTC/ETH 60/40 and hold", "120.50", "+20.5 %")]


def test_no_start_gives_no_comparison() -> None:
    assert vs_rows(None, Decimal(110)) == []


async def test_the_overview_and_its_fragment_show_the_comparison() -> None:
    panel = StaticControlPanel(portfolio=PortfolioView((), Decimal(110), VS))
    async with dashboard(panel) as (client, _):
        page, fragment = await client.get("/"), await client.get("/fragments/overview")

    for html in (page.text, fragment.text):
        assert 'id="vs-holding"' in html
        assert "+20.5 %" in html
        assert "-10.0 %" in html
