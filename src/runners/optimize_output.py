"""What `mexbot optimize` writes: best.toml, the tables, results.json and two PNG plots.

best.toml holds the searched keys of the best trial (with folds: of the last fold, fitted on
the most recent in-sample data), ready to merge into mexbot.toml. The plots are drawn on a
matplotlib Agg canvas from the trials (imported only when they are drawn).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mexcore.config import to_toml
from runners.optimize_run import FoldResult, Settings, TrialRow, overall

TOP = 10


def best_values(results: Sequence[FoldResult]) -> dict[str, Any]:
    """Return the values of the best trial of the last fold that has one ({} if none)."""
    for result in reversed(results):
        if result.best is not None:
            return dict(result.best.values)
    return {}


def best_toml(results: Sequence[FoldResult], settings: Settings) -> str:
    """Render the best values as a TOML fragment of [section] tables."""
    sections: dict[str, dict[str, Any]] = {}
    for key, value in best_values(results).items():
        section, _, name = key.rpartition(".")
        sections.setdefault(section, {})[name] = value
    head = [f"# mexbot optimize: best of study {results[-1].study!r}, "
            f"objective {settings.objective.name}",
            "# merge these keys into mexbot.toml (every other key keeps its value)"]
    return "\n".join(head) + "\n" + to_toml(sections)


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def top_table(rows: Sequence[TrialRow], count: int = TOP) -> str:
    """Return the best `count` completed trials, best first, as a text table."""
    done = sorted((r for r in rows if r.value is not None), key=lambda r: (-(r.value or 0),
                                                                              r.number))
    lines = [f"{'trial':>5} {'score':>9} {'return':>9} {'excess':>9} {'drawdown':>9} "
             f"{'fees':>8} {'trades':>6}  values"]
    for r in done[:count]:
        f = r.facts
        values = ", ".join(f"{k}={v}" for k, v in r.values.items())
        lines.append(f"{r.number:>5} {_number(r.value):>9} {f.get('return', '-'):>9} "
                     f"{f.get('excess', '-'):>9} {f.get('drawdown', '-'):>9} "
                     f"{f.get('fees', '-'):>8} {f.get('trades', '-'):>6}  {values}")
    return "\n".join(lines)


def folds_table(results: Sequence[FoldResult]) -> str:
    """Return the walk-forward table: each fold's windows, in- and out-of-sample scores."""
    lines = [f"{'fold':>4}  {'in-sample window':<35} {'in':>9}  {'out-of-sample window':<35} "
             f"{'out':>9}  note"]
    for r in results:
        out = r.fold.out_of_sample
        best = None if r.best is None else r.best.value
        lines.append(f"{r.fold.number:>4}  {r.fold.in_sample.describe():<35} {_number(best):>9}"
                     f"  {out.describe() if out else '-':<35} {_number(r.out_value):>9}  "
                     f"{'DIVERGES' if r.diverges else ''}")
    total = overall(results)
    if total:
        lines.append(f"overall: mean in-sample {total['in_sample']:.4f}, mean out-of-sample "
                     f"{total['out_of_sample']:.4f}"
                     + ("  DIVERGES" if total["diverges"] else ""))
    return "\n".join(lines)


def warnings_of(results: Sequence[FoldResult]) -> list[str]:
    """Return one warning per diverging fold, and one when the means diverge."""
    notes = [f"fold {r.fold.number}: out-of-sample {_number(r.out_value)} is far below "
             f"in-sample {_number(r.best.value if r.best else None)}: likely overfitted"
             for r in results if r.diverges]
    if not best_values(results):
        notes.append("no trial completed: best.toml is empty (see the pruned trials' reasons "
                     "in results.json)")
    if overall(results).get("diverges"):
        notes.append("in-sample and out-of-sample scores diverge overall: do not trust the "
                     "best values without more data")
    return notes


def _row_json(row: TrialRow) -> dict[str, Any]:
    return {"number": row.number, "state": row.state, "value": row.value,
            "values": dict(row.values), "facts": dict(row.facts)}


def _fold_json(r: FoldResult) -> dict[str, Any]:
    out = r.fold.out_of_sample
    return {
        "fold": r.fold.number, "study": r.study,
        "in_sample": [r.fold.in_sample.start_ms, r.fold.in_sample.end_ms],
        "out_of_sample": None if out is None else [out.start_ms, out.end_ms],
        "best": None if r.best is None else _row_json(r.best),
        "out_of_sample_value": r.out_value, "out_of_sample_facts": r.out_facts,
        "diverges": r.diverges, "importances": dict(r.importances),
        "trials": [_row_json(t) for t in r.trials],
    }


def results_json(results: Sequence[FoldResult], settings: Settings) -> dict[str, Any]:
    """Return everything as JSON-ready data."""
    return {
        "objective": settings.objective.name,
        "max_drawdown": str(settings.objective.max_drawdown),
        "trials": settings.trials, "jobs": settings.jobs, "seed": settings.seed,
        "folds": settings.folds, "space": [p.key for p in settings.space],
        "best": best_values(results), "overall": overall(results),
        "warnings": warnings_of(results), "results": [_fold_json(r) for r in results],
    }


def write_outputs(results: Sequence[FoldResult], settings: Settings, out: Path) -> list[Path]:
    """Write best.toml, top_trials.txt, walk_forward.txt, results.json and the plots."""
    out.mkdir(parents=True, exist_ok=True)
    texts = {
        "best.toml": best_toml(results, settings),
        "top_trials.txt": top_table(results[-1].trials) + "\n",
        "walk_forward.txt": folds_table(results) + "\n",
        "results.json": json.dumps(results_json(results, settings), indent=1) + "\n",
    }
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
    return [out / n for n in texts] + write_plots(results, out)


def write_plots(results: Sequence[FoldResult], out: Path) -> list[Path]:
    """Draw history.png (score per trial, best so far) and importance.png."""
    from runners.optimize_plots import history_plot, importance_plot  # matplotlib

    paths = [history_plot({r.study: r.trials for r in results}, out / "history.png")]
    found: Mapping[str, float] = results[-1].importances
    if found:
        paths.append(importance_plot(found, out / "importance.png"))
    return paths
