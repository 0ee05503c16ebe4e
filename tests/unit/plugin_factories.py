"""Factories for the `[[services]]` tests: a working service, and each way one can be wrong."""

from __future__ import annotations

from typing import Any

from mexcore import ServiceDeps


class Counter:
    """A service that counts its ticks and keeps the options it was made with."""

    def __init__(self, deps: ServiceDeps, options: dict[str, Any]) -> None:
        self.name = "counter"
        self.deps, self.options = deps, options
        self.ticks = 0

    async def tick(self) -> int:
        self.ticks += 1
        return 0


class Failing(Counter):
    """A service whose every tick raises."""

    async def tick(self) -> int:
        raise RuntimeError("the strategy broke")


def make_counter(deps: ServiceDeps, options: dict[str, Any]) -> Counter:
    return Counter(deps, options)


def make_failing(deps: ServiceDeps, options: dict[str, Any]) -> Failing:
    return Failing(deps, options)


def make_nothing(deps: ServiceDeps, options: dict[str, Any]) -> object:
    return object()


def make_sync_tick(deps: ServiceDeps, options: dict[str, Any]) -> object:
    class SyncTick:
        name = "sync"

        def tick(self) -> int:
            return 0

    return SyncTick()


def make_raising(deps: ServiceDeps, options: dict[str, Any]) -> Counter:
    raise ValueError(f"option 'symbol' is required, got {sorted(options)}")


NOT_CALLABLE = 42
