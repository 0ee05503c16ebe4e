"""Assemble the bot: every enabled service of SPEC §1, each in its own runner loop."""

from __future__ import annotations

from collections.abc import Callable

from mexcore.policies import BotConfig
from mexcore.services.alts_monitor import AltsMonitor
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.deps import ServiceDeps
from mexcore.services.orders_reporter import OrdersReporter
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.services.scanner import MarketScanner
from mexcore.services.snapshots import PortfolioSnapshots
from mexcore.state import RunnerStatuses
from runners.loop import RunnerLoop, Service, TickReport

SNAPSHOT_INTERVAL_S = 900


def build_services(config: BotConfig, deps: ServiceDeps) -> list[tuple[Service, int]]:
    """Return each enabled service with its interval in seconds, in a stable order."""
    bm = config.balance_monitor
    candidates: list[tuple[bool, Callable[[], Service], int]] = [
        (config.pnl_monitor.enabled,
         lambda: PnlMonitor(deps, config.pnl_monitor, dict(bm.targets), bm.reserve),
         config.pnl_monitor.interval_s),
        (config.alts_monitor.enabled,
         lambda: AltsMonitor(deps, config.alts_monitor, config.pnl_monitor),
         config.alts_monitor.interval_s),
        (bm.enabled, lambda: BalanceMonitor(deps, bm, config.antihype), bm.interval_s),
        (config.balancer_5050.enabled, lambda: Balancer5050(deps, config.balancer_5050),
         config.balancer_5050.interval_s),
        (config.scanner.enabled,
         lambda: MarketScanner(deps, config.scanner, config.antihype),
         config.scanner.interval_s),
        (config.portfolio_rebalance.enabled,
         lambda: PortfolioRebalancer(deps, config.portfolio_rebalance, bm),
         config.portfolio_rebalance.interval_s),
        (config.orders_reporter.enabled,
         lambda: OrdersReporter(deps.exchange, deps.store, deps.notifier, deps.clock,
                                config.orders_reporter.interval_s),
         config.orders_reporter.interval_s),
    ]
    services = [(make(), interval) for enabled, make, interval in candidates if enabled]
    return [*services, (PortfolioSnapshots(deps), SNAPSHOT_INTERVAL_S)]


def build_loops(config: BotConfig, deps: ServiceDeps) -> list[RunnerLoop]:
    """Wrap every enabled service in a crash-only loop that records its status in the Store."""
    statuses = RunnerStatuses(deps.store)

    def record(report: TickReport) -> None:
        if report.error is None:
            statuses.tick_done(report.runner, report.finished_ms, report.next_ms, report.actions)
        else:
            statuses.tick_failed(report.runner, report.finished_ms, report.next_ms, report.error)

    return [RunnerLoop(service, interval, deps.clock, deps.notifier, record,
                       follow_up=deps.executor.follow_up)
            for service, interval in build_services(config, deps)]
