"""The log file under state_dir records decisions whatever `--log-level` keeps on stderr."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from pathlib import Path

from tests.logging_support import restore_root_logger  # noqa: F401 (an autouse fixture)

from adapters.fake.notifier import RecordingNotifier
from mexcore.ports import Level
from runners.logs import FILE_NAME, LoggedNotifier, configure_logging


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def test_the_log_file_records_info_lines_when_stderr_shows_only_warnings(tmp_path: Path) -> None:
    configure_logging("WARNING", tmp_path)
    logging.getLogger("mexcore.services.balance_monitor").info("bought 0.1 BTC at 30000")
    _flush()
    assert "bought 0.1 BTC at 30000" in (tmp_path / FILE_NAME).read_text()


def test_the_log_file_holds_json_lines_with_log_json(tmp_path: Path) -> None:
    configure_logging("ERROR", tmp_path, json_lines=True)
    logging.getLogger("adapters.mexc").info("placing BUY on BTCUSDC")
    _flush()
    lines = (tmp_path / FILE_NAME).read_text().splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["placing BUY on BTCUSDC"]


def test_the_log_file_never_holds_a_secret(tmp_path: Path) -> None:
    configure_logging("WARNING", tmp_path, secrets=["s3cr3t-key"])
    logging.getLogger("adapters.mexc").info("signed with s3cr3t-key")
    _flush()
    assert "s3cr3t-key" not in (tmp_path / FILE_NAME).read_text()


def test_a_logged_notifier_logs_what_the_inner_notifier_does_not_want(tmp_path: Path) -> None:
    configure_logging("WARNING", tmp_path)

    class Quiet(RecordingNotifier):
        def wants(self, level: Level) -> bool:
            return level is Level.ERROR

    inner = Quiet()
    notifier = LoggedNotifier(inner)
    asyncio.run(notifier.send("balance_monitor", "skipped BTCUSDC: cooldown"))
    asyncio.run(notifier.send("scanner", "order failed", Level.ERROR))
    _flush()
    text = (tmp_path / FILE_NAME).read_text()
    assert f"[{Level.INFO.value}] balance_monitor: skipped BTCUSDC: cooldown" in text
    assert f"[{Level.ERROR.value}] scanner: order failed" in text
    assert notifier.wants(Level.INFO)
    assert inner.texts() == ["order failed"]


def test_json_lines_carry_an_iso_utc_time(tmp_path: Path) -> None:
    configure_logging("WARNING", tmp_path, json_lines=True)
    logging.getLogger("mexcore.fills").info("BTCUSDC: 1 new fill(s) journaled")
    _flush()
    [line] = (tmp_path / FILE_NAME).read_text().splitlines()
    moment = datetime.fromisoformat(json.loads(line)["time"])
    assert moment.utcoffset() == timedelta(0)
