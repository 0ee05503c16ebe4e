"""Warn the user once about a lasting condition (a symbol the exchange does not trade)."""

from __future__ import annotations

import logging

from mexcore.ports import Level, Notifier, Store
from mexcore.state import Cursors

log = logging.getLogger(__name__)


class WarnOnce:
    """Log and notify a warning the first time its key is seen; remember it in the Store."""

    def __init__(self, store: Store, notifier: Notifier, runner: str) -> None:
        self._cursors = Cursors(store, f"warned.{runner}")
        self._notifier = notifier
        self._runner = runner

    async def once(self, key: str, text: str) -> bool:
        """Warn about `key` unless already warned; return True when a warning went out."""
        if self._cursors.get(key):
            return False
        self._cursors.set(key, True)
        log.warning("%s: %s", self._runner, text)
        await self._notifier.send(f"warning.{self._runner}", f"{self._runner}: {text}",
                                  Level.ALERT)
        return True
