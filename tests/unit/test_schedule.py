"""run_simulated: loops tick in time order; quiet promises skip ticks; verify catches liars."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from decimal import Decimal

import pytest

from adapters.fake import FakeClock, RecordingNotifier
from mexcore.errors import TradingPaused
from mexcore.quiet import Quiet
from runners.loop import RunnerLoop
from runners.schedule import BrokenPromise, run_simulated

D = Decimal
MINUTE = 60_000
END = 5 * MINUTE

Behaviour = Callable[[int], tuple[int, Quiet | None]]
"""What a fake service does at a time: the actions it reports and the promise it leaves."""


class FakeWatch:
    """A market watch the test moves by hand: an account version and last prices."""

    def __init__(self) -> None:
        self.version = 0
        self.prices: dict[str, Decimal] = {}
        self.free: dict[str, Decimal] = {}

    def account_version(self) -> Hashable:
        return self.version

    def may_have_reached(self, symbol: str, level: Decimal) -> bool:
        return self.prices.get(symbol, D(0)) >= level

    def free_balance(self, asset: str) -> Decimal:
        return self.free.get(asset, D(0))


class FakeService:
    """A service that records when it ran and behaves as scripted (a raise is re-raised)."""

    def __init__(self, name: str, clock: FakeClock, behaviour: Behaviour,
                 log: list[tuple[int, str]] | None = None) -> None:
        self.name, self._clock, self._behaviour = name, clock, behaviour
        self.quiet: Quiet | None = None
        self.ran: list[int] = []
        self._log = log if log is not None else []

    async def tick(self) -> int:
        now = self._clock.now_ms()
        self.ran.append(now)
        self._log.append((now, self.name))
        actions, self.quiet = self._behaviour(now)
        return actions


def always(actions: int = 0, quiet: Quiet | None = None) -> Behaviour:
    return lambda now: (actions, quiet)


def bump_at(watch: FakeWatch, time_ms: int) -> Behaviour:
    """Bump the account version on the tick at `time_ms` (like an order that fills)."""

    def behave(now: int) -> tuple[int, Quiet | None]:
        if now == time_ms:
            watch.version += 1
        return 0, None

    return behave


def simulate(
    services: Sequence[FakeService], clock: FakeClock, watch: FakeWatch | None = None,
    verify: bool = False, on_time: Callable[[int], Awaitable[None]] | None = None,
    intervals_s: Sequence[int] | None = None,
) -> None:
    intervals = intervals_s or [60] * len(services)
    loops = [RunnerLoop(s, i, clock, RecordingNotifier()) for s, i in zip(services, intervals,
                                                                         strict=True)]
    asyncio.run(run_simulated(loops, clock, END, on_time, watch=watch, verify=verify))


def minutes(*values: float) -> list[int]:
    return [int(v * MINUTE) for v in values]


def test_without_a_watch_every_loop_ticks_at_every_interval_even_when_quiet() -> None:
    clock = FakeClock()
    quiet = FakeService("quiet", clock, always(quiet=Quiet()))
    busy = FakeService("busy", clock, always(1))
    slow = FakeService("slow", clock, always())

    simulate([quiet, busy, slow], clock, intervals_s=[60, 60, 90])

    assert quiet.ran == busy.ran == minutes(0, 1, 2, 3, 4)
    assert slow.ran == minutes(0, 1.5, 3, 4.5)
    assert clock.now_ms() == END


def test_a_quiet_loop_sleeps_until_the_account_changes_then_ticks_at_its_next_grid_time() -> None:
    clock, watch = FakeClock(), FakeWatch()
    sleeper = FakeService("sleeper", clock, always(quiet=Quiet()))
    bumper = FakeService("bumper", clock, bump_at(watch, 100_000))

    simulate([sleeper, bumper], clock, watch, intervals_s=[60, 50])

    assert sleeper.ran == minutes(0, 2)  # 1 min skipped; version moved at 1:40; asleep again
    assert bumper.ran == [0, 50_000, 100_000, 150_000, 200_000, 250_000]


@pytest.mark.parametrize(("until_ms", "expected"), [
    (150_000, minutes(0, 3, 4)),  # between grid times: the first grid time after it
    (120_000, minutes(0, 2, 3, 4)),  # on a grid time: that one
    (1, minutes(0, 1, 2, 3, 4)),  # already past at the next tick: no tick is skipped
])
def test_a_promise_until_a_time_wakes_at_the_first_grid_time_at_or_after_it(
    until_ms: int, expected: list[int]
) -> None:
    clock = FakeClock()
    service = FakeService("timer", clock, lambda now: (0, Quiet(until_ms) if now == 0 else None))

    simulate([service], clock, FakeWatch())

    assert service.ran == expected


def test_a_promise_on_a_price_wakes_when_the_price_reaches_the_level() -> None:
    clock, watch = FakeClock(), FakeWatch()
    path = {0: D(90), MINUTE: D("99.99"), 2 * MINUTE: D(50), 3 * MINUTE: D(100), 4 * MINUTE: D(99)}
    watch.prices = {"BTCUSDT": path[0], "ETHUSDT": D(10**6)}  # ETH is not promised on
    service = FakeService("pnl", clock, always(quiet=Quiet(rises_to={"BTCUSDT": D(100)})))

    async def move_prices(now: int) -> None:
        watch.prices["BTCUSDT"] = path.get(now, D(0))

    simulate([service], clock, watch, on_time=move_prices)

    assert service.ran == minutes(0, 3)  # 3:00 reaches 100 exactly; 4:00 is below it again


def test_ties_go_to_the_loop_listed_first_with_and_without_skipping() -> None:
    clock, watch, log = FakeClock(), FakeWatch(), []
    names = ("c", "a", "b")
    behaviours = {"c": always(), "a": always(quiet=Quiet(until_ms=2 * MINUTE)), "b": always(1)}
    services = [FakeService(n, clock, behaviours[n], log) for n in names]

    simulate(services, clock, watch)

    woken = [name for time_ms, name in log if time_ms == 2 * MINUTE]
    assert woken == ["c", "a", "b"]
    assert [name for time_ms, name in log if time_ms == 0] == ["c", "a", "b"]
    assert [name for time_ms, name in log if time_ms == MINUTE] == ["c", "b"]


def acts_after_promising(way: str, watch: FakeWatch) -> Behaviour:
    """Promise quiet at the start, then break the promise one way on every later tick."""

    def behave(now: int) -> tuple[int, Quiet | None]:
        if now == 0:
            return 0, Quiet()
        if way == "error":
            raise RuntimeError("boom")
        if way == "account":
            watch.version += 1
            return 0, Quiet()
        return 1, Quiet()

    return behave


@pytest.mark.parametrize("way", ["actions", "error", "account"])
def test_verify_raises_broken_promise_naming_the_runner_that_acted_while_quiet(
    way: str,
) -> None:
    clock, watch = FakeClock(), FakeWatch()
    honest = FakeService("honest", clock, always(quiet=Quiet()))
    liar = FakeService("liar", clock, acts_after_promising(way, watch))

    with pytest.raises(BrokenPromise, match=r"^liar promised Quiet\(") as raised:
        simulate([honest, liar], clock, watch, verify=True)

    assert f"tick at {MINUTE} " in str(raised.value)
    assert liar.ran == minutes(0, 1)
    assert honest.ran == minutes(0, 1)


def test_without_verify_the_same_liar_is_simply_skipped() -> None:
    clock, watch = FakeClock(), FakeWatch()
    liar = FakeService("liar", clock, acts_after_promising("actions", watch))

    simulate([liar], clock, watch)

    assert liar.ran == [0]


def honest_script(watch: FakeWatch, clock: FakeClock) -> list[FakeService]:
    """Services whose promises hold: a timer, a price watcher, an account watcher, a bumper."""
    seen = [watch.version]

    def timer(now: int) -> tuple[int, Quiet | None]:
        due = now % (3 * MINUTE) == 0  # acts every third minute, promises quiet till then
        return int(due), Quiet(until_ms=now - now % (3 * MINUTE) + 3 * MINUTE)

    def pricer(now: int) -> tuple[int, Quiet | None]:
        reached = watch.prices.get("BTCUSDT", D(0)) >= 100
        return int(reached), Quiet(rises_to={"BTCUSDT": D(100)})

    def spender(now: int) -> tuple[int, Quiet | None]:
        moved, seen[0] = watch.version != seen[0], watch.version  # acts once per change
        return int(moved), Quiet()

    return [FakeService("timer", clock, timer), FakeService("pricer", clock, pricer),
            FakeService("spender", clock, spender),
            FakeService("bumper", clock, bump_at(watch, 150_000))]


@pytest.mark.parametrize(("skip", "verify"), [(False, False), (True, True), (True, False)])
def test_honest_promises_pass_verification_and_keep_every_action(
    skip: bool, verify: bool
) -> None:
    clock, watch = FakeClock(), FakeWatch()
    services = honest_script(watch, clock)

    async def move_prices(now: int) -> None:
        watch.prices["BTCUSDT"] = D(100) if now == 210_000 else D(99)

    simulate(services, clock, watch if skip else None, verify, move_prices, [60, 30, 60, 30])

    every_30s = list(range(0, END, 30_000))
    timer, pricer, spender, bumper = (s.ran for s in services)
    if skip and not verify:  # skipped: only the ticks that could act (or were woken) ran
        assert (timer, pricer, spender) == (minutes(0, 3), [0, 180_000, 210_000], minutes(0, 3))
    else:
        assert (timer, pricer, spender) == (minutes(0, 1, 2, 3, 4), every_30s,
                                            minutes(0, 1, 2, 3, 4))
    assert bumper == every_30s


@pytest.mark.parametrize("failure", [RuntimeError("boom"), TradingPaused("paused")])
def test_a_tick_that_raises_drops_its_old_promise_and_ticks_again_next_interval(
    failure: Exception,
) -> None:
    clock, watch = FakeClock(), FakeWatch()

    def behave(now: int) -> tuple[int, Quiet | None]:
        if now == 2 * MINUTE:
            raise failure  # service.quiet still holds the promise of its last tick
        return 0, Quiet()

    service = FakeService("flaky", clock, behave)
    bumper = FakeService("bumper", clock, bump_at(watch, 100_000))

    simulate([service, bumper], clock, watch, intervals_s=[60, 50])

    assert service.ran == minutes(0, 2, 3)  # woken at 2:00, failed, ticked at 3:00, asleep


def test_verify_holds_a_runner_to_the_promise_that_skipping_keeps() -> None:
    clock, watch = FakeClock(), FakeWatch()

    def behave(now: int) -> tuple[int, Quiet | None]:
        if now == 0:
            return 0, Quiet(until_ms=4 * MINUTE)  # skipping sleeps through 1:00 to 3:00
        if now == MINUTE:
            return 0, Quiet(until_ms=2 * MINUTE)  # a shorter promise: skipping never sees it
        return int(now == 2 * MINUTE), None

    service = FakeService("narrowing", clock, behave)

    with pytest.raises(BrokenPromise, match=f"^narrowing promised .* tick at {2 * MINUTE} "):
        simulate([service], clock, watch, verify=True)


def test_verify_also_holds_a_runner_to_the_promise_of_its_last_verified_tick() -> None:
    clock, watch = FakeClock(), FakeWatch()

    def behave(now: int) -> tuple[int, Quiet | None]:
        if now == 0:
            return 0, Quiet(until_ms=2 * MINUTE)
        if now == MINUTE:
            return 0, Quiet(until_ms=4 * MINUTE)  # a lie: it acts at 2:00
        return int(now == 2 * MINUTE), None

    service = FakeService("widening", clock, behave)

    with pytest.raises(BrokenPromise, match=f"^widening promised .* tick at {2 * MINUTE} "):
        simulate([service], clock, watch, verify=True)


def test_a_promise_on_funds_sleeps_through_account_changes_until_the_balance_is_free() -> None:
    clock, watch = FakeClock(), FakeWatch()
    sleeper = FakeService("scanner", clock, always(quiet=Quiet(funds={"USDT": D(6)})))
    bumper = FakeService("bumper", clock, bump_at(watch, MINUTE))

    async def deposit(now: int) -> None:
        watch.free["USDT"] = D("5.99") if now < 3 * MINUTE else D(6)

    simulate([sleeper, bumper], clock, watch, on_time=deposit)

    assert sleeper.ran == minutes(0, 3, 4)  # 1:00 changes the account: no wake; 6 USDT: awake


def test_verifying_a_funds_promise_tolerates_other_loops_changing_the_account() -> None:
    clock, watch = FakeClock(), FakeWatch()
    honest = FakeService("scanner", clock, always(quiet=Quiet(funds={"USDT": D(6)})))
    simulate([honest, FakeService("bumper", clock, bump_at(watch, MINUTE))], clock, watch,
             verify=True)
    clock, watch = FakeClock(), FakeWatch()
    liar = FakeService("liar", clock, lambda now: (int(now == 2 * MINUTE),
                                                   Quiet(funds={"USDT": D(6)})))

    with pytest.raises(BrokenPromise, match="liar"):
        simulate([liar, FakeService("bumper", clock, bump_at(watch, MINUTE))], clock, watch,
                 verify=True)

    assert honest.ran == minutes(0, 1, 2, 3, 4)
