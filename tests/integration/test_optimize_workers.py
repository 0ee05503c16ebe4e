"""Worker processes share one optuna storage: one study, no duplicate trials, resumable."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from mexcore.errors import ConfigError
from runners.optimize_folds import Window
from runners.optimize_space import parse_space
from runners.optimize_study import StudyJob, finished_trials, open_study, run_workers, work

DAY_MS = 86_400_000
LAST_DAY = Window(1_682_553_600_000, 1_682_553_600_000 + DAY_MS)  # 2023-04-27 of the bundled data
SPACE = parse_space({"pnl_monitor.profit_threshold": {"low": "0.05", "high": "5", "log": True},
                     "pnl_monitor.post_sale_rebalance": [True, False]})


def test_two_worker_processes_complete_one_study_without_duplicate_trial_numbers(
    tmp_path: Path,
) -> None:
    job = StudyJob(str(tmp_path / "study.journal"), "shared", {}, SPACE, None, LAST_DAY,
                   trials=4)

    study = run_workers(job, jobs=2)

    trials = study.get_trials()
    assert sorted(t.number for t in trials) == [0, 1, 2, 3]
    assert {t.state.name for t in trials} == {"COMPLETE"}
    assert sorted(t.user_attrs["worker"] for t in trials) == [0, 0, 1, 1]


def test_a_stopped_study_resumes_in_sqlite_and_runs_only_the_missing_trials(
    tmp_path: Path,
) -> None:
    job = StudyJob(f"sqlite:///{tmp_path / 'study.db'}", "resumed", {}, SPACE, None, LAST_DAY,
                   trials=2)
    run_workers(job, jobs=1)

    study = run_workers(attrs.evolve(job, trials=3), jobs=1)

    assert finished_trials(study) == 3
    assert [t.number for t in study.get_trials()] == [0, 1, 2]


def test_resuming_a_study_with_another_space_is_refused(tmp_path: Path) -> None:
    job = StudyJob(str(tmp_path / "study.journal"), "april", {}, SPACE, None, LAST_DAY)
    run_workers(job, jobs=1)  # no trials: only the study and its mark
    other = parse_space({"scanner.min_score": {"low": 0, "high": 4}})

    with pytest.raises(ConfigError) as caught:
        run_workers(attrs.evolve(job, space=other), jobs=1)

    assert caught.value.key == "--study"


def test_a_worker_joining_a_study_another_machine_filled_runs_no_trial(tmp_path: Path) -> None:
    job = StudyJob(str(tmp_path / "study.journal"), "full", {}, SPACE, None, LAST_DAY, trials=1)
    run_workers(job, jobs=1)

    work(attrs.evolve(job, trials=3, study_trials=1))  # its share, planned before it was full

    assert finished_trials(open_study(job)) == 1
