"""Confirmations for destructive commands: one-shot tokens that expire."""

from __future__ import annotations

import secrets

import attrs

from mexcore.ports import Clock


@attrs.frozen
class PendingAction:
    """A destructive action waiting for its button press."""

    kind: str
    argument: str | None
    chat_id: int
    expires_ms: int


class Confirmations:
    """Hand out one-shot tokens; a token works once, in its chat, until it expires."""

    def __init__(self, clock: Clock, ttl_s: float) -> None:
        self._clock = clock
        self._ttl_ms = int(ttl_s * 1000)
        self._pending: dict[str, PendingAction] = {}

    def open(self, kind: str, argument: str | None, chat_id: int) -> str:
        """Register an action and return its token."""
        now_ms = self._clock.now_ms()
        self._pending = {t: a for t, a in self._pending.items() if a.expires_ms > now_ms}
        token = secrets.token_hex(8)
        self._pending[token] = PendingAction(kind, argument, chat_id, now_ms + self._ttl_ms)
        return token

    def take(self, token: str, chat_id: int) -> PendingAction | None:
        """Remove and return the action if it is still valid for this chat, else None."""
        action = self._pending.get(token)
        if action is None or action.chat_id != chat_id:
            return None
        del self._pending[token]
        return action if action.expires_ms > self._clock.now_ms() else None

    def __len__(self) -> int:
        return len(self._pending)
