"""Optuna studies for `mexbot optimize`: one shared storage, K worker processes, resumable.

The storage is a URL optuna understands (`sqlite:///study.db`, `postgresql://…`) or the path of
a journal file (the default, `study.journal` in `--out`; on a shared file system it serves
several machines). Every worker loads its window's candles once and runs its share of the
trials; the storage hands out trial numbers, so workers never duplicate one. `--trials N` is
the number of finished trials the study should hold: a resumed study runs only the rest.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import optuna

from mexcore.config import load_config
from mexcore.errors import ConfigError
from runners.optimize_folds import Window
from runners.optimize_objective import Objective, report_facts, score
from runners.optimize_space import Param, trial_config
from runners.optimize_trial import load_window, plain, run_trial, span_of

FINISHED = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED,
            optuna.trial.TrialState.FAIL)


@attrs.frozen
class StudyJob:
    """What a worker needs: where the study lives, what to search, on which data and window."""

    storage: str
    study: str
    base: Mapping[str, Any]  # the raw base configuration
    space: tuple[Param, ...]
    data: Path | None
    window: Window | None  # None: the whole data
    objective: Objective = attrs.field(factory=Objective)
    seed: int = 1
    trials: int = 0  # this worker's share
    study_trials: int | None = None  # stop when the study holds this many finished trials
    worker: int = 0  # which worker process runs the job (0: the command's own)


def open_storage(spec: str) -> optuna.storages.BaseStorage:
    """Open an RDB storage from a URL, or a journal file storage from a path."""
    if "://" in spec:
        return optuna.storages.RDBStorage(spec)
    from optuna.storages.journal import JournalFileBackend

    return optuna.storages.JournalStorage(JournalFileBackend(spec))


def _sampler(seed: int) -> optuna.samplers.BaseSampler:
    return optuna.samplers.TPESampler(seed=seed)


def open_study(job: StudyJob, worker: int = 0) -> optuna.Study:
    """Create the study (or load it, to resume) in the job's storage."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.create_study(study_name=job.study, storage=open_storage(job.storage),
                               sampler=_sampler(job.seed + worker), direction="maximize",
                               load_if_exists=True)


def finished_trials(study: optuna.Study) -> int:
    """Return how many trials of the study have finished (completed, pruned or failed)."""
    return len(study.get_trials(deepcopy=False, states=FINISHED))


def trial_objective(job: StudyJob) -> Callable[[optuna.Trial], float]:
    """Return optuna's objective: suggest the values, run the backtest, score the report."""
    loaded = load_window(job.data, span_of(job.window), load_config(job.base))

    def objective(trial: optuna.Trial) -> float:
        values = {p.key: p.suggest(trial) for p in job.space}
        trial.set_user_attr("values", plain(values))
        trial.set_user_attr("worker", job.worker)
        try:
            config = trial_config(job.base, values)
        except ConfigError as e:  # e.g. scanner.min_buy above scanner.max_buy
            trial.set_user_attr("invalid", str(e))
            raise optuna.TrialPruned(str(e)) from None
        began = time.process_time()
        run = asyncio.run(run_trial(config, loaded))
        cpu_s = round(time.process_time() - began, 2)  # the wall time is the machine's load
        trial.set_user_attr("facts", report_facts(run.report) | {"errors": run.errors,
                                                                 "cpu_s": cpu_s})
        return score(run.report, job.objective)

    return objective


def work(job: StudyJob) -> None:
    """Run this worker's share of the trials (the entry point of a worker process)."""
    logging.getLogger().setLevel(logging.ERROR)  # services' warnings: counted, not printed
    study = open_study(job, job.worker)
    whole = job.study_trials or job.trials
    if job.trials > 0 and finished_trials(study) < whole:  # another machine may have filled it
        full = optuna.study.MaxTrialsCallback(whole, states=FINISHED)
        study.optimize(trial_objective(job), n_trials=job.trials, callbacks=[full])


def shares(trials: int, jobs: int) -> list[int]:
    """Split `trials` between `jobs` workers as evenly as possible: 5 over 2 → [3, 2]."""
    return [trials // jobs + (i < trials % jobs) for i in range(jobs)]


class WorkerFailed(RuntimeError):
    """A worker process ended with an error (its traceback is on stderr)."""


def fingerprint(job: StudyJob) -> str:
    """Return what a study searches on: base configuration, space, data, window, objective."""
    facts = {"base": job.base, "space": [attrs.asdict(p) for p in job.space],
             "data": str(job.data), "window": job.window and attrs.asdict(job.window),
             "objective": attrs.asdict(job.objective)}
    return json.dumps(facts, sort_keys=True, default=str)


def check_same_search(study: optuna.Study, job: StudyJob) -> None:
    """Mark a new study with the job's fingerprint; refuse to resume one that searched else."""
    mark = fingerprint(job)
    known = study.user_attrs.get("search")
    if known is None:
        study.set_user_attr("search", mark)
    elif known != mark:
        raise ConfigError("--study", f"study {job.study!r} in {job.storage} searched another "
                                     "space, configuration, data, period or objective; give "
                                     "another --study (or --out) to start a new one")


def run_workers(job: StudyJob, jobs: int) -> optuna.Study:
    """Bring the study to `job.trials` finished trials with `jobs` processes; return it."""
    study = open_study(job)
    check_same_search(study, job)
    parts = shares(max(0, job.trials - finished_trials(study)), jobs)
    context = multiprocessing.get_context("spawn")
    whole = job.trials  # other machines may be filling the same study
    others = [context.Process(target=work, args=(attrs.evolve(job, trials=n, worker=i,
                                                              study_trials=whole),))
              for i, n in enumerate(parts[1:], 1) if n > 0]
    for process in others:
        process.start()
    try:
        work(attrs.evolve(job, trials=parts[0], worker=0, study_trials=whole))  # worker 0
    finally:
        for process in others:
            process.join()
    failed = [p.exitcode for p in others if p.exitcode != 0]
    if failed:
        raise WorkerFailed(f"{len(failed)} optimisation worker(s) failed (exit codes {failed})")
    return open_study(job)
