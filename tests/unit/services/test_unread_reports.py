"""Reports nobody would receive are neither rendered nor counted; a scanner nobody reads sleeps."""

from __future__ import annotations

from decimal import Decimal

from tests.unit.services.support import (
    NOW,
    PRICES,
    World,
    buy_fill,
    flat_closes,
    late_drop,
    wiggle,
    world,
)

from mexcore.policies import AntiHypePolicy, BalanceMonitorPolicy, PnlMonitorPolicy, ScannerPolicy
from mexcore.ports import Level
from mexcore.quiet import Quiet
from mexcore.services.deps import ServiceDeps
from mexcore.services.orders_reporter import OrdersReporter
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.services.scanner import MarketScanner

D = Decimal


class AlertsOnlyNotifier:
    """Like the backtest's console: takes alerts and errors, does not want INFO."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Level]] = []

    def wants(self, level: Level) -> bool:
        return level is not Level.INFO

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        self.sent.append((topic, level))

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        self.sent.append((topic, Level.INFO))


def _deaf(w: World) -> AlertsOnlyNotifier:
    notifier = AlertsOnlyNotifier()
    w.deps = ServiceDeps.build(w.exchange, w.store, notifier, w.clock)
    return notifier


def _scanner_world(usdt: str) -> World:
    ada = late_drop(PRICES["ADAUSDT"], 0.0001, 0.03)  # a buy opportunity
    return world({"ADAUSDT": ada, "DOTUSDT": wiggle(6.0, 0.001)}, {"USDT": usdt})


async def test_a_scanner_without_usdt_and_without_readers_sleeps_until_usdt_is_free() -> None:
    w = _scanner_world("5.99")
    notifier = _deaf(w)
    scanner = MarketScanner(w.deps, ScannerPolicy(), AntiHypePolicy())

    counts = [await scanner.tick()]
    w.at(600)
    counts.append(await scanner.tick())  # cycle 2: a report, but nobody would receive it

    assert counts == [0, 0]
    assert notifier.sent == []
    assert scanner.quiet == Quiet(funds={"USDT": D(6)})


async def test_a_read_scanner_without_usdt_still_wakes_for_its_report_cycles() -> None:
    w = _scanner_world("5.99")
    scanner = MarketScanner(w.deps, ScannerPolicy(), AntiHypePolicy())

    await scanner.tick()

    assert scanner.quiet is None  # cycle 1: the next cycle reports (to a RecordingNotifier)


async def test_an_unread_pnl_summary_is_due_but_not_rendered_or_counted() -> None:
    w = world(flat_closes(("BTCUSDC", "ETHUSDC", "USDCUSDT")), {"BTC": "0.01"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.01", "30000")])
    notifier = _deaf(w)
    bm = BalanceMonitorPolicy()
    monitor = PnlMonitor(w.deps, PnlMonitorPolicy(), dict(bm.targets), bm.reserve)

    assert await monitor.tick() == 0

    assert notifier.sent == []
    assert monitor.quiet is not None
    assert monitor.quiet.until_ms == NOW + 600_000  # the summary was due now: the next one


async def test_an_unread_orders_report_keeps_its_cursor_but_counts_nothing() -> None:
    w = world(flat_closes(("BTCUSDC", "USDCUSDT")), {"USDC": "100"})
    w.store.record_fills([buy_fill("BTCUSDC", "0.002", "29500")])
    notifier = AlertsOnlyNotifier()
    reporter = OrdersReporter(w.exchange, w.store, notifier, w.clock)

    assert await reporter.tick() == 0

    assert notifier.sent == []
    assert w.store.get_state("orders_reporter.last_ms") == str(NOW)
