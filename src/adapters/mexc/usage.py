"""Recent MEXC request usage in a small file, so a restarted process knows its spent budget.

MEXC counts every request for 10 s (and a 429 ban for longer) whichever process sent it. A
process that restarts inside that time with a full budget sends a burst that MEXC refuses.
Each answered request appends one line (`U <wall ms> <weight> <order?> <endpoint>`), each
429 pause one line (`P <until wall ms>`); a new process reads what is still recent, then
rewrites the file with only that. The file stays a few kilobytes.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from pathlib import Path

import attrs

from mexcore.ports import Clock

log = logging.getLogger("adapters.mexc")

FILE_NAME = "mexc-usage.log"


@attrs.frozen
class Used:
    """One request counted against MEXC's limits `age_ms` ago."""

    age_ms: int
    endpoint: str
    weight: int
    is_order: bool


@attrs.define
class UsageFile:
    """The usage log of one state directory, on the wall clock (epoch ms)."""

    path: Path
    wall: Clock
    keep_ms: int = 10_000
    compact_every: int = 2_000
    _recent: deque[tuple[int, str]] = attrs.field(init=False, factory=deque)
    _pause_until_ms: int = attrs.field(init=False, default=0)
    _appended: int = attrs.field(init=False, default=0)
    _warned: bool = attrs.field(init=False, default=False)

    @classmethod
    def in_dir(cls, state_dir: Path | str, wall: Clock) -> UsageFile:
        """Return the usage file of `state_dir` (created on first write)."""
        return cls(Path(state_dir) / FILE_NAME, wall)

    def load(self) -> tuple[list[Used], float]:
        """Return the usage still inside the window and the pause left in s; compact the file."""
        now = self.wall.now_ms()
        used: list[Used] = []
        for line in self._read_lines():
            used.extend(self._take(line, now))
        self._compact(now)
        return used, max(0, self._pause_until_ms - now) / 1000

    def note(self, endpoint: str, weight: int, is_order: bool) -> None:
        """Record an answered request of `weight`, now."""
        now = self.wall.now_ms()
        line = f"U {now} {weight} {int(is_order)} {endpoint}\n"
        self._recent.append((now, line))
        self._appended += 1
        if self._appended >= self.compact_every:
            self._compact(now)
        else:
            self._write(line, "a")

    def note_pause(self, seconds: float) -> None:
        """Record that MEXC asked for a pause of `seconds` from now."""
        until = self.wall.now_ms() + int(seconds * 1000)
        if until > self._pause_until_ms:
            self._pause_until_ms = until
            self._write(f"P {until}\n", "a")

    def _take(self, line: str, now: int) -> list[Used]:
        parts = line.split(" ", 4)
        try:
            if parts[0] == "P" and len(parts) == 2:
                self._pause_until_ms = max(self._pause_until_ms, int(parts[1]))
            elif parts[0] == "U" and len(parts) == 5:
                at, weight = min(int(parts[1]), now), int(parts[2])
                if now - at < self.keep_ms and weight > 0:
                    self._recent.append((at, line + "\n"))
                    return [Used(now - at, parts[4], weight, parts[3] == "1")]
        except ValueError:
            pass  # a torn or foreign line: skip it
        return []

    def _read_lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        except OSError as e:
            self._warn(e)
            return []

    def _compact(self, now: int) -> None:
        while self._recent and now - self._recent[0][0] >= self.keep_ms:
            self._recent.popleft()
        pause = f"P {self._pause_until_ms}\n" if self._pause_until_ms > now else ""
        self._appended = 0
        self._write(pause + "".join(line for _, line in self._recent), "replace")

    def _write(self, text: str, how: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if how == "a":
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(text)
                return
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as e:
            self._warn(e)

    def _warn(self, error: OSError) -> None:
        if not self._warned:
            self._warned = True
            log.warning("MEXC usage file %s: %s; a restart will not know the spent budget",
                        self.path, error)
