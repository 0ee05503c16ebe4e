"""Run one `mexbot` command as a child process; measure its wall time and peak RSS from outside.

The peak comes from `os.wait4` (the kernel's `ru_maxrss` of that child), taken by a small
launcher process (LAUNCHER) that also times the child from fork to exit. With `sample_s`, the
child's `VmRSS` is read from `/proc/PID/status` that often; with `tty_stderr`, its stderr is a
pseudo-terminal (so `mexbot sim` draws its progress bar, `simulated ━━╸━━ 45% 2023-04-24 13:05`)
and each sample carries the percentage of simulated time the bar showed last.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
PERCENT = re.compile(rb"(\d{1,3})%\s+\d{4}-\d\d-\d\d \d\d:\d\d")  # the bar: 45% 2023-04-24 13:05


@dataclass(frozen=True)
class Sample:
    """One reading of the child: seconds since start, progress shown (None: none yet), MiB."""

    wall_s: float
    percent: float | None
    rss_mib: float


@dataclass(frozen=True)
class ChildRun:
    """A finished child: its arguments, exit code, wall time, peak RSS and RSS samples."""

    argv: tuple[str, ...]
    exit_code: int
    wall_s: float
    peak_mib: float
    samples: tuple[Sample, ...] = field(default=())


def mexbot_command(argv: list[str]) -> list[str]:
    """Return the command that runs `mexbot ARGV` from this checkout's own source."""
    return [sys.executable, "-m", "runners", *argv]


def child_env() -> dict[str, str]:
    """Return the environment of a child: this checkout's src first on the path, no secrets."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MEXC_", "TELEGRAM_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    return env


def vm_rss_mib(pid: int) -> float | None:
    """Return the resident set of a live process in MiB (None when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def last_percent(text: bytes) -> float | None:
    """Return the last percentage a progress bar showed in terminal output (None: none)."""
    found = PERCENT.findall(ANSI.sub(b"", text))
    return float(found[-1]) if found else None


class _ProgressReader(threading.Thread):
    """Read a pseudo-terminal until it closes, keeping the last percentage its bar showed."""

    def __init__(self, master_fd: int) -> None:
        super().__init__(daemon=True)
        self.master_fd = master_fd
        self.percent: float | None = None

    def run(self) -> None:
        tail = b""
        while True:
            try:
                chunk = os.read(self.master_fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            tail = (tail + chunk)[-1024:]
            self.percent = last_percent(tail) or self.percent


# A small launcher forks and execs the command, so that its peak is not the bench's: on Linux a
# child's ru_maxrss starts at the RSS of the process it was forked from (and exec keeps it).
LAUNCHER = """import os, sys, time
began = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
with open(sys.argv[1] + ".pid", "w") as f:
    f.write(str(pid))
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{usage.ru_maxrss} {status} {time.perf_counter() - began}")
"""


def run_child(argv: list[str], cwd: Path, sample_s: float | None = None,
              tty_stderr: bool = False) -> ChildRun:
    """Run `mexbot ARGV` in `cwd`, stdout discarded; return what was measured."""
    master, slave = pty.openpty() if tty_stderr else (None, None)
    reader = _ProgressReader(master) if master is not None else None
    with tempfile.TemporaryDirectory(prefix="bench-child-") as folder:
        result = Path(folder) / "rusage"
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(result), *mexbot_command(argv)],
            cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=slave if slave is not None else subprocess.DEVNULL)
        if slave is not None:
            os.close(slave)
        if reader is not None:
            reader.start()
        samples = _sample(launcher, result, sample_s, reader)
        launcher.wait()
        if reader is not None:
            reader.join(timeout=2)
        if master is not None:
            os.close(master)
        maxrss_kib, status, wall_s = result.read_text().split()
    return ChildRun(tuple(argv), os.waitstatus_to_exitcode(int(status)), float(wall_s),
                    int(maxrss_kib) / 1024, tuple(samples))


def _sample(launcher: subprocess.Popen[bytes], result: Path, sample_s: float | None,
            reader: _ProgressReader | None) -> list[Sample]:
    samples: list[Sample] = []
    if sample_s is None:
        return samples
    began, pid = time.perf_counter(), None
    while launcher.poll() is None:
        if pid is None and Path(f"{result}.pid").exists():
            pid = int(Path(f"{result}.pid").read_text() or 0) or None
        rss = vm_rss_mib(pid) if pid is not None else None
        if rss is not None:
            percent = reader.percent if reader is not None else None
            samples.append(Sample(round(time.perf_counter() - began, 2), percent, round(rss, 1)))
        time.sleep(sample_s)
    return samples
