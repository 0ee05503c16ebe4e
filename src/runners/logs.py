"""Logging: readable lines on stderr, a rotating file under state_dir, optional JSON lines.

The file records INFO and above whatever `--log-level` keeps on stderr: it is the record of
every decision, order and notification. A filter scrubs every secret value from every record.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from mexcore.ports import Level, Notifier

REDACTED = "***"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
FILE_NAME = "mexbot.log"
FILE_LEVEL = logging.INFO


class SecretScrubber(logging.Filter):
    """Replace each secret string in a record's message with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if len(s) >= 4)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        for secret in self._secrets:
            message = message.replace(secret, REDACTED)
        record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers; the time is ISO 8601 in UTC."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry = {"time": moment, "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry)


def configure_logging(
    level: str = "INFO",
    state_dir: Path | None = None,
    json_lines: bool = False,
    secrets: Iterable[str] = (),
) -> None:
    """Set up the root logger once for a mexbot process."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    stderr_level = logging.getLevelName(level.upper())
    formatter: logging.Formatter = JsonFormatter() if json_lines else _utc_formatter()
    stderr = _StderrHandler()
    stderr.setLevel(stderr_level)
    handlers: list[logging.Handler] = [stderr]
    if state_dir is not None:
        state_dir.mkdir(parents=True, exist_ok=True)
        log_file = logging.handlers.RotatingFileHandler(
            state_dir / FILE_NAME, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
        log_file.setLevel(min(stderr_level, FILE_LEVEL))
        handlers.append(log_file)
    root.setLevel(min(h.level for h in handlers))
    scrubber = SecretScrubber(secrets)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(scrubber)
        root.addHandler(handler)
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _utc_formatter() -> logging.Formatter:
    formatter = logging.Formatter(FORMAT)
    formatter.converter = time.gmtime  # the log is in UTC, like the exchange's times
    return formatter


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever sys.stderr is when a record comes (a progress bar may wrap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass  # always sys.stderr


class SimulatedTime(logging.Filter):
    """Stamp each record with the simulated time instead of the wall clock's."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        super().__init__()
        self._now_ms = now_ms

    def filter(self, record: logging.LogRecord) -> bool:
        record.created = self._now_ms() / 1000
        record.msecs = self._now_ms() % 1000
        return True


@contextmanager
def simulated_log_time(now_ms: Callable[[], int]) -> Iterator[None]:
    """Stamp every log line with the simulated time while the block runs."""
    stamp = SimulatedTime(now_ms)
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(stamp)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(stamp)


class LoggedNotifier:
    """Log every notification (placed, filled, cancelled, sold, skipped, failed), then forward it.

    It wants every level, so services render what the user's notifier would drop and the log
    file still holds it; the inner notifier gets only what it wants. Each notification is an
    INFO line marked with its level: the user already saw it, stderr need not repeat it.
    """

    def __init__(self, inner: Notifier, logger_name: str = "mexbot.notify") -> None:
        self._inner = inner
        self._log = logging.getLogger(logger_name)

    async def send(self, topic: str, text: str, level: Level = Level.INFO) -> None:
        """Log `text` under `topic`, then pass it on if the inner notifier wants it."""
        self._log.info("[%s] %s: %s", level.value, topic, text)
        if self._inner.wants(level):
            await self._inner.send(topic, text, level)

    def wants(self, level: Level) -> bool:
        """Want everything: the log file records what the user does not see."""
        return True

    async def send_picture(self, topic: str, png: bytes, caption: str = "") -> None:
        """Log the picture's caption, then pass the picture on."""
        self._log.info("%s: picture (%d bytes PNG) %s", topic, len(png), caption)
        await self._inner.send_picture(topic, png, caption)
