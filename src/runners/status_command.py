"""`mexbot status`: mode, runners, open orders, balances and PnL, read from the journal only."""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from mexcore.money import ZERO
from mexcore.ports import Store
from mexcore.positions import MissingFeePrice, Position, position_from_fills
from mexcore.state import RunnerStatus, RunnerStatuses
from mexcore.values import Fill, IntentStatus, OrderIntent, PortfolioSnapshot
from runners.journal_reader import config_option, mexbot_version, opened_journal, utc_text
from runners.logs import FILE_NAME as LOG_FILE
from runners.trades_command import add_trades_parser

CENT = Decimal("0.01")
QUOTES = ("USDT", "USDC", "BTC", "ETH")
OPEN = (IntentStatus.ACKNOWLEDGED, IntentStatus.SENT, IntentStatus.UNKNOWN)
SECTIONS = ("pnl_monitor", "alts_monitor", "balance_monitor", "balancer_5050", "scanner",
            "portfolio_rebalance", "orders_reporter")


@attrs.frozen
class SymbolPnl:
    """One symbol's journal position; `position` None when a fee needs a price we lack."""

    symbol: str
    position: Position | None


@attrs.frozen
class StatusReport:
    """Everything `mexbot status` shows, as read from one journal at `now_ms`."""

    mode: str
    state_dir: str
    now_ms: int
    runners: Sequence[RunnerStatus]
    open_orders: Sequence[OrderIntent]
    snapshot: PortfolioSnapshot | None
    pnl: Sequence[SymbolPnl]


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
    from runners.cli import load_bot_config

    config = load_bot_config(args.config)
    names = [name for name in SECTIONS if getattr(config, name).enabled] + ["snapshots"]
    with opened_journal(Path(config.state_dir)) as store:
        report = read_status(store, config.state_dir, names, int(time.time() * 1000))
    print(render_status(report))
    return 0


def read_status(store: Store, state_dir: str, runners: Sequence[str], now_ms: int) -> StatusReport:
    """Read the runners' records, open intents, last snapshot and positions from `store`."""
    statuses = RunnerStatuses(store)
    snapshots = store.snapshots()
    return StatusReport(
        store.mode or "unknown", state_dir, now_ms, [statuses.get(name) for name in runners],
        list(store.intents(OPEN)), snapshots[-1] if snapshots else None,
        journal_pnl(store.fills()))


def journal_pnl(fills: Sequence[Fill]) -> list[SymbolPnl]:
    """Return each traded symbol's average-cost position from the journal alone."""
    by_symbol: dict[str, list[Fill]] = defaultdict(list)
    for fill in fills:
        by_symbol[fill.symbol].append(fill)
    rows = []
    for symbol, group in sorted(by_symbol.items()):
        quote = next((q for q in QUOTES if symbol.endswith(q) and symbol != q), None)
        if quote is None:
            rows.append(SymbolPnl(symbol, None))
            continue
        try:
            rows.append(SymbolPnl(symbol, position_from_fills(
                group, symbol.removesuffix(quote), quote)))
        except MissingFeePrice:  # a fee in MX: its price is on the exchange, not the journal
            rows.append(SymbolPnl(symbol, None))
    return rows


def render_status(report: StatusReport) -> str:
    """Render the report as the lines `mexbot status` prints."""
    lines = [f"mexbot {report.mode} — journal in {report.state_dir}, read at "
             f"{utc_text(report.now_ms)}", f"log file: {Path(report.state_dir) / LOG_FILE}", "",
             "runners:"]
    lines += [_runner_line(r, report.now_ms) for r in report.runners]
    lines += ["", f"open orders: {len(report.open_orders)}"]
    lines += [_order_line(o) for o in report.open_orders]
    lines += ["", *_snapshot_lines(report.snapshot), "", *_pnl_lines(report.pnl)]
    return "\n".join(lines)


def _runner_line(status: RunnerStatus, now_ms: int) -> str:
    if status.last_tick_ms is None:
        return f"  {status.runner}: never ran"
    line = (f"  {status.runner}: {status.ticks} ticks, {status.actions} actions, "
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


def _snapshot_lines(snapshot: PortfolioSnapshot | None) -> list[str]:
    if snapshot is None:
        return ["balances: no portfolio snapshot in the journal yet"]
    lines = [f"balances at {utc_text(snapshot.time_ms)} (USDT value): total "
             f"{_cents(snapshot.total_value)}"]
    return lines + [f"  {asset}: {_cents(value)}" for asset, value in
                    sorted(snapshot.values.items()) if value]


def _pnl_lines(rows: Sequence[SymbolPnl]) -> list[str]:
    if not rows:
        return ["PnL: no fills in the journal yet"]
    lines = ["PnL from the journal (realised only: unrealised needs market prices):"]
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        p = row.position
        if p is None:
            lines.append(f"  {row.symbol}: unknown (a fee needs a price the journal lacks)")
            continue
        totals[p.quote] += p.realised_pnl
        lines.append(f"  {row.symbol}: holds {p.quantity:f} {p.base} at average cost "
                     f"{price_text(p.avg_cost)}, realised {_cents(p.realised_pnl)} {p.quote}, fees "
                     f"{_cents(p.fees_paid)}")
    lines += [f"  total realised {_cents(v)} {q}" for q, v in sorted(totals.items())]
    return lines


def _cents(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def price_text(value: Decimal) -> str:
    """Render a price to six significant digits, cents at least: 61061.33, 2.00, 0.0000123456."""
    if not value:
        return "0.00"
    places = max(2, 5 - value.adjusted())
    whole, _, digits = f"{value.quantize(Decimal(1).scaleb(-places)):f}".partition(".")
    return f"{whole}.{digits.rstrip('0').ljust(2, '0')}"
