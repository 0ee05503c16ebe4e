"""The sim console: each line stamped with the simulated time, periodic reports digested."""

from __future__ import annotations

import io

from adapters.fake import FakeClock
from mexcore.ports import Level
from runners.sim_console import DAY_MS, SimConsole, sim_stamp

START = 1_682_035_200_000  # 2023-04-21 00:00 UTC
MINUTE = 60_000


def _console(**options: bool) -> tuple[SimConsole, FakeClock, io.StringIO]:
    clock, out = FakeClock(START), io.StringIO()
    return SimConsole(clock.now_ms, out, **options), clock, out


def test_a_stamp_is_the_simulated_time_in_utc_to_the_minute() -> None:
    assert sim_stamp(START + 13 * 60 * MINUTE + 5 * MINUTE + 59_000) == "2023-04-21 13:05"


async def test_every_line_of_a_message_carries_the_simulated_time() -> None:
    console, clock, out = _console()
    clock.advance_to(START + 90 * MINUTE)

    await console.send("balance.buy", "placed 2 buys\n  BTCUSDC: 0.001\n  ETHUSDC: 0.01",
                       Level.ALERT)

    assert out.getvalue().splitlines() == [
        "2023-04-21 01:30 [alert] balance.buy: placed 2 buys",
        "2023-04-21 01:30   BTCUSDC: 0.001",
        "2023-04-21 01:30   ETHUSDC: 0.01",
    ]


async def test_a_periodic_report_is_shown_once_a_simulated_day_per_topic() -> None:
    console, clock, out = _console()
    for minute in range(0, 2 * 24 * 60, 10):
        clock.advance_to(START + minute * MINUTE)
        await console.send("pnl.summary", f"value at {minute}")
        await console.send("orders", f"orders at {minute}")

    reports = [line for line in out.getvalue().splitlines() if "[info]" in line]
    assert reports == [
        "2023-04-21 00:00 [info] pnl.summary: value at 0",
        "2023-04-21 00:00 [info] orders: orders at 0",
        "2023-04-22 00:00 [info] pnl.summary: value at 1440",
        "2023-04-22 00:00 [info] orders: orders at 1440",
    ]
    notes = [line for line in out.getvalue().splitlines() if "[note]" in line]
    assert len(notes) == 1
    assert "--verbose" in notes[0]


async def test_alerts_and_errors_are_never_digested() -> None:
    console, _, out = _console()

    for _ in range(3):
        await console.send("sale.BTCUSDC", "sold", Level.ALERT)
        await console.send("error.scanner", "failed", Level.ERROR)

    assert len(out.getvalue().splitlines()) == 6


async def test_verbose_shows_every_periodic_report() -> None:
    console, clock, out = _console(verbose=True)
    for minute in range(0, 60, 10):
        clock.advance_to(START + minute * MINUTE)
        await console.send("pnl.summary", "value")

    assert len(out.getvalue().splitlines()) == 6


async def test_quiet_shows_only_errors() -> None:
    console, _, out = _console(quiet=True)

    await console.send("pnl.summary", "value")
    await console.send("sale.BTCUSDC", "sold", Level.ALERT)
    await console.send("error.scanner", "failed", Level.ERROR)

    assert out.getvalue().splitlines() == ["2023-04-21 00:00 [error] error.scanner: failed"]
    assert not console.wants(Level.ALERT)
    assert console.wants(Level.ERROR)


async def test_a_new_day_starts_at_midnight_utc() -> None:
    console, clock, out = _console()
    clock.advance_to(START + DAY_MS - MINUTE)
    await console.send("pnl.summary", "late")
    clock.advance_to(START + DAY_MS)
    await console.send("pnl.summary", "next day")

    assert [line.split(": ")[-1] for line in out.getvalue().splitlines()] == ["late", "next day"]
