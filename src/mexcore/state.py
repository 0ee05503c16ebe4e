"""Typed runner state kept in the Store: cooldowns, pause flags, runner status, throttles, cursors.

Each helper owns one namespace of `Store.get_state` keys and writes its values as text or JSON,
so a restarted bot carries on where it stopped. Time is passed in (epoch ms); nothing here reads
a clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal
from typing import Any, TypeAlias

import attrs

from mexcore.errors import StopForHuman
from mexcore.ports import Store

JsonValue: TypeAlias = (
    bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
)


def duration_ms(seconds: int | Decimal) -> int:
    """Return a duration in whole milliseconds, rounded up (0.0015 s is 2 ms)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | Decimal):
        raise TypeError(f"a duration must be int or Decimal seconds, not {seconds!r}")
    return int((Decimal(seconds) * 1000).to_integral_value(rounding=ROUND_CEILING))


def _load(store: Store, key: str) -> Any:
    raw = store.get_state(key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as e:
        raise StopForHuman(f"runner state {key!r} is unreadable: {raw[:80]!r}") from e


def _save(store: Store, key: str, value: JsonValue) -> None:
    store.set_state(key, json.dumps(value, sort_keys=True, separators=(",", ":")))


def _load_int(store: Store, key: str) -> int | None:
    value = _load(store, key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise StopForHuman(f"runner state {key!r} should be a whole number, not {value!r}")


class Cursors:
    """Remember one JSON value per key, e.g. the time of the last fill imported per symbol."""

    def __init__(self, store: Store, namespace: str) -> None:
        self._store = store
        self._prefix = f"cursor.{namespace}."

    def get(self, key: str) -> JsonValue:
        """Return the value saved under `key`, or None."""
        value: JsonValue = _load(self._store, self._prefix + key)
        return value

    def get_int(self, key: str) -> int | None:
        """Return the whole number saved under `key`, or None."""
        return _load_int(self._store, self._prefix + key)

    def set(self, key: str, value: JsonValue) -> None:
        """Save `value` (anything JSON can hold) under `key`; None forgets it."""
        if value is None:
            self._store.set_state(self._prefix + key, None)
        else:
            _save(self._store, self._prefix + key, value)


class Cooldowns:
    """Remember until when each key (a runner, a symbol) must wait before acting again."""

    def __init__(self, store: Store, namespace: str = "cooldown") -> None:
        self._store = store
        self._prefix = f"{namespace}."

    def until_ms(self, key: str) -> int | None:
        """Return the time the cooldown of `key` ends, or None if there is none."""
        return _load_int(self._store, self._prefix + key)

    def ready(self, key: str, now_ms: int) -> bool:
        """Tell whether `key` may act at `now_ms` (no cooldown, or it has ended)."""
        until = self.until_ms(key)
        return until is None or now_ms >= until

    def remaining_ms(self, key: str, now_ms: int) -> int:
        """Return how long `key` must still wait (0 when ready)."""
        until = self.until_ms(key)
        return 0 if until is None else max(0, until - now_ms)

    def start(self, key: str, now_ms: int, seconds: int | Decimal) -> int:
        """Start a cooldown of `seconds` for `key` at `now_ms`; return when it ends."""
        until = now_ms + duration_ms(seconds)
        _save(self._store, self._prefix + key, until)
        return until

    def clear(self, key: str) -> None:
        """End the cooldown of `key` now."""
        self._store.set_state(self._prefix + key, None)


def _names(names: Iterable[str]) -> frozenset[str]:
    return frozenset(str(n) for n in names)


@attrs.frozen
class PauseState:
    """Which runners must not place new orders: all of them, or the named ones."""

    all: bool = False
    runners: frozenset[str] = attrs.field(default=frozenset(), converter=_names)

    def is_paused(self, runner: str) -> bool:
        """Tell whether `runner` is paused, globally or by name."""
        return self.all or runner in self.runners


class PauseFlags:
    """The global pause and the per-runner pauses, kept in one state value."""

    KEY = "pause"

    def __init__(self, store: Store) -> None:
        self._store = store

    def state(self) -> PauseState:
        """Return the pause flags as they are now."""
        value = _load(self._store, self.KEY) or {}
        return PauseState(bool(value.get("all", False)), value.get("runners", ()))

    def is_paused(self, runner: str) -> bool:
        """Tell whether `runner` must not place new orders (global pause or its own)."""
        return self.state().is_paused(runner)

    def pause(self, runner: str | None = None) -> PauseState:
        """Pause one runner, or all of them when `runner` is None."""
        now = self.state()
        if runner is None:
            return self._write(attrs.evolve(now, all=True))
        return self._write(attrs.evolve(now, runners=now.runners | {runner}))

    def resume(self, runner: str | None = None) -> PauseState:
        """Resume one runner, or everything (global and every runner) when `runner` is None.

        Resuming one runner while the global pause is on leaves it paused by the global pause.
        """
        if runner is None:
            return self._write(PauseState())
        now = self.state()
        return self._write(attrs.evolve(now, runners=now.runners - {runner}))

    def _write(self, state: PauseState) -> PauseState:
        runners: list[JsonValue] = [*sorted(state.runners)]
        _save(self._store, self.KEY, {"all": state.all, "runners": runners})
        return state


@attrs.frozen
class RunnerStatus:
    """What a runner did last: ticks, actions, when it ran, when it runs next, its last error."""

    runner: str
    ticks: int = 0
    actions: int = 0
    errors: int = 0
    last_tick_ms: int | None = None
    next_tick_ms: int | None = None
    last_error: str = ""
    last_error_ms: int | None = None


class RunnerStatuses:
    """Read and record each runner's status (for /status and for restarts)."""

    def __init__(self, store: Store, namespace: str = "runner") -> None:
        self._store = store
        self._prefix = f"{namespace}."

    def get(self, runner: str) -> RunnerStatus:
        """Return the status of `runner` (an empty one if it never ran)."""
        value = _load(self._store, self._prefix + runner)
        if value is None:
            return RunnerStatus(runner)
        try:
            return RunnerStatus(**{**value, "runner": runner})
        except TypeError as e:
            raise StopForHuman(f"runner state {self._prefix + runner!r} is unreadable") from e

    def put(self, status: RunnerStatus) -> None:
        """Save `status` as its runner's status."""
        _save(self._store, self._prefix + status.runner, attrs.asdict(status))

    def tick_done(
        self, runner: str, now_ms: int, next_tick_ms: int | None, actions: int = 0
    ) -> RunnerStatus:
        """Record a tick that ended well at `now_ms`, with the number of actions it took."""
        old = self.get(runner)
        new = attrs.evolve(
            old, ticks=old.ticks + 1, actions=old.actions + actions, last_tick_ms=now_ms,
            next_tick_ms=next_tick_ms,
        )
        self.put(new)
        return new

    def tick_failed(
        self, runner: str, now_ms: int, next_tick_ms: int | None, error: str
    ) -> RunnerStatus:
        """Record a tick that failed at `now_ms` with `error` (kept until the next failure)."""
        old = self.get(runner)
        new = attrs.evolve(
            old, ticks=old.ticks + 1, errors=old.errors + 1, last_tick_ms=now_ms,
            next_tick_ms=next_tick_ms, last_error=error, last_error_ms=now_ms,
        )
        self.put(new)
        return new


class Throttle:
    """Let at most one message per topic through in each interval (remembering the last send)."""

    def __init__(self, store: Store, namespace: str = "throttle") -> None:
        self._store = store
        self._prefix = f"{namespace}."

    def last_ms(self, topic: str) -> int | None:
        """Return when a message on `topic` last went through, or None."""
        return _load_int(self._store, self._prefix + topic)

    def next_ms(self, topic: str, min_interval_s: int | Decimal) -> int | None:
        """Return when the next message on `topic` may go out (None: it may go out now)."""
        last = self.last_ms(topic)
        return None if last is None else last + duration_ms(min_interval_s)

    def allow(self, topic: str, now_ms: int, min_interval_s: int | Decimal) -> bool:
        """Tell whether a message on `topic` may go out at `now_ms`; if so, remember it.

        A last send in the future (a clock set back, a reused simulated state) does not block.
        """
        last = self.last_ms(topic)
        if last is not None and last <= now_ms < last + duration_ms(min_interval_s):
            return False
        _save(self._store, self._prefix + topic, now_ms)
        return True
