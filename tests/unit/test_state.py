"""Runner state over the Store: cooldowns, pause flags, runner status, throttles, cursors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.fake.store import InMemoryStore
from mexcore.errors import StopForHuman
from mexcore.state import (
    Cooldowns,
    Cursors,
    JsonValue,
    PauseFlags,
    PauseState,
    RunnerStatus,
    RunnerStatuses,
    Throttle,
    duration_ms,
)

RUNNERS = ("scanner", "balance_monitor", "pnl_monitor")
now_ms = st.integers(min_value=0, max_value=4_102_444_800_000)
seconds = st.integers(min_value=0, max_value=86_400) | st.decimals(
    min_value=0, max_value=86_400, places=3
)


def test_duration_ms_rounds_a_fraction_of_a_millisecond_up() -> None:
    assert duration_ms(Decimal("0.0015")) == 2
    assert duration_ms(300) == 300_000


def test_duration_ms_refuses_a_float() -> None:
    with pytest.raises(TypeError):
        duration_ms(1.5)  # type: ignore[arg-type]


def test_a_key_without_a_cooldown_is_ready() -> None:
    assert Cooldowns(InMemoryStore()).ready("balance_monitor", 0)


def test_a_cooldown_blocks_until_it_ends_exactly() -> None:
    cooldowns = Cooldowns(InMemoryStore())
    until = cooldowns.start("balance_monitor", 1_000, 300)
    assert until == 301_000
    assert not cooldowns.ready("balance_monitor", 300_999)
    assert cooldowns.remaining_ms("balance_monitor", 300_999) == 1
    assert cooldowns.ready("balance_monitor", 301_000)


@given(start=now_ms, length_s=seconds, offset_ms=st.integers(min_value=0, max_value=10**8))
def test_a_cooldown_is_ready_exactly_when_its_length_has_passed(
    start: int, length_s: int | Decimal, offset_ms: int
) -> None:
    cooldowns = Cooldowns(InMemoryStore())
    cooldowns.start("x", start, length_s)
    assert cooldowns.ready("x", start + offset_ms) == (offset_ms >= duration_ms(length_s))


def test_a_cooldown_survives_a_restart_and_stays_with_its_key() -> None:
    store = InMemoryStore()
    Cooldowns(store).start("balancer_5050", 0, 60)
    again = Cooldowns(store)
    assert not again.ready("balancer_5050", 59_999)
    assert again.ready("balance_monitor", 0)


def test_a_cleared_cooldown_is_ready_at_once() -> None:
    cooldowns = Cooldowns(InMemoryStore())
    cooldowns.start("x", 0, 60)
    cooldowns.clear("x")
    assert cooldowns.ready("x", 1)
    assert cooldowns.until_ms("x") is None


def test_an_unreadable_cooldown_stops_for_a_human() -> None:
    store = InMemoryStore()
    store.set_state("cooldown.x", "soon")
    with pytest.raises(StopForHuman, match=r"cooldown\.x"):
        Cooldowns(store).ready("x", 0)


def test_a_global_pause_pauses_every_runner() -> None:
    flags = PauseFlags(InMemoryStore())
    flags.pause()
    assert all(flags.is_paused(r) for r in RUNNERS)


def test_pausing_one_runner_leaves_the_others_running() -> None:
    flags = PauseFlags(InMemoryStore())
    flags.pause("scanner")
    assert flags.is_paused("scanner")
    assert not flags.is_paused("pnl_monitor")


def test_resuming_one_runner_under_a_global_pause_leaves_it_paused() -> None:
    flags = PauseFlags(InMemoryStore())
    flags.pause("scanner")
    flags.pause()
    assert flags.resume("scanner") == PauseState(all=True)
    assert flags.is_paused("scanner")


def test_resuming_all_clears_every_pause() -> None:
    store = InMemoryStore()
    PauseFlags(store).pause("scanner")
    PauseFlags(store).pause()
    PauseFlags(store).resume()
    assert not any(PauseFlags(store).is_paused(r) for r in RUNNERS)


pause_ops = st.lists(st.tuples(st.booleans(), st.none() | st.sampled_from(RUNNERS)), max_size=12)


@given(ops=pause_ops)
def test_pause_flags_follow_a_simple_model(ops: list[tuple[bool, str | None]]) -> None:
    store, paused_all, paused = InMemoryStore(), False, set[str]()
    for pause, runner in ops:
        if pause:
            PauseFlags(store).pause(runner)
            paused_all = paused_all or runner is None
            paused |= set() if runner is None else {runner}
        else:
            PauseFlags(store).resume(runner)
            paused_all = paused_all and runner is not None
            paused = set() if runner is None else paused - {runner}
    for runner in RUNNERS:
        assert PauseFlags(store).is_paused(runner) == (paused_all or runner in paused)


def test_a_runner_that_never_ran_has_an_empty_status() -> None:
    assert RunnerStatuses(InMemoryStore()).get("scanner") == RunnerStatus("scanner")


def test_runner_status_counts_ticks_actions_and_keeps_the_last_error() -> None:
    store = InMemoryStore()
    RunnerStatuses(store).tick_done("scanner", 1_000, 601_000, actions=1)
    RunnerStatuses(store).tick_failed("scanner", 601_000, 1_201_000, "RetryLater: 503")
    status = RunnerStatuses(store).tick_done("scanner", 1_201_000, 1_801_000, actions=2)
    assert status == RunnerStatus(
        "scanner", ticks=3, actions=3, errors=1, last_tick_ms=1_201_000, next_tick_ms=1_801_000,
        last_error="RetryLater: 503", last_error_ms=601_000,
    )
    assert RunnerStatuses(store).get("scanner") == status


def test_runner_statuses_are_kept_per_runner() -> None:
    statuses = RunnerStatuses(InMemoryStore())
    statuses.tick_done("scanner", 1, 2)
    assert statuses.get("pnl_monitor").ticks == 0


def test_an_unreadable_runner_status_stops_for_a_human() -> None:
    store = InMemoryStore()
    store.set_state("runner.scanner", '{"tics": 1}')
    with pytest.raises(StopForHuman):
        RunnerStatuses(store).get("scanner")


def test_a_throttle_lets_the_first_message_through_then_waits_the_interval() -> None:
    throttle = Throttle(InMemoryStore())
    assert throttle.allow("summary", 0, 600)
    assert not throttle.allow("summary", 599_999, 600)
    assert throttle.allow("pnl", 1, 600)
    assert throttle.allow("summary", 600_000, 600)
    assert throttle.last_ms("summary") == 600_000


def test_a_throttle_forgets_a_last_send_in_the_future() -> None:
    throttle = Throttle(InMemoryStore())
    throttle.allow("summary", 10_000_000, 600)
    assert throttle.allow("summary", 5_000, 600)


@given(
    steps=st.lists(st.integers(min_value=0, max_value=900_000), min_size=1, max_size=20),
    interval_s=seconds,
)
def test_throttled_messages_go_out_at_least_an_interval_apart(
    steps: list[int], interval_s: int | Decimal
) -> None:
    throttle, t, sent = Throttle(InMemoryStore()), 0, list[int]()
    for step in steps:
        t += step
        allowed = throttle.allow("summary", t, interval_s)
        assert allowed == (not sent or t - sent[-1] >= duration_ms(interval_s))
        if allowed:
            sent.append(t)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(value=json_values)
def test_a_cursor_value_comes_back_as_it_was_saved(value: JsonValue) -> None:
    cursors = Cursors(InMemoryStore(), "fills")
    cursors.set("BTCUSDC", value)
    assert cursors.get("BTCUSDC") == value


def test_an_int_cursor_is_read_as_an_int_and_forgotten_with_none() -> None:
    store = InMemoryStore()
    Cursors(store, "fills").set("BTCUSDC", 1_700_000_000_000)
    assert Cursors(store, "fills").get_int("BTCUSDC") == 1_700_000_000_000
    assert Cursors(store, "orders").get_int("BTCUSDC") is None
    Cursors(store, "fills").set("BTCUSDC", None)
    assert Cursors(store, "fills").get_int("BTCUSDC") is None


def test_a_cursor_that_is_not_a_whole_number_stops_for_a_human() -> None:
    store = InMemoryStore()
    Cursors(store, "fills").set("BTCUSDC", "yesterday")
    with pytest.raises(StopForHuman):
        Cursors(store, "fills").get_int("BTCUSDC")
