"""Assemble the bot: every enabled service of SPEC §1, each in its own runner loop.

Beside them (or alone, with `enabled = false` on the built-ins) run the `[[services]]` of
the configuration and, from Python, the `extra` services given to `build_loops`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mexcore.policies import BotConfig
from mexcore.ports import Service
from mexcore.services.alts_monitor import AltsMonitor
from mexcore.services.balance_monitor import BalanceMonitor
from mexcore.services.balancer_5050 import Balancer5050
from mexcore.services.deps import ServiceDeps
from mexcore.services.orders_reporter import OrdersReporter
from mexcore.services.pnl_monitor import PnlMonitor
from mexcore.services.portfolio_rebalance import PortfolioRebalancer
from mexcore.services.portfolio_record import target_bases
from mexcore.services.scanner import MarketScanner
from mexcore.services.snapshots import PortfolioSnapshots
from mexcore.state import RunnerStatuses
from runners.loop import RunnerLoop, TickReport
from runners.plugins import check_unique, user_services

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
    snapshots = PortfolioSnapshots(deps, target_bases(bm.targets))
    return [*services, (snapshots, SNAPSHOT_INTERVAL_S)]


def all_services(
    config: BotConfig, deps: ServiceDeps, extra: Sequence[tuple[Service, float]] = ()
) -> list[tuple[Service, float]]:
    """Return the built-ins, then the `[[services]]` tables, then `extra`; names unique."""
    built_in = [("services", s, i) for s, i in build_services(config, deps)]
    extras = [("extra", s, i) for s, i in extra]
    named = [*built_in, *user_services(config.services, deps), *extras]
    check_unique([(where, service) for where, service, _ in named])
    return [(service, interval) for _, service, interval in named]


def build_loops(
    config: BotConfig, deps: ServiceDeps, extra: Sequence[tuple[Service, float]] = (),
    strict: bool = False,
) -> list[RunnerLoop]:
    """Wrap every service in a loop that records its status in the Store.

    `extra`: services of your own with their intervals in seconds. A loop is crash-only (a
    failed tick is a log line and a notice) unless `strict`: then it raises `ServiceFailed`.
    """
    statuses = RunnerStatuses(deps.store)

    def record(report: TickReport) -> None:
        if report.error is None:
            statuses.tick_done(report.runner, report.finished_ms, report.next_ms, report.actions)
        else:
            statuses.tick_failed(report.runner, report.finished_ms, report.next_ms, report.error)

    return [RunnerLoop(service, interval, deps.clock, deps.notifier, record,
                       follow_up=deps.executor.follow_up, strict=strict)
            for service, interval in all_services(config, deps, extra)]
