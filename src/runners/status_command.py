"""`mexbot status`: mode, runners, open orders, balances and PnL, read from the journal only."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from mexcore.money import ZERO
from mexcore.panel import PnlView, PortfolioView, RunnerStatus
from mexcore.values import OrderIntent, PortfolioSnapshot
from runners.journal_reader import config_option, mexbot_version, opened_journal, utc_text
from runners.logs import FILE_NAME as LOG_FILE
from runners.trades_command import add_trades_parser

if TYPE_CHECKING:
    from runners.journal_panel import JournalPanel

CENT = Decimal("0.01")
PERCENT = Decimal("0.1")
SECTIONS = ("pnl_monitor", "alts_monitor", "balance_monitor", "balancer_5050", "scanner",
            "portfolio_rebalance", "orders_reporter")


@attrs.frozen
class StatusReport:
    """Everything `mexbot status` shows, as the journal's panel read it at `now_ms`."""

    mode: str
    state_dir: str
    now_ms: int
    runners: Sequence[RunnerStatus]
    open_orders: Sequence[OrderIntent]
    portfolio: PortfolioView
    portfolio_ms: int | None  # when the portfolio's balances and prices were read
    pnl: PnlView
    unknown: Sequence[str] = ()  # positions needing a fee price the journal lacks
    unpriced: Sequence[str] = ()  # positions without a price in the last snapshot
    snapshot: PortfolioSnapshot | None = None  # the last value snapshot (older journals: only it)


def add_watch_commands(parser: argparse.ArgumentParser, commands: Any) -> None:
    """Register `--version`, `mexbot status` and `mexbot trades`."""
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    add_status_parser(commands)
    add_trades_parser(commands)


class _Version(argparse.Action):
    """Print `mexbot VERSION` and exit; the version is looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(f"mexbot {mexbot_version()}")  # on stdout, as argparse's own version action
        parser.exit()


def add_status_parser(commands: Any) -> None:
    """Register `mexbot status`."""
    parser = commands.add_parser("status", help="what the bot of a configuration did, from its "
                                                "journal (no network)")
    config_option(parser)
    parser.set_defaults(handler=status_command)


def status_command(args: argparse.Namespace) -> int:
    """Print the status of the configuration's bot; return the exit code."""
    from runners.bot import SNAPSHOT_INTERVAL_S  # the services: only when the command runs
    from runners.cli import effective_config_text, load_bot_config
    from runners.journal_panel import SNAPSHOT_RUNNER, JournalPanel

    config = load_bot_config(args.config)
    runners: dict[str, float | None] = {
        name: float(getattr(config, name).interval_s) for name in SECTIONS
        if getattr(config, name).enabled}
    runners[SNAPSHOT_RUNNER] = float(SNAPSHOT_INTERVAL_S)
    with opened_journal(Path(config.state_dir)) as store:
        panel = JournalPanel(store, config, runners, effective_config_text(config),
                             f"mexbot {mexbot_version()}")
        report = asyncio.run(read_status(panel, store.mode or "unknown", config.state_dir,
                                         int(time.time() * 1000)))
    print(render_status(report))
    return 0


async def read_status(panel: JournalPanel, mode: str, state_dir: str, now_ms: int) -> StatusReport:
    """Read the runners, open intents, portfolio and positions through the journal's panel."""
    last, snapshots = panel.last_portfolio, await panel.portfolio_snapshots()
    return StatusReport(
        mode, state_dir, now_ms, await panel.statuses(), panel.open_intents(),
        await panel.portfolio(), None if last is None else last.time_ms, await panel.pnl(),
        panel.unknown(), panel.unpriced(), snapshots[-1] if snapshots else None)


def render_status(report: StatusReport) -> str:
    """Render the report as the lines `mexbot status` prints."""
    lines = [f"mexbot {report.mode} — journal in {report.state_dir}, read at "
             f"{utc_text(report.now_ms)}", f"log file: {Path(report.state_dir) / LOG_FILE}", "",
             "runners:"]
    lines += [_runner_line(r, report.now_ms) for r in report.runners]
    lines += ["", f"open orders: {len(report.open_orders)}"]
    lines += [_order_line(o) for o in report.open_orders]
    lines += ["", *_portfolio_lines(report), "", *_pnl_lines(report)]
    return "\n".join(lines)


def _runner_line(status: RunnerStatus, now_ms: int) -> str:
    paused = " (paused)" if status.paused else ""
    if status.last_tick_ms is None:
        return f"  {status.name}: never ran{paused}"
    line = (f"  {status.name}{paused}: {status.ticks} ticks, {status.actions} actions, "
            f"{status.errors} errors; last {utc_text(status.last_tick_ms)}, next "
            f"{utc_text(status.next_tick_ms)}")
    if status.next_tick_ms is not None and status.next_tick_ms < now_ms:
        line += " (overdue: is the bot running?)"
    if status.last_error:
        line += f"\n    last error {utc_text(status.last_error_ms)}: {status.last_error}"
    return line


def _order_line(intent: OrderIntent) -> str:
    amount = (f"{intent.quantity:f}" if intent.quantity is not None
              else f"{intent.quote_qty:f} quote" if intent.quote_qty is not None else "?")
    price = f" @ {intent.price:f}" if intent.price is not None else " at market"
    return (f"  {intent.symbol} {intent.side.value} {amount}{price} ({intent.status.value}, "
            f"{intent.runner}, since {utc_text(intent.created_ms)}) {intent.client_order_id}")


def _portfolio_lines(report: StatusReport) -> list[str]:
    view, time_ms = report.portfolio, report.portfolio_ms
    if time_ms is None:
        return _snapshot_lines(report.snapshot)
    lines = [f"balances at {utc_text(time_ms)} (USDT value): total {_cents(view.total_usdt)}"]
    lines += [f"  {h.asset}: {h.free + h.locked:f} = {_cents(h.value_usdt)} USDT "
              f"({_percent(h.weight)}{_target(h.target_weight)})" for h in view.holdings]
    vs = view.vs_holding
    if vs is not None:
        lines.append(f"since {utc_text(vs.since_ms)} (start {_cents(vs.start_value)} USDT): "
                     f"the bot {_change(vs.change(view.total_usdt))}, holding the start "
                     f"{_change(vs.change(vs.hold_now))}"
                     + (f", {vs.targets_label} {_change(vs.change(vs.targets_now))}"
                        if vs.targets_label else ""))
    return lines


def _snapshot_lines(snapshot: PortfolioSnapshot | None) -> list[str]:
    """Values only: a journal written before balances were recorded with the snapshots."""
    if snapshot is None:
        return ["balances: no portfolio snapshot in the journal yet"]
    lines = [f"balances at {utc_text(snapshot.time_ms)} (USDT value): total "
             f"{_cents(snapshot.total_value)}"]
    return lines + [f"  {asset}: {_cents(value)}" for asset, value in
                    sorted(snapshot.values.items()) if value]


def _pnl_lines(report: StatusReport) -> list[str]:
    rows, when = report.pnl.assets, report.portfolio_ms
    if not rows and not report.unknown:
        return ["PnL: no fills in the journal yet"]
    priced = "no snapshot yet" if when is None else f"at the prices of {utc_text(when)}"
    lines = [f"PnL from the journal (unrealised {priced}):"]
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        base, _, _ = row.asset.partition(" ")
        quote = row.symbol.removeprefix(base)
        totals[quote] += row.realised
        unrealised = ("no price" if row.symbol in report.unpriced
                      else f"{_cents(row.unrealised)} {quote}")
        lines.append(f"  {row.symbol}: holds {row.quantity:f} {base} at average cost "
                     f"{price_text(row.average_cost)}, realised {_cents(row.realised)} {quote}, "
                     f"unrealised {unrealised}, fees {_cents(row.fees)}")
    lines += [f"  {symbol}: unknown (a fee needs a price the journal lacks)"
              for symbol in report.unknown]
    lines += [f"  total realised {_cents(v)} {q}" for q, v in sorted(totals.items())]
    return lines


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(PERCENT):f} %"


def _target(weight: Decimal | None) -> str:
    return "" if weight is None else f", target {_percent(weight)}"


def _change(fraction: Decimal | None) -> str:
    if fraction is None:
        return "unknown"
    return f"{'+' if fraction >= 0 else ''}{_percent(fraction)}"


def _cents(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def price_text(value: Decimal) -> str:
    """Render a price to six significant digits, cents at least: 61061.33, 2.00, 0.0000123456."""
    if not value:
        return "0.00"
    places = max(2, 5 - value.adjusted())
    whole, _, digits = f"{value.quantize(Decimal(1).scaleb(-places)):f}".partition(".")
    return f"{whole}.{digits.rstrip('0').ljust(2, '0')}"
