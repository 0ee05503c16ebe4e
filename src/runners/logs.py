"""Logging: readable lines on stderr, a rotating file under state_dir, optional JSON lines.

A filter scrubs every secret value from every record, whatever code logged it.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from collections.abc import Iterable
from pathlib import Path

REDACTED = "***"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


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
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname,
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
    root.setLevel(level.upper())
    formatter: logging.Formatter = JsonFormatter() if json_lines else logging.Formatter(FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if state_dir is not None:
        state_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(
            state_dir / "mexbot.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"))
    scrubber = SecretScrubber(secrets)
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(scrubber)
        root.addHandler(handler)
    for noisy in ("httpx", "httpcore", "telegram", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
