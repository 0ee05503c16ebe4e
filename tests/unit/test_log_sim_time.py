"""Log lines of a simulated run carry the simulated time, in UTC."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from tests.logging_support import restore_root_logger  # noqa: F401 (an autouse fixture)

from adapters.fake import FakeClock
from runners.logs import FILE_NAME, configure_logging, simulated_log_time

START = 1_682_035_200_000  # 2023-04-21 00:00 UTC


def test_a_warning_on_stderr_during_a_simulation_carries_the_simulated_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("WARNING")
    clock = FakeClock(START + 3_723_000)

    with simulated_log_time(clock.now_ms):
        logging.getLogger("mexcore.services.warnings").warning("post-sale buy not placed")

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("2023-04-21 01:02:03,000 WARNING mexcore.services.warnings: ")


def test_the_json_log_file_carries_the_simulated_time(tmp_path: Path) -> None:
    configure_logging("WARNING", tmp_path, json_lines=True)
    clock = FakeClock(START)

    with simulated_log_time(clock.now_ms):
        logging.getLogger("adapters.fake").info("filled")
    for handler in logging.getLogger().handlers:
        handler.flush()

    [line] = (tmp_path / FILE_NAME).read_text().splitlines()
    assert json.loads(line)["time"] == "2023-04-21T00:00:00.000+00:00"


def test_after_the_simulation_log_lines_carry_the_wall_time_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("WARNING")
    with simulated_log_time(FakeClock(START).now_ms):
        pass

    logging.getLogger("x").warning("later")

    assert not capsys.readouterr().err.startswith("2023-04-21")
