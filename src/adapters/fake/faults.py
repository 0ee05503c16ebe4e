"""Faults on demand for the fake exchange: latency, errors, rate limits, lost answers, skew,
and the interleavings of a live market (fills, post-only cancels, hidden orders, price moves).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

import attrs

from mexcore.errors import OrderNotFound, RetryLater
from mexcore.ports import Clock


@attrs.define
class Faults:
    """What should go wrong, changeable while running (rates are probabilities per call).

    `fail_next` / `lose_next_answers` make the next N calls / accepted orders fail for sure.
    The market's own moves between two calls, before a call is served:
    - `fill_rate` / `fill_next`: one resting order fills, part or all, at its limit price;
    - `price_move_rate` / `move_next`: the book and ticker of the call's symbol (a random one
      for calls without a symbol) shift by 1 … `price_move_ticks` ticks up or down, until the
      next move or the next completed minute; resting orders the shifted book crosses fill;
    - `post_only_cancel_rate`: a LIMIT_MAKER that would take is accepted and comes back
      CANCELED with nothing filled, instead of being rejected (-2010);
    - `lookups_fail_after_lost`: after a lost order answer, the next K `get_order` /
      `open_orders` calls fail: the lost order itself may answer -2013 (OrderNotFound, MEXC's
      moment right after creation), any other look-up RetryLater (a 503).
    """

    latency_s: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after_s: float = 2.0
    lost_answer_rate: float = 0.0
    clock_skew_ms: int = 0
    fail_next: int = 0
    lose_next_answers: int = 0
    fill_rate: float = 0.0
    fill_next: int = 0
    post_only_cancel_rate: float = 0.0
    lookups_fail_after_lost: int = 0
    price_move_rate: float = 0.0
    price_move_ticks: int = 3
    move_next: int = 0
    seed: int = 1


class FaultInjector:
    """Apply `Faults` to calls, with seeded randomness (deterministic for a seed)."""

    def __init__(self, faults: Faults, clock: Clock) -> None:
        self._faults = faults
        self._clock = clock
        self._rng = random.Random(faults.seed)
        self._failing_lookups = 0
        self._lost_cid = ""

    @property
    def faults(self) -> Faults:
        """The fault settings in force."""
        return self._faults

    @faults.setter
    def faults(self, value: Faults) -> None:
        # New settings: look-ups armed under the old ones no longer fail.
        self._faults, self._failing_lookups = value, 0

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

    def answer_lost(self, client_order_id: str = "") -> bool:
        """Tell whether the answer to an accepted order should be lost (arming the look-ups)."""
        f = self.faults
        lost = f.lose_next_answers > 0
        if lost:
            f.lose_next_answers -= 1
        else:
            lost = f.lost_answer_rate > 0 and self._rng.random() < f.lost_answer_rate
        if lost:
            self.note_lost(client_order_id)
        return lost

    def note_lost(self, client_order_id: str) -> None:
        """Arm the failing look-ups after the answer to `client_order_id` was lost."""
        if self.faults.lookups_fail_after_lost > 0:
            self._failing_lookups = self.faults.lookups_fail_after_lost
            self._lost_cid = client_order_id

    def before_lookup(self, endpoint: str, client_order_id: str = "") -> None:
        """Fail a look-up that follows a lost answer (-2013 for the lost order, else a 503)."""
        if self._failing_lookups <= 0:
            return
        self._failing_lookups -= 1
        if client_order_id and client_order_id == self._lost_cid and self._rng.random() < 0.5:
            raise OrderNotFound(f"Order does not exist. (-2013) {client_order_id} (injected)")
        raise RetryLater(f"{endpoint}: 503 Service Unavailable (injected)")

    def cancels_post_only(self) -> bool:
        """Tell whether a LIMIT_MAKER that would take is cancelled rather than rejected."""
        rate = self.faults.post_only_cancel_rate
        return rate > 0 and self._rng.random() < rate

    def fill_share(self, open_count: int) -> tuple[int, Decimal] | None:
        """Return which resting order fills now and the share of its remainder, or None."""
        f = self.faults
        if open_count == 0 or not self._fires("fill_next", f.fill_rate):
            return None
        index = self._rng.randrange(open_count)
        if self._rng.random() < 0.5:
            return index, Decimal(1)
        share = Decimal(self._rng.randrange(1, 100)) / 100
        return index, share.quantize(Decimal("0.01"), ROUND_DOWN)

    def price_move(self, symbols: Sequence[str], symbol: str | None) -> tuple[str, int] | None:
        """Return the symbol whose price moves now and by how many ticks, or None."""
        f = self.faults
        if not symbols or not self._fires("move_next", f.price_move_rate):
            return None
        chosen = symbol if symbol is not None else self._rng.choice(list(symbols))
        ticks = self._rng.randint(1, max(1, f.price_move_ticks))
        return chosen, ticks if self._rng.random() < 0.5 else -ticks

    def _fires(self, counter: str, rate: float) -> bool:
        left = getattr(self.faults, counter)
        if left > 0:
            setattr(self.faults, counter, left - 1)
            return True
        return rate > 0 and self._rng.random() < rate
