"""Faults on demand for the fake exchange: latency, errors, rate limits, lost answers, skew."""

from __future__ import annotations

import random

import attrs

from mexcore.errors import RetryLater
from mexcore.ports import Clock


@attrs.define
class Faults:
    """What should go wrong, changeable while running (rates are probabilities per call).

    `fail_next` / `lose_next_answers` make the next N calls / accepted orders fail for sure.
    """

    latency_s: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after_s: float = 2.0
    lost_answer_rate: float = 0.0
    clock_skew_ms: int = 0
    fail_next: int = 0
    lose_next_answers: int = 0
    seed: int = 1


class FaultInjector:
    """Apply `Faults` to calls, with seeded randomness (deterministic for a seed)."""

    def __init__(self, faults: Faults, clock: Clock) -> None:
        self.faults = faults
        self._clock = clock
        self._rng = random.Random(faults.seed)

    async def before_call(self, endpoint: str) -> None:
        """Wait the latency, then maybe raise RetryLater (an error or a 429)."""
        f = self.faults
        if f.latency_s > 0:
            await self._clock.sleep(f.latency_s)
        if f.fail_next > 0:
            f.fail_next -= 1
            raise RetryLater(f"{endpoint}: 503 Service Unavailable (injected)")
        if f.error_rate > 0 and self._rng.random() < f.error_rate:
            raise RetryLater(f"{endpoint}: 502 Bad Gateway (injected)")
        if f.rate_limit_rate > 0 and self._rng.random() < f.rate_limit_rate:
            raise RetryLater(f"{endpoint}: 429 Too Many Requests (injected)", f.retry_after_s)

    def answer_lost(self) -> bool:
        """Tell whether the answer to an accepted order should be lost."""
        f = self.faults
        if f.lose_next_answers > 0:
            f.lose_next_answers -= 1
            return True
        return f.lost_answer_rate > 0 and self._rng.random() < f.lost_answer_rate
