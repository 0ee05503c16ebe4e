"""The `mexbot optimize` options, apart from the command so that `mexbot --help` stays light."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path("optimize-out")
OBJECTIVES = ("excess", "sharpe", "sortino", "return-capped")  # runners.optimize_objective's


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number}: must be at least 1")
    return number


def _folds(text: str) -> int:
    return 0 if text.strip() == "0" else _count(text)


def _fraction(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value.is_finite() or not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text}: a fraction above 0 and at most 1 (0.2 = 20 %)")
    return value


def add_optimize_parser(subparsers: Any) -> None:
    """Add the `optimize` command and its options to the CLI's subparsers."""
    p = subparsers.add_parser("optimize", help="search configuration values with optuna "
                                                "(backtests, walk-forward; docs/research.md)")
    p.add_argument("--config", type=Path, default=None, help="base mexbot.toml (optional)")
    p.add_argument("--space", type=Path, required=True, help="space.toml: the keys to search")
    p.add_argument("--data", type=Path, default=None,
                   help="folder of SYMBOL-1m.csv[.gz] files (default: bundled data)")
    p.add_argument("--from", dest="from_", default=None, help="start, UTC (default: data start "
                                                               "+ 1 day warm-up)")
    p.add_argument("--to", default=None, help="end, UTC; a bare date includes that day")
    p.add_argument("--trials", type=_count, default=50,
                   help="finished trials the study (each fold's) should hold (default 50)")
    p.add_argument("--jobs", type=_count, default=1, help="worker processes (default 1)")
    p.add_argument("--storage", default=None,
                   help="optuna storage: sqlite:///FILE, postgresql://…, or a journal file path "
                        "(default: OUT/study.journal)")
    p.add_argument("--study", default="mexbot", help="study name; the same name resumes it")
    p.add_argument("--folds", type=_folds, default=0,
                   help="walk-forward folds: k + 1 consecutive windows (default 0: none)")
    p.add_argument("--objective", choices=OBJECTIVES, default="excess",
                   help="excess (over buying 60/40 and holding; default), sharpe, sortino, "
                        "return-capped")
    p.add_argument("--max-drawdown", type=_fraction, default=None,
                   help="with return-capped: the deepest drawdown allowed (default 0.2)")
    p.add_argument("--seed", type=int, default=1, help="sampler seed (default 1)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the results")
