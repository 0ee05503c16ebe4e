"""`mexbot optimize`: search configuration values with optuna, each trial a full backtest.

See docs/research.md. The pieces: `optimize_space` (space.toml), `optimize_objective` (what is
maximised), `optimize_folds` (walk-forward windows), `optimize_trial` (one backtest),
`optimize_study` (storage and worker processes), `optimize_run` (the folds' studies) and
`optimize_output` (best.toml, tables, JSON, plots).
"""

from __future__ import annotations

import argparse
import sys
import time

from adapters.fake.loader import DataError
from mexcore.errors import ConfigError
from runners.backtest import parse_time_ms
from runners.cli_checks import UsageError, check_out_folder
from runners.optimize_objective import DEFAULT_MAX_DRAWDOWN, Objective
from runners.optimize_output import folds_table, top_table, warnings_of, write_outputs
from runners.optimize_run import Settings, optimize
from runners.optimize_space import parse_space
from runners.optimize_study import WorkerFailed
from runners.optimize_trial import Span
from runners.settings import read_toml


def _period(args: argparse.Namespace) -> Span:
    start = None if args.from_ is None else parse_time_ms(args.from_)
    end = None if args.to is None else parse_time_ms(args.to, end_of_day=True)
    return start, end


def _objective(args: argparse.Namespace) -> Objective:
    if args.max_drawdown is not None and args.objective != "return-capped":
        raise UsageError("--max-drawdown", "applies only to --objective return-capped")
    return Objective(args.objective, args.max_drawdown or DEFAULT_MAX_DRAWDOWN)


def settings_of(args: argparse.Namespace) -> Settings:
    """Read the base configuration and the space; return what to run (ConfigError if bad)."""
    base = read_toml(args.config)
    try:
        space_raw = read_toml(args.space)
    except ConfigError as e:
        raise ConfigError("--space", e.rule) from None
    check_out_folder(args.out)
    storage = args.storage or str(args.out / "study.journal")
    return Settings(base, parse_space(space_raw), args.data, args.trials, storage,
                    study=args.study, jobs=args.jobs, folds=args.folds,
                    objective=_objective(args), seed=args.seed, period=_period(args))


def optimize_command(args: argparse.Namespace) -> int:
    """Run `mexbot optimize`: the studies, the tables on stdout, the files; the exit code."""
    settings = settings_of(args)
    print(f"mexbot optimize: {settings.trials} trials, {settings.jobs} job(s), study "
          f"{settings.study!r} in {settings.storage}", file=sys.stderr)
    began = time.perf_counter()
    try:
        results = optimize(settings)
    except DataError as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 2
    except WorkerFailed as e:
        print(f"mexbot: error: {e}", file=sys.stderr)
        return 1
    wall = time.perf_counter() - began
    paths = write_outputs(results, settings, args.out)
    print(top_table(results[-1].trials))
    print()
    print(folds_table(results))
    for note in warnings_of(results):
        print(f"mexbot: warning: {note}", file=sys.stderr)
    ran = sum(len(r.trials) for r in results)
    print(f"{ran} trials in the studies; {wall:.1f} s of wall time.")
    print("Wrote " + ", ".join(str(p) for p in paths))
    return 0
