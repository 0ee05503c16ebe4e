"""Issue 13.2: a paper account lives in the paper state directory and survives restarts.

A restart is a new SqliteStore and a new PaperExchange on the same directory; the 'live'
market is a FakeExchange on the bundled candles (never the network).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from tests.integration.exchange_contract.harness import START_MS, bundled_market

from adapters.fake import FakeClock, FakeExchange
from adapters.paper import ACCOUNT_FILE, PaperAccountError, PaperExchange
from adapters.sqlite import SqliteStore
from mexcore.config import load_config
from mexcore.errors import OrderRejected
from mexcore.values import OrderRequest, OrderStatus, OrderType, Side
from runners.container import open_paper_account

SYMBOL = "ADAUSDC"
URL = "https://api.mexc.com"


class World:
    """The live market, the clock and the paper state directory one bot restarts on."""

    def __init__(self, tmp_path: Path) -> None:
        self.clock = FakeClock(START_MS)
        self.live = FakeExchange(self.clock, bundled_market())
        self.config = load_config({"mode": "paper", "state_dir": str(tmp_path / "paper")})

    def start(self) -> tuple[PaperExchange, SqliteStore]:
        """Start (or restart) the bot's paper account and journal."""
        store = SqliteStore(self.config.state_dir, mode="paper", base_url=URL)
        return open_paper_account(self.live, self.clock, self.config), store


def market_buy(cid: str, quote: str = "10") -> OrderRequest:
    return OrderRequest(SYMBOL, Side.BUY, OrderType.MARKET, cid, quote_qty=Decimal(quote))


async def buy_and_journal(paper: PaperExchange, store: SqliteStore, cid: str) -> int:
    await paper.place_order(market_buy(cid))
    return store.record_fills(await paper.my_fills(SYMBOL))


async def test_a_restarted_paper_run_keeps_its_balances_and_journals_new_fills(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    paper, store = world.start()
    first = await buy_and_journal(paper, store, "run1-buy")
    balances = dict(await paper.balances())
    store.close()
    world.clock.advance(120)

    paper, store = world.start()
    restored = dict(await paper.balances())
    second = await buy_and_journal(paper, store, "run2-buy")

    assert restored == balances
    assert balances["USDC"].free < Decimal(300)  # not the configured deposit again
    assert first > 0
    assert second > 0
    assert len(store.fills(SYMBOL)) == first + second
    store.close()


async def test_a_new_paper_account_gets_the_configured_start_balances(tmp_path: Path) -> None:
    paper, store = World(tmp_path).start()
    balances = await paper.balances()
    assert {a: b.free for a, b in balances.items()} == {"USDC": Decimal(300),
                                                        "USDT": Decimal(300)}
    store.close()


async def test_a_resting_order_survives_a_restart_with_its_funds_held(tmp_path: Path) -> None:
    world = World(tmp_path)
    paper, store = world.start()
    bid = (await world.live.order_book(SYMBOL, 1)).best_bid
    assert bid is not None
    request = OrderRequest(SYMBOL, Side.BUY, OrderType.LIMIT, "rest1", quantity=Decimal(20),
                           price=bid - Decimal("0.0010"))
    await paper.place_order(request)
    store.close()

    paper, store = world.start()
    (order,) = await paper.open_orders(SYMBOL)
    usdc = (await paper.balances())["USDC"]
    assert order.client_order_id == "rest1"
    assert usdc.locked > 0
    with pytest.raises(OrderRejected):  # its client id is still taken
        await paper.place_order(request)
    for _ in range(600):
        world.clock.advance(60)
        if not (await paper.get_order(SYMBOL, "rest1")).status.is_open:
            break
    assert (await paper.get_order(SYMBOL, "rest1")).status is OrderStatus.FILLED
    assert (await paper.balances())["ADA"].free == Decimal(20)
    store.close()


async def test_order_and_trade_ids_keep_counting_across_restarts(tmp_path: Path) -> None:
    world = World(tmp_path)
    paper, store = world.start()
    before = await paper.place_order(market_buy("a"))
    (old_fill,) = await paper.my_fills(SYMBOL)
    store.close()

    paper, store = world.start()
    after = await paper.place_order(market_buy("b"))
    fills = await paper.my_fills(SYMBOL)

    assert after.order_id != before.order_id
    assert fills[0].trade_id == old_fill.trade_id
    assert len({f.trade_id for f in fills}) == len(fills) == 2
    store.close()


def test_an_unreadable_paper_account_stops_the_start_naming_the_file(tmp_path: Path) -> None:
    world = World(tmp_path)
    account = Path(world.config.state_dir) / ACCOUNT_FILE
    account.parent.mkdir(parents=True)
    account.write_text("{not json", encoding="utf-8")
    with pytest.raises(PaperAccountError, match=r"paper-account\.json"):
        open_paper_account(world.live, world.clock, world.config)
