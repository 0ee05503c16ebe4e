"""Run a whole optimisation: one study per fold, its best judged out of sample.

Without folds one study searches the whole period. With `--folds k` study `NAME-fold-i`
searches fold i's in-sample window, and its best trial's values are backtested on the
out-of-sample window that follows.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import optuna

from mexcore.config import load_config
from runners.optimize_folds import Fold, diverges, mean, walk_forward
from runners.optimize_objective import Objective, report_facts, score
from runners.optimize_space import Param, trial_config
from runners.optimize_study import StudyJob, run_workers
from runners.optimize_trial import (
    Span,
    forget_window,
    load_window,
    remember_window,
    run_trial,
    span_of,
)
from runners.sim import WARM_UP_MS


@attrs.frozen
class Settings:
    """Everything `mexbot optimize` was asked to do."""

    base: Mapping[str, Any]
    space: tuple[Param, ...]
    data: Path | None
    trials: int
    storage: str
    study: str = "mexbot"
    jobs: int = 1
    folds: int = 0
    objective: Objective = attrs.field(factory=Objective)
    seed: int = 1
    period: Span = (None, None)  # --from/--to; None: where the data starts (after a day) / ends


@attrs.frozen
class TrialRow:
    """One finished trial: number, state, score, values and the backtest's numbers."""

    number: int
    state: str
    value: float | None
    values: Mapping[str, Any]
    facts: Mapping[str, Any]


@attrs.frozen
class FoldResult:
    """One fold's study: its trials, its best, and the best's out-of-sample backtest."""

    fold: Fold
    study: str
    trials: Sequence[TrialRow]
    best: TrialRow | None
    out_value: float | None = None
    out_facts: Mapping[str, Any] | None = None
    importances: Mapping[str, float] = attrs.field(factory=dict)

    @property
    def diverges(self) -> bool:
        """Tell whether the out-of-sample score fell far below the in-sample best."""
        if self.best is None or self.best.value is None or self.out_value is None:
            return False
        return diverges(self.best.value, self.out_value)


def rows_of(study: optuna.Study) -> list[TrialRow]:
    """Return the study's trials as rows, in trial-number order."""
    return [TrialRow(t.number, t.state.name, t.value, t.user_attrs.get("values", {}),
                     t.user_attrs.get("facts") or _invalid(t.user_attrs))
            for t in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)]


def _invalid(user_attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {"invalid": user_attrs["invalid"]} if "invalid" in user_attrs else {}


def best_row(rows: Sequence[TrialRow]) -> TrialRow | None:
    """Return the completed trial with the highest score (the lowest number on a tie)."""
    done = [r for r in rows if r.state == "COMPLETE" and r.value is not None]
    return max(done, key=lambda r: (r.value, -r.number)) if done else None


def importances(study: optuna.Study) -> dict[str, float]:
    """Return optuna's parameter importances ({} with too few completed trials to tell)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optuna flags some evaluators as experimental
        try:
            found = optuna.importance.get_param_importances(study)
        except (ValueError, RuntimeError):  # fewer than two completed trials, or no variation
            return {}
    return {k: float(v) for k, v in found.items()}


def _folds(settings: Settings) -> list[Fold]:
    config = load_config(settings.base)
    market, end = whole = load_window(settings.data, settings.period, config)
    folds = walk_forward(market.start_ms + WARM_UP_MS, end, settings.folds)
    forget_window(settings.data, settings.period)  # folds load their own windows
    if settings.folds == 0:
        remember_window(settings.data, folds[0].in_sample, whole)
    return folds


def _study_job(settings: Settings, fold: Fold) -> StudyJob:
    name = settings.study if fold.number == 0 else f"{settings.study}-fold-{fold.number}"
    return StudyJob(settings.storage, name, settings.base, settings.space, settings.data,
                    fold.in_sample, settings.objective, settings.seed, settings.trials)


def _run_fold(settings: Settings, fold: Fold) -> FoldResult:
    job = _study_job(settings, fold)
    study = run_workers(job, settings.jobs)
    rows = rows_of(study)
    best = best_row(rows)
    result = FoldResult(fold, job.study, rows, best, importances=importances(study))
    if best is None or fold.out_of_sample is None:
        return result
    config = trial_config(settings.base, best.values)
    loaded = load_window(settings.data, span_of(fold.out_of_sample), config)
    run = asyncio.run(run_trial(config, loaded))
    return attrs.evolve(result, out_value=score(run.report, settings.objective),
                        out_facts=report_facts(run.report) | {"errors": run.errors})


def optimize(settings: Settings) -> list[FoldResult]:
    """Run every fold's study and out-of-sample check; return the results in fold order."""
    return [_run_fold(settings, fold) for fold in _folds(settings)]


def overall(results: Sequence[FoldResult]) -> dict[str, Any]:
    """Return the mean in- and out-of-sample scores; diverging if the means or most folds do."""
    pairs = [(r.best.value, r.out_value) for r in results
             if r.best is not None and r.best.value is not None and r.out_value is not None]
    if not pairs:
        return {}
    ins, outs = mean([a for a, _ in pairs]), mean([b for _, b in pairs])
    diverging = sum(r.diverges for r in results)
    return {"in_sample": ins, "out_of_sample": outs, "folds_diverging": diverging,
            "diverges": diverges(ins, outs) or 2 * diverging > len(pairs)}
