"""Issue 7's crash loop: SIGKILL `mexbot run` at seeded random moments, restart it, repeat.

Kill moments: during start-up and reconciliation, right after a new order intent appears in
the state file (0–600 ms later: before, during or just after the request, which the limiter
may hold back a few hundred ms), and later in a life. Each life starts on the same state_dir.
A last, calm start (no runner enabled) after the sandbox's open orders are cancelled
reconciles the journal once more before the checks.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from tests.integration.process.harness import (
    API_KEY,
    API_SECRET,
    CALM_SECTIONS,
    BotProcess,
    SandboxProcess,
    bot_config,
    calm_start,
)
from tests.integration.process.journal import Intent, Journal, JournalFill
from tests.integration.process.sandbox_reader import SandboxFill, SandboxOrder, SandboxReader

POLL_S = 0.02
NO_ORDER_KILL_S = 8.0  # a life waiting for an order is killed anyway after this long

# Every runner that trades, acting within a second or two of a start; cooldowns longer than
# a restart, so a cooldown lost in a crash would show.
CRASH_SECTIONS: dict[str, dict[str, Any]] = {
    # The sandbox answers look-ups at once (no -2013 window): an order a kill stopped on its
    # way is given up after 2 s instead of blocking its symbol for a minute of a short life.
    "mexc": {"unknown_order_grace_s": 2},
    "scanner": {"enabled": False},
    "portfolio_rebalance": {"enabled": False},
    "orders_reporter": {"enabled": False},
    "balance_monitor": {"interval_s": 1, "cooldown_s": 5, "requote_after_s": 1,
                        "max_requotes": 0, "max_purchase": "30", "min_balance": "60"},
    "pnl_monitor": {"interval_s": 1, "profit_threshold": "0", "summary_interval_s": 3600},
    "alts_monitor": {"interval_s": 1, "profit_threshold": "0"},
    "balancer_5050": {"interval_s": 1, "cooldown_s": 4, "deviation": "0.01",
                      "max_operation": "30"},
}
# Little USDC: the balance monitor buys it with USDT (USDCUSDT) before most purchases.
START_BALANCES = {"USDT": "1000", "USDC": "50"}
SANDBOX_TABLE: dict[str, Any] = {
    "rate_limit": False,  # a restart does not wait for the last life's request budget
    "accounts": [{"api_key": API_KEY, "api_secret": API_SECRET, "balances": START_BALANCES}],
}


@attrs.frozen
class Life:
    """One run of the bot: when it lived (epoch ms, the bot's clock) and how it ended."""

    number: int
    started_ms: int
    ended_ms: int
    how: str  # "start-up", "after order", "later", "no order"
    in_flight: bool  # an intent was intended/sent (not yet answered) when it was killed
    unreconciled: bool  # its start-up reconciliation failed (a contradiction, an error)


@attrs.frozen
class CrashRun:
    """Everything the checks need, read once the last calm start has stopped."""

    lives: tuple[Life, ...]
    final_exit: int
    final_stderr: str
    intents: tuple[Intent, ...]
    journal_fills: tuple[JournalFill, ...]
    cooldown_starts: dict[str, set[int]]
    orders: tuple[SandboxOrder, ...]
    fills: tuple[SandboxFill, ...]
    balances: dict[str, Decimal]
    seconds: float


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class CrashLoop:
    """Run the lives and remember what the state file showed between and during them."""

    def __init__(self, workdir: Path, sandbox: SandboxProcess, seed: int) -> None:
        self.workdir, self.sandbox = workdir, sandbox
        self.journal = Journal(workdir / "state")
        self.rng = random.Random(seed)
        self.cooldown_starts: dict[str, set[int]] = {}
        self.lives: list[Life] = []
        self._cooldown_s = {name: int(CRASH_SECTIONS[name]["cooldown_s"])
                            for name in ("balance_monitor", "balancer_5050")}

    def _config(self, name: str, sections: dict[str, dict[str, Any]]) -> Path:
        path = self.workdir / f"{name}.toml"
        path.write_text(bot_config(self.sandbox.url, self.workdir / "state", sections))
        return path

    def _observe(self) -> dict[str, str]:
        for key, until in self.journal.cooldowns().items():
            if key in self._cooldown_s:
                start = until - 1000 * self._cooldown_s[key]
                self.cooldown_starts.setdefault(key, set()).add(start)
        return self.journal.statuses()

    def _watch(self, bot: BotProcess, until: Callable[[dict[str, str]], bool]) -> None:
        while bot.alive():
            if until(self._observe()):
                return
            time.sleep(POLL_S)

    def live_once(self, number: int, config: Path) -> Life:
        """Start the bot, kill it at a seeded moment, return what happened."""
        how = self.rng.choices(["start-up", "after order", "later"], [2, 6, 2])[0]
        before = self._observe()
        bot = BotProcess(config, self.workdir / "lives", f"life{number:03d}")
        spawned = time.monotonic()
        if how == "after order":
            self._watch(bot, lambda now: set(now) - set(before) != set()
                        or time.monotonic() - spawned > NO_ORDER_KILL_S)
            if time.monotonic() - spawned > NO_ORDER_KILL_S:
                how = "no order"
            rng = self.rng
            time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.15), rng.uniform(0.15, 0.6)]))
        else:
            span = (0.1, 1.5) if how == "start-up" else (1.5, 4.0)
            deadline = spawned + self.rng.uniform(*span)
            self._watch(bot, lambda now: time.monotonic() >= deadline)
        exit_code = bot.signal(signal.SIGKILL)
        assert exit_code == -signal.SIGKILL, f"life {number} ended by itself:\n{bot.stderr()}"
        after = self._observe()
        in_flight = any(status in ("intended", "sent") for cid, status in after.items()
                        if cid not in before)
        return Life(number, int(bot.started_s * 1000), _now_ms(), how, in_flight,
                    "NOT reconciled" in bot.stderr())

    def run(self, kills: int) -> CrashRun:
        """Kill the bot `kills` times, then start it calmly once and read everything.

        A loaded machine places fewer orders per life; then it goes on killing (up to twice
        `kills` lives) until a fifth of `kills` orders reached the exchange.
        """
        started = time.monotonic()
        config = self._config("crash", CRASH_SECTIONS)
        reader = SandboxReader(self.sandbox.url)
        number = 0
        while number < kills or (number < 2 * kills and self._orders(reader) < kills // 5):
            self.lives.append(self.live_once(number, config))
            number += 1
        try:
            reader.cancel_open_orders()  # no fill may land after the last reconciliation
            calm = calm_start(self._config("calm", CALM_SECTIONS), self.workdir)
            self._observe()
            return self._read(reader, calm, time.monotonic() - started)
        finally:
            reader.close()

    @staticmethod
    def _orders(reader: SandboxReader) -> int:
        return len(reader.orders(sorted(reader.rules())))

    def _read(self, reader: SandboxReader, calm: BotProcess, seconds: float) -> CrashRun:
        symbols = sorted(reader.rules())
        balances = self.sandbox.state()["balances"][API_KEY]
        return CrashRun(
            lives=tuple(self.lives), final_exit=calm.proc.returncode,
            final_stderr=calm.stderr(), intents=tuple(self.journal.intents()),
            journal_fills=tuple(self.journal.fills()),
            cooldown_starts=self.cooldown_starts, orders=tuple(reader.orders(symbols)),
            fills=tuple(reader.fills(symbols)),
            balances={a: Decimal(v) for a, v in balances.items() if Decimal(v) != 0},
            seconds=seconds)


def start_balances() -> dict[str, Decimal]:
    """Return the sandbox account's balances at the start."""
    return {a: Decimal(v) for a, v in START_BALANCES.items()}
