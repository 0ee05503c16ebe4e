"""Walk-forward windows: optimise on one stretch of time, judge the best on the next one.

`--folds k` cuts the period into k + 1 consecutive equal segments (whole minutes); fold i
optimises on segment i (in-sample) and evaluates its best on segment i + 1 (out-of-sample),
so the out-of-sample segments follow each other and never overlap what was fitted on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import attrs

from adapters.fake.loader import DataError
from runners.periods import DAY_MS, utc

MINUTE_MS = 60_000
MIN_SEGMENT_MS = DAY_MS
DIVERGENCE = 0.5  # out-of-sample below in-sample by more than half of |in-sample| (or 0.01)
MIN_GAP = 0.01


@attrs.frozen
class Window:
    """A [start, end) span in epoch ms."""

    start_ms: int
    end_ms: int

    def describe(self) -> str:
        """Return `YYYY-MM-DD HH:MM → YYYY-MM-DD HH:MM`."""
        return f"{utc(self.start_ms)} → {utc(self.end_ms)}"


@attrs.frozen
class Fold:
    """One walk-forward step: fit on `in_sample`, judge on `out_of_sample` (None: no folds)."""

    number: int
    in_sample: Window
    out_of_sample: Window | None


def walk_forward(start_ms: int, end_ms: int, folds: int) -> list[Fold]:
    """Return the folds over [start, end): one whole-period fold when `folds` is 0."""
    if folds < 0:
        raise DataError(f"--folds {folds}: give 0 (no walk-forward) or more")
    if folds == 0:
        return [Fold(0, Window(start_ms, end_ms), None)]
    size = (end_ms - start_ms) // (folds + 1) // MINUTE_MS * MINUTE_MS
    if size < MIN_SEGMENT_MS:
        raise DataError(f"--folds {folds}: {folds + 1} segments of "
                        f"{(end_ms - start_ms) / DAY_MS / (folds + 1):.2f} days; each needs at "
                        "least one day")
    edges = [start_ms + i * size for i in range(folds + 1)] + [end_ms]
    windows = [Window(a, b) for a, b in pairwise(edges)]
    return [Fold(i + 1, windows[i], windows[i + 1]) for i in range(folds)]


def diverges(in_sample: float, out_of_sample: float) -> bool:
    """Tell whether the out-of-sample score fell far below the in-sample one (overfitting).

    In-sample 0.04, out-of-sample 0.01: the gap 0.03 exceeds half of 0.04, so it diverges.
    """
    gap = in_sample - out_of_sample
    return gap > max(DIVERGENCE * abs(in_sample), MIN_GAP)


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean (0 for no values)."""
    return sum(values) / len(values) if values else 0.0
