"""A second `mexbot run` on a running bot's state directory is refused; after it stops, not."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.integration.process.conftest import StartSandbox
from tests.integration.process.harness import (
    CALM_SECTIONS,
    BotProcess,
    bot_config,
    calm_start,
    wait_until,
)

pytestmark = pytest.mark.slow  # two bot processes and a sandbox, ~10 s


def test_a_second_bot_on_the_same_state_directory_exits_with_a_clear_error(
    tmp_path: Path, start_sandbox: StartSandbox
) -> None:
    sandbox = start_sandbox({})
    config = tmp_path / "mexbot.toml"
    config.write_text(bot_config(sandbox.url, tmp_path / "state", CALM_SECTIONS))
    first = BotProcess(config, tmp_path / "first", "first")
    try:
        first.wait_reconciled()
        second = BotProcess(config, tmp_path / "second", "second")
        try:
            wait_until("the second bot to give up", lambda: not second.alive(), first.alive)
            refused = second.proc.wait(10)
        finally:
            second.close()
        assert first.stop() == 0  # the first one kept running all along
    finally:
        first.close()

    assert refused == 2
    assert f"another mexbot (pid {first.proc.pid})" in second.stderr()
    assert calm_start(config, tmp_path / "third").proc.returncode == 0  # the lock went with it
