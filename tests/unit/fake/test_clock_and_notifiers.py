"""FakeClock, SystemClock, RecordingNotifier and ConsoleNotifier."""

from __future__ import annotations

import io

import pytest

from adapters.fake import ConsoleNotifier, FakeClock, RecordingNotifier, SystemClock
from mexcore.ports import Level


async def test_fake_clock_sleep_advances_time_without_waiting() -> None:
    clock = FakeClock(1_000)

    await clock.sleep(2.5)

    assert clock.now_ms() == 3_500


def test_fake_clock_refuses_to_go_back() -> None:
    clock = FakeClock(10_000)

    with pytest.raises(ValueError, match="back"):
        clock.advance_to(5_000)
    with pytest.raises(ValueError, match="back"):
        clock.advance(-1)


async def test_system_clock_reads_epoch_milliseconds() -> None:
    clock = SystemClock()

    await clock.sleep(0)

    assert clock.now_ms() > 1_700_000_000_000


async def test_recording_notifier_keeps_messages_and_pictures_in_order() -> None:
    notifier = RecordingNotifier()

    await notifier.send("buy", "bought 1 BTC")
    await notifier.send("pnl", "down 5 %", Level.ALERT)
    await notifier.send_picture("chart", b"\x89PNG", "week")

    assert notifier.texts() == ["bought 1 BTC", "down 5 %"]
    assert notifier.texts("pnl") == ["down 5 %"]
    assert notifier.messages[1].level is Level.ALERT
    assert [(p.topic, p.caption) for p in notifier.pictures] == [("chart", "week")]


async def test_console_notifier_prints_at_or_above_its_level() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(out, min_level=Level.ALERT)

    await notifier.send("buy", "quiet info")
    await notifier.send("risk", "stop", Level.ERROR)

    assert out.getvalue() == "[error] risk: stop\n"


async def test_quiet_console_notifier_prints_errors_only() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(out, quiet=True)

    await notifier.send("pnl", "alert", Level.ALERT)
    await notifier.send_picture("chart", b"png")

    assert out.getvalue() == ""


def test_console_notifier_wants_only_levels_it_would_print() -> None:
    alerts = ConsoleNotifier(io.StringIO(), min_level=Level.ALERT)
    quiet = ConsoleNotifier(io.StringIO(), quiet=True)

    assert [alerts.wants(level) for level in (Level.INFO, Level.ALERT, Level.ERROR)] == [
        False, True, True]
    assert [quiet.wants(level) for level in (Level.INFO, Level.ALERT, Level.ERROR)] == [
        False, False, True]
    assert RecordingNotifier().wants(Level.INFO)
