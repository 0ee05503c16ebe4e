"""The period a simulated run replays: `sim` exactly its days, a backtest clipped to the data."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from adapters.fake.loader import DataError
from adapters.fake.sources import RunData
from mexcore.policies import BotConfig

DAY_MS = 86_400_000
WARM_UP_MS = DAY_MS  # indicators need ~25 h of 15m candles before the first scan


def utc(time_ms: int) -> str:
    """Return an epoch-ms time as `YYYY-MM-DD HH:MM` UTC."""
    return dt.datetime.fromtimestamp(time_ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M")


def covered(covers: tuple[int, int]) -> str:
    """Return `the data covers A → B UTC` for a span in epoch ms."""
    return f"the data covers {utc(covers[0])} → {utc(covers[1])} UTC"


def traded_symbols(config: BotConfig) -> tuple[str, ...]:
    """Return the symbols the enabled runners of `config` trade by name."""
    symbols: list[str] = []
    if config.balance_monitor.enabled or config.portfolio_rebalance.enabled:
        symbols += config.balance_monitor.targets
    if config.pnl_monitor.enabled:
        symbols += config.pnl_monitor.symbols
    if config.balancer_5050.enabled:
        symbols += [*config.balancer_5050.btc_eth_targets, *config.balancer_5050.alts]
    return tuple(dict.fromkeys(symbols))


def sim_period(covers: tuple[int, int], days: Decimal) -> tuple[int, int]:
    """Return the [start, end) `sim` replays: `days` after a warm-up of min(1 day, span / 4)."""
    if not days.is_finite() or days <= 0:
        raise DataError(f"--days {days}: the number of days must be more than 0")
    warm_up = min(WARM_UP_MS, (covers[1] - covers[0]) // 4)
    start, end = covers[0] + warm_up, covers[0] + warm_up + int(days * DAY_MS)
    if end > covers[1]:
        most = Decimal(covers[1] - start) / DAY_MS
        raise DataError(f"--days {days} (or [sim] days): {covered(covers)}; after "
                        f"{warm_up / DAY_MS:.2f} days of warm-up at most {most:.2f} days can be "
                        "simulated")
    return start, end


def asked_period(
    covers: tuple[int, int], from_ms: int | None, to_ms: int | None, days: Decimal | None
) -> tuple[int, int]:
    """Return the [start, end) that `--from`, `--to` and `--days` name, before any clipping."""
    if None not in (from_ms, to_ms, days):
        raise DataError("--from, --to and --days: give at most two of them")
    span = None if days is None else _days_ms(days)
    earliest = covers[0] + WARM_UP_MS
    if from_ms is not None:
        start = from_ms
    else:
        start = earliest if to_ms is None or span is None else to_ms - span
    end = to_ms if to_ms is not None else (covers[1] if span is None else start + span)
    if from_ms is not None and to_ms is not None and end <= start:
        raise DataError(f"the period {utc(start)} → {utc(end)} UTC is empty or reversed")
    return start, end


def backtest_period(
    covers: tuple[int, int], from_ms: int | None, to_ms: int | None, days: Decimal | None
) -> tuple[int, int]:
    """Return the [start, end) a backtest replays: the asked period clipped to the data.

    The data's first day warms the indicators up; a period with nothing after it is an error.
    """
    asked = asked_period(covers, from_ms, to_ms, days)
    earliest = covers[0] + WARM_UP_MS
    start, end = max(asked[0], earliest), min(asked[1], covers[1])
    if end <= start:
        raise DataError(f"nothing of the period {utc(asked[0])} → {utc(asked[1])} UTC can be "
                        f"replayed: {covered(covers)}, and the first day warms the indicators "
                        f"up, so a backtest can replay {utc(earliest)} → {utc(covers[1])}")
    return start, end


def clipped_note(asked: tuple[int, int], replayed: tuple[int, int]) -> str:
    """Return the one line telling that a backtest replays less than the period asked."""
    return (f"mexbot: asked for {utc(asked[0])} → {utc(asked[1])} UTC; replaying "
            f"{utc(replayed[0])} → {utc(replayed[1])} UTC, what the data can replay after its "
            "first day (the warm-up)")


def _days_ms(days: Decimal) -> int:
    if not days.is_finite() or days <= 0:
        raise DataError(f"--days {days}: the number of days must be more than 0")
    return int(days * DAY_MS)


def warn_ignored(data: RunData, where: object) -> None:
    """Print one warning listing the files of the data folder the loader did not understand."""
    if data.ignored_files:
        print(f"mexbot: warning: ignored {len(data.ignored_files)} files in {where} that are not "
              f"SYMBOL-1m.csv[.gz] of a known market: {', '.join(data.ignored_files)}",
              file=sys.stderr)
