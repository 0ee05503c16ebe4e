"""`mexbot optimize` end to end on the bundled data: files, walk-forward, determinism, errors."""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from mexcore.config import load_config
from runners.cli import main

SPACE = """\
"pnl_monitor.profit_threshold" = { low = "0.05", high = "5", log = true }
"pnl_monitor.post_sale_rebalance" = [true, false]
[balancer_5050]
deviation = { low = "0.02", high = "0.2", step = "0.01" }
"""


def _optimize(tmp_path: Path, out: str, *extra: str) -> int:
    space = tmp_path / "space.toml"
    space.write_text(SPACE)
    return main(["optimize", "--space", str(space), "--from", "2023-04-24", "--trials", "2",
                 "--folds", "1", "--seed", "7", "--out", str(tmp_path / out), *extra])


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("optimize")
    assert _optimize(tmp, "first") == 0
    assert _optimize(tmp, "second") == 0
    return tmp / "first", tmp / "second"


def test_two_runs_with_one_job_and_the_same_seed_find_the_same_best_values(
    twice: tuple[Path, Path],
) -> None:
    first, second = (json.loads((p / "results.json").read_text()) for p in twice)

    assert first["best"] == second["best"]
    tried = [[(t["number"], t["value"], t["values"]) for t in data["results"][0]["trials"]]
             for data in (first, second)]
    assert tried[0] == tried[1]


def test_the_walk_forward_judges_the_in_sample_best_out_of_sample(
    twice: tuple[Path, Path],
) -> None:
    data = json.loads((twice[0] / "results.json").read_text())

    (fold,) = data["results"]
    assert fold["in_sample"][1] == fold["out_of_sample"][0]
    assert len(fold["trials"]) == 2
    assert isinstance(fold["out_of_sample_value"], float)
    assert fold["out_of_sample_facts"]["trades"] >= 0


def test_best_toml_is_a_fragment_the_configuration_loads(twice: tuple[Path, Path]) -> None:
    raw = tomllib.loads((twice[0] / "best.toml").read_text(), parse_float=Decimal)

    config = load_config(raw)

    assert set(raw) == {"pnl_monitor", "balancer_5050"}
    assert isinstance(config.balancer_5050.deviation, Decimal)
    assert config.balancer_5050.deviation * 100 % 1 == 0  # on the 0.01 grid


def test_every_output_file_is_written(twice: tuple[Path, Path]) -> None:
    names = {p.name for p in twice[0].iterdir()}

    assert {"best.toml", "top_trials.txt", "walk_forward.txt", "results.json", "history.png",
            "importance.png", "study.journal"} <= names


def test_a_space_key_outside_the_schema_is_an_error_naming_it_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    space = tmp_path / "space.toml"
    space.write_text('"scanner.min_scor" = { low = 1, high = 3 }\n')

    code = main(["optimize", "--space", str(space), "--out", str(tmp_path / "out")])

    assert code == 2
    assert "scanner.min_scor" in capsys.readouterr().err


def test_a_drawdown_cap_without_the_capped_objective_is_refused(tmp_path: Path) -> None:
    space = tmp_path / "space.toml"
    space.write_text(SPACE)

    code = main(["optimize", "--space", str(space), "--max-drawdown", "0.1", "--out",
                 str(tmp_path / "out")])

    assert code == 2
