"""RunnerLoop.run_forever with a live watch: a quiet runner sleeps until an event breaks it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from decimal import Decimal

from adapters.fake import RecordingNotifier
from mexcore.quiet import Quiet
from runners.loop import RunnerLoop

D = Decimal
MINUTE = 60_000


class ManualClock:
    """A clock whose sleepers wake only when the test moves it forward."""

    def __init__(self) -> None:
        self.now = 0
        self._sleepers: list[tuple[int, asyncio.Future[None]]] = []

    def now_ms(self) -> int:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + round(seconds * 1000), future))
        await future

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * 1000)
        for due, future in self._sleepers:
            if due <= self.now and not future.done():
                future.set_result(None)


class LiveWatch:
    """A live watch the test moves by hand, calling its listeners like a stream push."""

    def __init__(self) -> None:
        self.version = 0
        self.prices: dict[str, Decimal] = {}
        self.free: dict[str, Decimal] = {}
        self.listeners: list[Callable[[], None]] = []
        self.blind = False  # no account stream: free balances cannot be told

    def account_version(self) -> Hashable:
        return self.version

    def may_have_reached(self, symbol: str, level: Decimal) -> bool:
        return self.prices.get(symbol, D(0)) >= level

    def free_balance(self, asset: str) -> Decimal:
        if self.blind:
            raise LookupError(f"no account stream for {asset}")
        return self.free.get(asset, D(0))

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]:
        self.listeners.append(callback)
        return lambda: self.listeners.remove(callback)

    def push(self) -> None:
        for listener in list(self.listeners):
            listener()


class Service:
    """A service that records when it ran and leaves the promise it is given."""

    name = "pnl"

    def __init__(self, clock: ManualClock, quiet: Quiet | None) -> None:
        self._clock = clock
        self.quiet = quiet
        self.ran: list[int] = []

    async def tick(self) -> int:
        self.ran.append(self._clock.now_ms())
        return 0


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def running(clock: ManualClock, service: Service, watch: LiveWatch | None,
                  script: Callable[[], Awaitable[None]]) -> None:
    loop = RunnerLoop(service, 60, clock, RecordingNotifier())
    stop = asyncio.Event()
    task = asyncio.ensure_future(loop.run_forever(stop, watch=watch, wake_delay_s=0))
    await settle()
    await script()
    stop.set()
    await asyncio.wait_for(task, 1)


async def test_a_quiet_runner_ticks_again_at_once_when_a_push_reaches_its_price_level() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet(rises_to={"BTCUSDT": D(100)}))

    async def script() -> None:
        clock.advance(5)
        watch.prices["BTCUSDT"] = D(100)
        watch.push()
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, 5000]


async def test_a_push_that_keeps_the_promise_leaves_the_runner_asleep_until_its_interval() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet(rises_to={"BTCUSDT": D(100)}))

    async def script() -> None:
        watch.prices["BTCUSDT"] = D("99.99")
        watch.push()
        await settle()
        assert service.ran == [0]
        clock.advance(60)
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, MINUTE]


async def test_an_account_change_wakes_a_promise_on_the_whole_account() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet())

    async def script() -> None:
        clock.advance(1)
        watch.version += 1
        watch.push()
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, 1000]


async def test_a_promise_on_funds_wakes_only_when_the_free_balance_reaches_the_amount() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet(funds={"USDT": D(6)}))

    async def script() -> None:
        watch.version, watch.free["USDT"] = 1, D("5.99")
        watch.push()
        await settle()
        clock.advance(2)
        watch.free["USDT"] = D(6)
        watch.push()
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, 2000]


async def test_a_watch_that_cannot_tell_free_balances_leaves_a_funds_promise_to_the_interval(
) -> None:
    clock, watch = ManualClock(), LiveWatch()
    watch.blind = True
    service = Service(clock, Quiet(funds={"USDT": D(6)}))

    async def script() -> None:
        watch.push()
        await settle()
        assert service.ran == [0]
        clock.advance(60)
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, MINUTE]


async def test_a_promise_until_a_time_before_the_interval_wakes_the_runner_then() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet(until_ms=20_000))

    async def script() -> None:
        clock.advance(20)
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, 20_000]


async def test_a_runner_without_a_promise_ignores_pushes_and_keeps_its_interval() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, None)

    async def script() -> None:
        watch.version += 1
        watch.push()
        await settle()
        clock.advance(60)
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, MINUTE]


async def test_the_loop_unsubscribes_from_the_watch_when_it_stops() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet(rises_to={"BTCUSDT": D(100)}))

    async def script() -> None:
        assert len(watch.listeners) == 1

    await running(clock, service, watch, script)

    assert watch.listeners == []


async def test_a_promise_broken_again_right_after_a_wake_waits_for_the_next_real_change() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet(rises_to={"BTCUSDT": D(100)}))  # it never stops promising

    async def script() -> None:
        watch.prices["BTCUSDT"] = D(100)
        watch.push()
        await settle()
        watch.push()  # still at the level: no news
        await settle()
        assert service.ran == [0, 0]
        watch.prices["BTCUSDT"] = D(99)
        watch.push()
        clock.advance(3)
        watch.prices["BTCUSDT"] = D(101)
        watch.push()
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, 0, 3000]


async def test_a_watch_that_says_infinite_funds_when_it_cannot_tell_adds_no_extra_ticks() -> None:
    clock, watch = ManualClock(), LiveWatch()
    watch.free["USDT"] = D("Infinity")  # a stale account stream (StreamWatch's answer)
    service = Service(clock, Quiet(funds={"USDT": D(6)}))

    async def script() -> None:
        watch.push()
        await settle()
        clock.advance(60)
        await settle()
        watch.push()
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, MINUTE]


async def test_an_account_change_while_the_tick_ran_wakes_the_runner_at_once() -> None:
    clock, watch = ManualClock(), LiveWatch()
    service = Service(clock, Quiet())
    original = service.tick

    async def tick_and_fill() -> int:
        actions = await original()
        if len(service.ran) == 1:
            watch.version += 1  # a fill pushed while the first tick ran
        return actions

    service.tick = tick_and_fill  # type: ignore[method-assign]

    async def script() -> None:
        await settle()

    await running(clock, service, watch, script)

    assert service.ran == [0, 0]
