"""The advisor beside the scanner (issue 20): a second opinion before a buy, explanations after.

`ScannerAdvice` asks the `SafeAdvisor` (mexcore.advising), when the user
opted in (`veto_buys`), whether to buy a candidate: only `skip` withholds that one buy, which is
journaled (`cursor.scanner.vetoes`, `cursor.scanner.veto_count`) and reported. No opinion buys
as without the advisor, or skips with `on_failure = "skip"`. The advisor never places, sizes or
cancels an order.
"""

from __future__ import annotations

from decimal import Decimal

from mexcore.advising import SafeAdvisor
from mexcore.advisor import Decision, VerdictKind
from mexcore.money import CENT, format_decimal, format_step
from mexcore.ports import Clock, Level, Notifier, Store
from mexcore.scoring import PairScore
from mexcore.state import Cursors, JsonValue
from mexcore.values import Order

__all__ = ["NO_OPINION_SKIP", "SafeAdvisor", "ScannerAdvice", "buy_decision", "veto_count"]
KEPT_VETOES = 20
NO_OPINION_SKIP = "no opinion from the advisor, and on_failure is skip"


def buy_decision(pair: PairScore, amount: Decimal, order: Order | None = None) -> Decision:
    """Return the facts of a scanner buy: score, multiplier, amount, indicators, the fill."""
    inputs: dict[str, Decimal | str | int] = {"score": pair.score, "multiplier": pair.multiplier,
                                              "planned_usdt": amount}
    snap = pair.snapshot
    if snap is not None:
        for name in ("close", "rsi", "macd_hist", "bb_position", "volume_ratio"):
            value = getattr(snap, name, None)
            if value is not None:
                inputs[name] = value
    if order is not None:
        inputs.update(executed_qty=order.executed_qty, spent_usdt=order.cumm_quote_qty)
        if order.avg_price is not None:
            inputs["avg_price"] = order.avg_price.quantize(Decimal("0.00000001"))
    return Decision("buy", pair.symbol, inputs, pair.reasons)


class ScannerAdvice:
    """What the scanner asks of the advisor: a veto before a buy, an explanation after one."""

    def __init__(self, advisor: SafeAdvisor | None, store: Store, notifier: Notifier,
                 clock: Clock) -> None:
        self._advisor, self._notifier, self._clock = advisor, notifier, clock
        self._cursors = Cursors(store, "scanner")

    @property
    def vetoing(self) -> bool:
        """Tell whether the user opted in to the advisor's veto (`veto_buys`)."""
        return self._advisor is not None and self._advisor.policy.veto_buys

    async def veto(self, pair: PairScore, amount: Decimal) -> str | None:
        """Return why the advisor withholds this buy (journaled and reported), or None: buy."""
        if self._advisor is None or not self.vetoing:
            return None
        verdict = await self._advisor.verdict(buy_decision(pair, amount))
        if verdict is None:
            if self._advisor.policy.on_failure != "skip":
                return None
            reason = NO_OPINION_SKIP
        elif verdict.kind is VerdictKind.SKIP:
            reason = verdict.reason
        else:
            return None
        await self._record(pair, amount, reason)
        return reason

    def explain_buy(self, pair: PairScore, amount: Decimal, order: Order) -> None:
        """Send the advisor's paragraph on this buy once it arrives (never waits for it)."""
        if self._advisor is None or not self._notifier.wants(Level.INFO):
            return
        topic = f"explain.buy.{pair.symbol}"

        async def deliver(text: str) -> None:
            await self._notifier.send(topic, f"Why {pair.symbol}: {text}", Level.INFO)

        self._advisor.explain_later(buy_decision(pair, amount, order), deliver)

    async def _record(self, pair: PairScore, amount: Decimal, reason: str) -> None:
        entry: JsonValue = {"time_ms": self._clock.now_ms(), "symbol": pair.symbol,
                            "score": pair.score, "planned_usdt": format_decimal(amount),
                            "reason": reason}
        kept = self._cursors.get("vetoes")
        vetoes = [*(kept if isinstance(kept, list) else []), entry][-KEPT_VETOES:]
        self._cursors.set("vetoes", vetoes)
        self._cursors.set("veto_count", veto_count(self._cursors) + 1)
        text = (f"SKIPPED BUY {pair.symbol} (score {pair.score}, planned "
                f"{format_step(amount, CENT)} USDT): "
                f"the advisor vetoed it: {reason}")
        await self._notifier.send(f"veto.{pair.symbol}", text, Level.ALERT)


def veto_count(cursors_or_store: Cursors | Store) -> int:
    """Return how many scanner buys the advisor has vetoed in this journal."""
    cursors = cursors_or_store if isinstance(cursors_or_store, Cursors) else Cursors(
        cursors_or_store, "scanner")
    return cursors.get_int("veto_count") or 0
