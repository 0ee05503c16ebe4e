"""The `mexbot download` options, apart from the command so that `mexbot --help` stays light."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def symbol_list(text: str) -> tuple[str, ...]:
    """Read `BTCUSDC,ETHUSDT` into upper-case symbols; refuse an empty or odd name."""
    names = tuple(dict.fromkeys(n.strip().upper() for n in text.split(",") if n.strip()))
    if not names:
        raise argparse.ArgumentTypeError("give at least one symbol, e.g. BTCUSDC,ETHUSDT")
    odd = [n for n in names if not (n.isascii() and n.isalnum())]
    if odd:
        raise argparse.ArgumentTypeError(f"{odd[0]!r} is not a symbol (letters and digits, "
                                         "e.g. BTCUSDC)")
    return names


def add_download_parser(subparsers: Any) -> None:
    """Add the `download` command and its options to the CLI's subparsers."""
    parser = subparsers.add_parser(
        "download", help="download MEXC candles into the CSV files backtest --data reads")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--symbols", type=symbol_list, default=None,
                       help="comma-separated symbols, e.g. BTCUSDC,ETHUSDT")
    which.add_argument("--universe", action="store_true",
                       help="the symbols the configured bot trades and its scanner would pick")
    parser.add_argument("--interval", default="1m",
                        help="MEXC interval: 1m 5m 15m 30m 60m 4h 1d 1W 1M (default 1m)")
    parser.add_argument("--from", dest="from_", required=True, metavar="FROM",
                        help="start, UTC date or ISO time, e.g. 2025-01-01")
    parser.add_argument("--to", default=None,
                        help="end (exclusive), UTC; a bare date includes that day (default: now)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the files")
    parser.add_argument("--base-url", default=None,
                        help="API root (default: [mexc] base_url, https://api.mexc.com)")
    parser.add_argument("--config", type=Path, default=None,
                        help="mexbot.toml: [mexc] limits and, for --universe, the bot")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
