"""`mexbot trades [--since DATE] [--csv]`: the fill journal of a configuration, no network."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mexcore.values import Fill
from runners.journal_reader import config_option, opened_journal, parse_date, utc_text

CSV_HEADER = ("time_utc", "time_ms", "symbol", "side", "price", "qty", "quote_qty", "fee",
              "fee_asset", "maker", "runner", "client_order_id", "trade_id")


def add_trades_parser(commands: Any) -> None:
    """Register `mexbot trades`."""
    parser = commands.add_parser("trades", help="the fills in a configuration's journal "
                                                "(no network)")
    config_option(parser)
    parser.add_argument("--since", type=parse_date, default=None, metavar="DATE",
                        help="only fills at or after DATE (YYYY-MM-DD[THH:MM], UTC)")
    parser.add_argument("--csv", action="store_true", help="CSV on stdout, one row a fill")
    parser.set_defaults(handler=trades_command)


def trades_command(args: argparse.Namespace) -> int:
    """Print the journal's fills, as a table or CSV; return the exit code."""
    from runners.cli import load_bot_config

    config = load_bot_config(args.config)
    with opened_journal(Path(config.state_dir)) as store:
        runner_of = {i.client_order_id: i.runner for i in store.intents()}
        fills = [f for f in store.fills() if args.since is None or f.time_ms >= args.since]
    fills.sort(key=lambda f: (f.time_ms, f.trade_id))
    sys.stdout.write(trades_csv(fills, runner_of) if args.csv else trades_table(fills, runner_of))
    return 0


def _row(fill: Fill, runner_of: Mapping[str, str]) -> list[str]:
    return [utc_text(fill.time_ms), str(fill.time_ms), fill.symbol, fill.side.value,
            f"{fill.price:f}", f"{fill.qty:f}", f"{fill.quote_qty:f}", f"{fill.fee:f}",
            fill.fee_asset, "maker" if fill.is_maker else "taker",
            runner_of.get(fill.client_order_id, "unknown"), fill.client_order_id, fill.trade_id]


def trades_csv(fills: Sequence[Fill], runner_of: Mapping[str, str]) -> str:
    """Render fills as CSV with a header row; amounts exact, as journaled."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_row(f, runner_of) for f in fills)
    return out.getvalue()


def trades_table(fills: Sequence[Fill], runner_of: Mapping[str, str]) -> str:
    """Render fills as aligned columns, a count line last."""
    if not fills:
        return "no fills in the journal for this period\n"
    header = ["time (UTC)", "symbol", "side", "price", "qty", "quote", "fee", "", "role",
              "runner"]
    rows = [header] + [[r[0].removesuffix(" UTC"), *r[2:11]] for r in
                       (_row(f, runner_of) for f in fills)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    return "\n".join([*lines, f"{len(fills)} fill(s)"]) + "\n"
