"""Each service's promise after a tick that did nothing: when its next tick could act."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from tests.unit.services.support import (
    NOW,
    NOW_MINUTE,
    PRICES,
    World,
    buy_fill,
    flat,
    flat_closes,
    late_drop,
    rising,
    wiggle,
    world,
)

from adapters.fake import make_rules
from adapters.fake.series import Floats
from mexcore.policies import (
    AltsMonitorPolicy,
    AntiHypePolicy,
    BalanceMonitorPolicy,
    Balancer5050Policy,
    PnlMonitorPolicy,
    ScannerPolicy,
)
from mexcore.quiet import Quiet
from mexcore.services.alts_monitor import AltsMonitor
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.services.scanner import MarketScanner
from mexcore.state import Cursors
from mexcore.values import Fill, Side

D = Decimal
CORE = ("BTCUSDC", "ETHUSDC", "USDCUSDT")
ALTS = ("ADAUSDC", "DOTUSDC", "LINKUSDC", "AVAXUSDC")  # MATICUSDC is not listed here


# --- PnL monitor ---------------------------------------------------------------------------


def _pnl(w: World, **changes: object) -> PnlMonitor:
    bm = BalanceMonitorPolicy()
    return PnlMonitor(w.deps, attrs.evolve(PnlMonitorPolicy(), **changes), dict(bm.targets),
                      bm.reserve)


def _holding(symbol: str, qty: str, bought_at: str, fee: str = "0") -> World:
    base = symbol[:-4]
    w = world(flat_closes(CORE), {base: qty})
    w.store.record_fills([buy_fill(symbol, qty, bought_at, fee=fee)])
    return w


async def test_pnl_monitor_after_a_quiet_tick_waits_for_the_profit_level_and_the_summary() -> None:
    w = _holding("BTCUSDC", "0.001", "29940", fee="0.01")  # cost 29.95: unrealised 0.05
    monitor = _pnl(w)

    assert await monitor.tick() == 1  # the first summary, no sale

    # (threshold + cost basis) / quantity = (0.07 + 29.95) / 0.001; no ETH fills: no level.
    assert monitor.quiet == Quiet(until_ms=NOW + 600_000, rises_to={"BTCUSDC": D(30020)})


async def test_pnl_monitor_promises_the_summary_of_the_last_one_sent_not_of_now() -> None:
    w = _holding("BTCUSDC", "0.001", "29940")
    monitor = _pnl(w, summary_interval_s=900)
    await monitor.tick()
    w.at(300)

    assert await monitor.tick() == 0

    assert monitor.quiet is not None
    assert monitor.quiet.until_ms == NOW + 900_000
    assert dict(monitor.quiet.rises_to) == {"BTCUSDC": D(30010)}


async def test_pnl_monitor_levels_of_btc_and_eth_are_exact() -> None:
    w = world(flat_closes(CORE), {"BTC": "0.002", "ETH": "0.03"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.002", "30000", "1"),
                          buy_fill("ETHUSDC", "0.03", "2001", "2", fee="0.03")])
    monitor = _pnl(w)

    await monitor.tick()

    assert monitor.quiet is not None
    assert dict(monitor.quiet.rises_to) == {
        "BTCUSDC": D("30035"),  # (0.07 + 60) / 0.002
        "ETHUSDC": (D("0.07") + D("60.03") + D("0.03")) / D("0.03"),  # 2004.333…
    }


async def test_pnl_monitor_after_a_sale_tick_promises_nothing() -> None:
    w = _holding("BTCUSDC", "0.001", "29940")
    monitor = _pnl(w, post_sale_rebalance=False)
    await monitor.tick()
    quiet_before = monitor.quiet
    w.exchange.deposit("BTC", "0.001")
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29000", "2")])  # now in profit
    w.at(60)

    assert await monitor.tick() == 1

    assert quiet_before is not None
    assert monitor.quiet is None


async def test_pnl_monitor_with_an_unlisted_symbol_promises_nothing() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")), {"BTC": "0.001"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29940")])
    monitor = _pnl(w)

    await monitor.tick()

    assert monitor.quiet is None


async def test_pnl_monitor_with_a_fee_paid_in_mx_promises_nothing() -> None:
    closes = {**flat_closes(CORE), "MXUSDC": flat(2.5)}
    w = world(closes, {"BTC": "0.0011"}, extra_rules=[make_rules("MX", "USDC", 2, 4)])
    w.store.record_fills([buy_fill("BTCUSDC", "0.001", "29940")])
    mx_fee = Fill("BTCUSDC", "9", "o9", Side.BUY, D(29940), D("0.0001"), D("2.994"),
                  D("0.001"), fee_asset="MX", is_maker=True, time_ms=NOW - 60_000)
    w.store.record_fills([mx_fee])
    monitor = _pnl(w)

    await monitor.tick()

    assert w.intents() == []  # cost 29.94 + 2.994 + 0.0025 (MX): unrealised 0.0635
    assert monitor.quiet is None  # the level would move with the price of MX


async def test_pnl_monitor_without_fills_is_quiet_until_the_summary_only() -> None:
    w = world(flat_closes(CORE), {"USDC": "50"})
    monitor = _pnl(w)

    await monitor.tick()

    assert monitor.quiet == Quiet(until_ms=NOW + 600_000)


# --- alts monitor --------------------------------------------------------------------------


async def test_alts_monitor_is_quiet_until_each_held_alt_reaches_its_profit_level() -> None:
    w = world(flat_closes(("ADAUSDT", "ADAUSDC", "DOTUSDT", *CORE)), {"ADA": "150", "DOT": "1"})
    w.store.record_fills([buy_fill("ADAUSDT", "100", "0.3986", "1"),  # unrealised 0.14
                          buy_fill("ADAUSDC", "50", "0.3990", "2")])  # unrealised 0.05
    monitor = AltsMonitor(w.deps, AltsMonitorPolicy(), PnlMonitorPolicy())

    assert await monitor.tick() == 0

    assert monitor.quiet == Quiet(rises_to={
        "ADAUSDT": D("0.4001"),  # (0.15 + 39.86) / 100
        "ADAUSDC": D("0.402"),  # (0.15 + 19.95) / 50; DOT was never bought: no level
    })


async def test_alts_monitor_after_a_sale_promises_nothing() -> None:
    w = world(flat_closes(("ADAUSDT", "ADAUSDC", *CORE)), {"ADA": "100"})
    w.store.record_fills([buy_fill("ADAUSDT", "100", "0.3984")])  # unrealised 0.16
    monitor = AltsMonitor(w.deps, AltsMonitorPolicy(), PnlMonitorPolicy())

    assert await monitor.tick() == 1

    assert monitor.quiet is None


# --- balance monitor -----------------------------------------------------------------------


def _balance_world(usdc: str, usdt: str = "0", **closes: Floats) -> World:
    balances = {k: v for k, v in (("USDC", usdc), ("USDT", usdt)) if D(v)}
    return world({**flat_closes(CORE), **closes}, balances)


def _balance(w: World, **changes: object) -> BalanceMonitor:
    return BalanceMonitor(w.deps, attrs.evolve(BalanceMonitorPolicy(), **changes),
                          AntiHypePolicy())


def _dips(price: float) -> Floats:
    closes = flat(price)
    closes[NOW_MINUTE:] = price * 0.999  # the next minute fills a resting maker bid
    return closes


async def test_balance_monitor_in_its_cooldown_is_quiet_until_the_cooldown_ends() -> None:
    w = _balance_world("300", BTCUSDC=_dips(30000.0), ETHUSDC=_dips(2000.0))
    monitor = _balance(w)
    await monitor.tick()  # buys; its orders fill in the next minute
    placing = monitor.quiet
    w.at(60)
    await monitor.tick()
    w.at(120)

    assert await monitor.tick() == 0

    assert placing is None
    assert monitor.quiet == Quiet(until_ms=NOW + 300_000)


async def test_balance_monitor_with_an_order_still_open_promises_nothing() -> None:
    w = _balance_world("52")  # flat prices: the maker bids rest unfilled
    monitor = _balance(w)
    await monitor.tick()
    w.at(30)

    await monitor.tick()

    assert len(await w.exchange.open_orders()) == 2
    assert monitor.quiet is None


async def test_balance_monitor_without_usdc_or_usdt_is_quiet_until_the_account_moves() -> None:
    w = _balance_world("0")
    monitor = _balance(w)

    assert await monitor.tick() == 0

    assert monitor.quiet == Quiet()


@pytest.mark.parametrize(("usdc", "usdt"), [("9.99", "0.99"), ("0", "0.5"), ("5", "0")])
async def test_balance_monitor_without_spendable_usdc_and_no_possible_top_up_is_quiet(
    usdc: str, usdt: str
) -> None:
    # USDT under USDCUSDT's $1 market minimum, or no USDT at all to top up with.
    w = _balance_world(usdc, usdt)
    monitor = _balance(w)

    assert await monitor.tick() == 0

    assert monitor.quiet == Quiet()
    assert w.intents() == []


async def test_balance_monitor_with_usdt_enough_for_a_top_up_is_not_quiet() -> None:
    w = _balance_world("0", usdt="100")
    monitor = _balance(w)

    assert await monitor.tick() > 0

    assert monitor.quiet is None


async def test_balance_monitor_with_top_up_disabled_is_quiet_despite_usdt() -> None:
    w = _balance_world("5", usdt="100")
    monitor = _balance(w, top_up_from_usdt=False)

    assert await monitor.tick() == 0

    assert monitor.quiet == Quiet()


async def test_balance_monitor_with_spendable_usdc_but_no_buy_promises_nothing() -> None:
    # Both assets pumped about 17 % in 24 h: the anti-hype filter blocks them, prices decide.
    w = _balance_world("52", BTCUSDC=rising(26000.0, 3.0, 0), ETHUSDC=rising(1700.0, 0.2, 0))
    monitor = _balance(w)

    assert await monitor.tick() == 0

    assert w.intents() == []
    assert monitor.quiet is None


# --- 50/50 balancer ------------------------------------------------------------------------


def _balancer(w: World, **changes: object) -> Balancer5050:
    policy = attrs.evolve(Balancer5050Policy(), alts=ALTS, **changes)
    return Balancer5050(w.deps, policy)


def _balancer_world(usdc: str, **held: str) -> World:
    return world(flat_closes((*CORE, *ALTS)), {"USDC": usdc, **held})


@pytest.mark.parametrize("usdc", ["5", "9.99", "20"])  # under $10, or nothing over the reserve
async def test_balancer_with_tiny_usdc_is_quiet_until_the_account_moves(usdc: str) -> None:
    w = _balancer_world(usdc, ADA="1000")
    balancer = _balancer(w)

    assert await balancer.tick() == 0

    assert balancer.quiet == Quiet()


async def test_balancer_in_its_cooldown_is_quiet_until_it_ends() -> None:
    w = _balancer_world("1000", ADA="2000")
    balancer = _balancer(w)
    assert await balancer.tick() == 2
    after_buying = balancer.quiet
    w.at(30)

    assert await balancer.tick() == 0

    assert after_buying is None
    assert balancer.quiet == Quiet(until_ms=NOW + 60_000)


async def test_balancer_near_50_50_with_spendable_usdc_promises_nothing() -> None:
    w = _balancer_world("100", ADA="150", ETH="0.02")  # 60 / 40: within ten points

    assert await (balancer := _balancer(w)).tick() == 0

    assert balancer.quiet is None  # a price move could push it past the deviation


async def test_balancer_with_an_unlisted_alt_promises_nothing() -> None:
    w = _balancer_world("5", ADA="1000")
    balancer = Balancer5050(w.deps, Balancer5050Policy())  # MATICUSDC is not listed

    await balancer.tick()

    assert balancer.quiet is None


# --- scanner -------------------------------------------------------------------------------


def _scanner_world(usdt: str, opportunity: bool = True) -> World:
    ada = late_drop(PRICES["ADAUSDT"], 0.0001, 0.03) if opportunity else wiggle(0.4, 0.0001)
    balances = {"USDT": usdt} if D(usdt) else {}
    return world({"ADAUSDT": ada, "DOTUSDT": wiggle(6.0, 0.001)}, balances)


def _scanner(w: World) -> MarketScanner:
    return MarketScanner(w.deps, ScannerPolicy(), AntiHypePolicy())


@pytest.mark.parametrize("usdt", ["0", "5.99"])
async def test_scanner_without_usdt_after_a_report_is_quiet_until_the_next_report(
    usdt: str
) -> None:
    w = _scanner_world(usdt)
    scanner = _scanner(w)
    await scanner.tick()
    before_report = scanner.quiet
    w.at(600)

    assert await scanner.tick() == 1  # the report of cycle 2

    assert before_report is None  # cycle 1: the next cycle reports
    assert scanner.quiet == Quiet(until_ms=NOW + 600_000 + 2 * 600_000)


@pytest.mark.parametrize("opportunity", [True, False])
async def test_scanner_with_usdt_to_buy_with_promises_nothing(opportunity: bool) -> None:
    w = _scanner_world("100", opportunity)
    scanner = _scanner(w)
    await scanner.tick()
    w.at(600)

    await scanner.tick()

    assert len(w.intents("scanner")) == (2 if opportunity else 0)
    assert scanner.quiet is None


async def test_scanner_counts_intervals_so_a_skipped_scan_keeps_the_report_parity() -> None:
    w = _scanner_world("0")
    scanner = _scanner(w)
    cycles, reports = [], []

    for second in (0, 600, 1800, 2400, 3600):  # 1200 s gaps: one scan skipped each time
        w.at(second)
        await scanner.tick()
        cycles.append(Cursors(w.store, "scanner").get_int("cycles"))
        reports.append(len(w.texts("scanner.report")))

    assert cycles == [1, 2, 4, 5, 7]
    assert reports == [0, 1, 2, 2, 2]


async def test_scanner_ticks_600_seconds_apart_count_one_cycle_each() -> None:
    w = _scanner_world("0")
    scanner = _scanner(w)
    cycles = []

    for second in (0, 600, 1200, 1800):
        w.at(second)
        await scanner.tick()
        cycles.append(Cursors(w.store, "scanner").get_int("cycles"))

    assert cycles == [1, 2, 3, 4]
    assert len(w.texts("scanner.report")) == 2
