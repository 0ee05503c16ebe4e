"""The `mexbot backtest` options, apart from the command so that `mexbot --help` stays light."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runners.cli_checks import positive_days

DEFAULT_OUT = Path("backtest-out")


def add_backtest_parser(subparsers: Any) -> None:
    """Add the `backtest` command and its options to the CLI's subparsers."""
    parser = subparsers.add_parser("backtest", help="replay recorded candles; report and charts")
    parser.add_argument("--config", type=Path, default=None, help="mexbot.toml (optional)")
    parser.add_argument("--data", type=Path, default=None,
                        help="folder of SYMBOL-1m.csv[.gz] files (default: bundled data)")
    parser.add_argument("--from", dest="from_", default=None,
                        help="start, UTC date or ISO time (default: data start + 1 day warm-up)")
    parser.add_argument("--to", default=None,
                        help="end, UTC; a bare date includes that whole day (default: data end)")
    parser.add_argument("--days", type=positive_days, default=None,
                        help="length in days, with at most one of --from and --to")
    parser.add_argument("--synthetic", action="store_true",
                        help="seeded random walks for traded symbols the data has no candles for")
    parser.add_argument("--seed", type=int, default=None, help="default: [sim] seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the files")
    parser.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--every-tick", action="store_true",
                        help="tick every runner at its interval even when it promised that "
                             "nothing can happen yet (slower; the same trades)")
    parser.add_argument("--verify-quiet", action="store_true",
                        help="run the ticks that would be skipped and fail if one acts")
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first tick that raises (exit 1, naming the service) "
                             "instead of logging it and going on")
