"""`mexbot sandbox` and `mexbot run` as real subprocesses on loopback, with their configs.

Each process writes its output to files under the test's tmp_path (read on failure). Waits
have generous safety deadlines that only turn a hang into a clear error; nothing here asserts
on durations.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import httpx

API_KEY = "sandbox-api-key"
API_SECRET = "sandbox-api-secret"
_URL_LINE = re.compile(r"MEXC sandbox on (http://127\.0\.0\.1:\d+) ")
DEADLINE_S = 60.0


def mexbot_argv(*args: str) -> list[str]:
    """Return the command line of `mexbot ARGS` in this interpreter (`python -m runners`)."""
    return [sys.executable, "-m", "runners", *args]


def wait_until(what: str, ready: Callable[[], bool], alive: Callable[[], bool],
               deadline_s: float = DEADLINE_S, every_s: float = 0.02) -> None:
    """Poll `ready` until true; fail clearly when the process dies or the deadline passes."""
    end = time.monotonic() + deadline_s
    while not ready():
        if not alive():
            raise AssertionError(f"the process died while waiting for {what}")
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what} after {deadline_s:g} s")
        time.sleep(every_s)


def toml_value(value: Any) -> str:
    """Render a Python value as TOML (strings, numbers, booleans, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def toml_text(top: Mapping[str, Any], sections: Mapping[str, Mapping[str, Any]]) -> str:
    """Render top-level keys and `[section]` tables as a TOML document."""
    lines = [f"{k} = {toml_value(v)}" for k, v in top.items()]
    for name, table in sections.items():
        lines += ["", f"[{name}]", *(f"{k} = {toml_value(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"


class Logged:
    """A subprocess whose stdout and stderr go to files."""

    def __init__(self, argv: list[str], out_dir: Path, name: str,
                 env: Mapping[str, str] | None = None) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path, self.stderr_path = out_dir / f"{name}.out", out_dir / f"{name}.err"
        self._files: list[IO[bytes]] = [self.stdout_path.open("wb"), self.stderr_path.open("wb")]
        self.started_s = time.time()
        self.proc = subprocess.Popen(argv, stdout=self._files[0], stderr=self._files[1],
                                     stdin=subprocess.DEVNULL, env=dict(env or os.environ))

    def alive(self) -> bool:
        """Tell whether the process is still running."""
        return self.proc.poll() is None

    def stderr(self) -> str:
        """Return everything the process wrote on stderr so far."""
        return self.stderr_path.read_text(errors="replace")

    def stdout(self) -> str:
        """Return everything the process wrote on stdout so far."""
        return self.stdout_path.read_text(errors="replace")

    def signal(self, sig: signal.Signals, timeout_s: float = DEADLINE_S) -> int:
        """Send `sig`, wait for the exit and return the exit code."""
        if self.alive():
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout_s)
        finally:
            self.close()

    def kill(self) -> int:
        """SIGKILL the process (no chance to clean up) and reap it."""
        return self.signal(signal.SIGKILL)

    def close(self) -> None:
        """Make sure the process is gone and its files are closed."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(DEADLINE_S)
        for f in self._files:
            f.close()


class SandboxProcess(Logged):
    """`mexbot sandbox` on a free loopback port; `url` once it answers."""

    def __init__(self, out_dir: Path, speed: float, table: Mapping[str, Any]) -> None:
        config = out_dir / "sandbox.toml"
        out_dir.mkdir(parents=True, exist_ok=True)
        config.write_text(toml_text({}, {"sandbox": table}))
        super().__init__(mexbot_argv("--log-level", "INFO", "sandbox", "--port", "0",
                                     "--config", str(config), "--speed", str(speed)),
                         out_dir, "sandbox")
        self.url = ""
        try:
            wait_until("the sandbox's address", self._found_url, self.alive)
            wait_until("the sandbox to answer", self._answers, self.alive)
        except BaseException:
            self.close()
            raise

    def _found_url(self) -> bool:
        found = _URL_LINE.search(self.stderr())
        self.url = found.group(1) if found else ""
        return bool(found)

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v3/ping", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def state(self) -> dict[str, Any]:
        """Return the admin view: market time, balances per key, request count."""
        body: dict[str, Any] = httpx.get(f"{self.url}/sandbox/state", timeout=10).json()
        return body


def bot_env() -> dict[str, str]:
    """Return this environment with the sandbox's keys and no Telegram."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    return {**env, "MEXC_API_KEY": API_KEY, "MEXC_API_SECRET": API_SECRET}


def bot_config(url: str, state_dir: Path, sections: Mapping[str, Mapping[str, Any]]) -> str:
    """Return a live-mode mexbot.toml against the sandbox at `url` with these sections."""
    rest = {name: table for name, table in sections.items() if name != "mexc"}
    return toml_text({"mode": "live", "state_dir": str(state_dir)},
                     {"mexc": {"base_url": url, **sections.get("mexc", {})}, **rest})


class BotProcess(Logged):
    """`mexbot run --config FILE --live`, one life of the bot."""

    def __init__(self, config: Path, out_dir: Path, name: str) -> None:
        super().__init__(mexbot_argv("--log-level", "INFO", "run", "--config", str(config),
                                     "--live"), out_dir, name, bot_env())

    def reconciled(self) -> bool:
        """Tell whether start-up reconciliation has finished (the runners start next)."""
        return "\nreconciliation: " in self.stderr()

    def wait_reconciled(self) -> None:
        """Wait until the runners are about to start."""
        wait_until("start-up reconciliation", self.reconciled, self.alive)

    def stop(self) -> int:
        """SIGTERM the bot, wait for its clean exit and return the exit code."""
        return self.signal(signal.SIGTERM)


CALM_SECTIONS: dict[str, dict[str, Any]] = {
    name: {"enabled": False} for name in (
        "scanner", "portfolio_rebalance", "orders_reporter", "balance_monitor", "pnl_monitor",
        "alts_monitor", "balancer_5050")
}


def calm_start(config: Path, out_dir: Path) -> BotProcess:
    """Start the bot (with CALM_SECTIONS: no runner), let it reconcile, stop it with SIGTERM."""
    bot = BotProcess(config, out_dir, "calm")
    try:
        bot.wait_reconciled()
        bot.stop()
    finally:
        bot.close()
    return bot
