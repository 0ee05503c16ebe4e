"""One bot per state directory: `mexbot run` holds an exclusive lock on it while it runs.

Two processes on one state directory would read the same journal and place the same orders
twice (each with its own view of the funds). The lock is the kernel's (`flock`): it goes away
with the process, even after SIGKILL, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mexcore.errors import StopForHuman

LOCK_NAME = "mexbot.lock"


class AlreadyRunning(StopForHuman):
    """Another mexbot process holds the state directory."""


@contextmanager
def instance_lock(state_dir: Path) -> Iterator[None]:
    """Hold the state directory's lock for the block; raise AlreadyRunning if it is taken."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise AlreadyRunning(
                f"another mexbot (pid {holder}) is running on {state_dir}: two bots on one "
                "state directory would place the same orders twice") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
