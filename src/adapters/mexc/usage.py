"""Recent MEXC request usage in a small file, so a restarted process knows its spent budget.

MEXC counts every request for 10 s (and a 429 ban for longer) whichever process sent it. A
process that restarts inside that time with a full budget sends a burst that MEXC refuses.
Each answered request appends one line (`U <wall ms> <weight> <order?> <writer> <endpoint>`),
each 429 pause one line (`P <until wall ms> <writer>`). A new process reads what is still
recent and rewrites the file with only that, so it stays a few kilobytes; a process that
shares the file with another (a CLI command beside the bot) reads the other's new lines
before each request.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections import Counter, deque
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
    writer: str = attrs.field(factory=lambda: secrets.token_hex(4))
    _recent: deque[tuple[int, str]] = attrs.field(init=False, factory=deque)
    _seen: Counter[str] = attrs.field(init=False, factory=Counter)
    _pause_until_ms: int = attrs.field(init=False, default=0)
    _appended: int = attrs.field(init=False, default=0)
    _inode: int | None = attrs.field(init=False, default=None)
    _offset: int = attrs.field(init=False, default=0)
    _warned: bool = attrs.field(init=False, default=False)

    @classmethod
    def in_dir(cls, state_dir: Path | str, wall: Clock) -> UsageFile:
        """Return the usage file of `state_dir` (created on first write)."""
        return cls(Path(state_dir) / FILE_NAME, wall)

    def load(self) -> tuple[list[Used], float]:
        """Return the usage still inside the window and the pause left in s; compact the file."""
        found = self.poll()
        self._compact(self.wall.now_ms())
        return found

    def poll(self) -> tuple[list[Used], float]:
        """Return other writers' usage appended since the last look, and the pause left in s."""
        now = self.wall.now_ms()
        lines, whole = self._read_new()
        used: list[Used] = []
        for line, count in Counter(lines).items():
            new = count - self._seen[line] if whole else count  # a rewrite repeats old lines
            if new > 0:
                self._seen[line] += new
                used.extend(self._take(line, now) * new)
        self._forget_seen(now)
        return used, max(0, self._pause_until_ms - now) / 1000

    def note(self, endpoint: str, weight: int, is_order: bool) -> None:
        """Record an answered request of `weight`, now."""
        now = self.wall.now_ms()
        line = f"U {now} {weight} {int(is_order)} {self.writer} {endpoint}\n"
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
            self._write(f"P {until} {self.writer}\n", "a")

    def _take(self, line: str, now: int) -> list[Used]:
        parts = line.split(" ", 5)
        try:
            if parts[0] == "P" and len(parts) == 3 and parts[2] != self.writer:
                self._pause_until_ms = max(self._pause_until_ms, int(parts[1]))
            elif parts[0] == "U" and len(parts) == 6 and parts[4] != self.writer:
                at, weight = min(int(parts[1]), now), int(parts[2])
                if now - at < self.keep_ms and weight > 0:
                    self._recent.append((at, line + "\n"))
                    return [Used(now - at, parts[5], weight, parts[3] == "1")]
        except ValueError:
            pass  # a torn or foreign line: skip it
        return []

    def _read_new(self) -> tuple[list[str], bool]:
        """Return the complete lines added since the last read, and whether that is all."""
        try:
            status = os.stat(self.path)
            whole = status.st_ino != self._inode or status.st_size < self._offset
            if whole:
                self._inode, self._offset = status.st_ino, 0
            if status.st_size == self._offset:
                return [], whole
            with self.path.open("rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return [], True
        except OSError as e:
            self._warn(e)
            return [], True
        complete = data.rfind(b"\n") + 1
        self._offset += complete
        return data[:complete].decode("utf-8", errors="replace").splitlines(), whole

    def _forget_seen(self, now: int) -> None:
        for line in [s for s in self._seen if not _recent_line(s, now, self.keep_ms)]:
            del self._seen[line]

    def _compact(self, now: int) -> None:
        while self._recent and now - self._recent[0][0] >= self.keep_ms:
            self._recent.popleft()
        pause = f"P {self._pause_until_ms} {self.writer}\n" \
            if self._pause_until_ms > now else ""
        self._appended = 0
        self._write(pause + "".join(line for _, line in self._recent), "replace")

    def _write(self, text: str, how: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if how == "a":
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(text)
                return
            temporary = self.path.with_name(f"{self.path.name}.{self.writer}.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as e:
            self._warn(e)

    def _warn(self, error: OSError) -> None:
        if not self._warned:
            self._warned = True
            log.warning("MEXC usage file %s: %s; a restart will not know the spent budget",
                        self.path, error)


def _recent_line(line: str, now: int, keep_ms: int) -> bool:
    parts = line.split(" ", 2)
    try:
        return now - int(parts[1]) < keep_ms * 2
    except (IndexError, ValueError):
        return False
