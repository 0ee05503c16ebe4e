"""What each dashboard page shows, read from a ControlPanel: plain values for the templates."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from mexcore.money import CENT, ZERO, format_decimal, format_step
from mexcore.panel import ControlPanel, VsHolding
from mexcore.values import PortfolioSnapshot

DAY_MS = 86_400_000
LOG_LINES = 200
LOG_TAIL_BYTES = 256 * 1024
Origins = Callable[[], Mapping[str, tuple[str, str]]]  # client order id → (runner, reason)


@attrs.frozen
class BotTime:
    """The bot's clock (simulated in sim) and how to write its times."""

    now_ms: Callable[[], int]
    simulated: bool = False

    def text(self, time_ms: int | None) -> str:
        """Render epoch ms as `2026-12-03 13:14:05 UTC`, "simulated" added in sim."""
        if time_ms is None:
            return "never"
        stamp = datetime.fromtimestamp(time_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{stamp} (simulated)" if self.simulated else stamp

    def relative(self, time_ms: int | None) -> str:
        """Say `12 s ago` or `in 48 s` on the bot's clock ("" for None)."""
        if time_ms is None:
            return ""
        seconds = (time_ms - self.now_ms()) // 1000
        return f"in {_span(seconds)}" if seconds > 0 else f"{_span(-seconds)} ago"


def _span(seconds: int) -> str:
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def cents(value: Decimal) -> str:
    """Write an amount to the cent, with a sign for gains: `+1.25`, `-0.37`."""
    text = format_step(value, CENT)
    return f"+{text}" if value > ZERO else text


def percent(fraction: Decimal | None) -> str:
    """Write a fraction as a percentage to 0.1 % ("—" for None)."""
    return "—" if fraction is None else f"{format_step(fraction * 100, Decimal('0.1'))} %"


async def overview(panel: ControlPanel, time: BotTime) -> dict[str, Any]:
    """Return the value, today's and total PnL, the allocation and the value chart."""
    portfolio, pnl = await panel.portfolio(), await panel.pnl()
    snapshots = list(await panel.portfolio_snapshots())
    today = today_change(snapshots, portfolio.total_usdt, time.now_ms())
    holdings = [{"asset": h.asset, "value": cents(h.value_usdt).lstrip("+"),
                 "weight": percent(h.weight), "target": percent(h.target_weight),
                 "bar": format_step(h.weight * 100, Decimal("0.1"))}
                for h in portfolio.holdings]
    return {"total": format_step(portfolio.total_usdt, CENT),
            "today": None if today is None else cents(today),
            "realised": cents(pnl.total_realised), "unrealised": cents(pnl.total_unrealised),
            "total_pnl": cents(pnl.total_realised + pnl.total_unrealised),
            "holdings": holdings, "vs": vs_rows(portfolio.vs_holding, portfolio.total_usdt),
            "chart": _dated(value_chart(snapshots), time),
            "now": time.text(time.now_ms()), "version": await panel.version()}


def vs_rows(vs: VsHolding | None, now_value: Decimal) -> list[dict[str, str]]:
    """Return the bot, holding the start and buying the targets: value now and return."""
    if vs is None:
        return []
    rows = [("bot", now_value), ("hold the start balances", vs.hold_now)]
    if vs.targets_now is not None:
        rows.append((vs.targets_label, vs.targets_now))
    return [{"label": label, "value": format_step(value, CENT),
             "return": _signed(percent(vs.change(value)))} for label, value in rows]


def _signed(text: str) -> str:
    return text if text.startswith(("-", "—")) or text.startswith("0.0 ") else f"+{text}"


def _dated(chart: dict[str, Any] | None, time: BotTime) -> dict[str, Any] | None:
    if chart is not None:
        chart.update(since=time.text(chart["first"]), until=time.text(chart["last"]))
    return chart


def today_change(snapshots: Sequence[PortfolioSnapshot], now_value: Decimal,
                 now_ms: int) -> Decimal | None:
    """Return the value now minus the value at 00:00 UTC today (the last snapshot before it).

    Without a snapshot before midnight, the first of today is the start; None with none.
    """
    midnight = now_ms - now_ms % DAY_MS
    before = [s for s in snapshots if s.time_ms <= midnight]
    start = before[-1] if before else next((s for s in snapshots if s.time_ms <= now_ms), None)
    return None if start is None else now_value - start.total_value


def value_chart(snapshots: Sequence[PortfolioSnapshot], width: int = 720,
                height: int = 200) -> dict[str, Any] | None:
    """Return an SVG polyline of the total value over time, with its extremes (None: < 2)."""
    if len(snapshots) < 2:
        return None
    values = [s.total_value for s in snapshots]
    low, high = min(values), max(values)
    spread = (high - low) or Decimal(1)
    t0, t1 = snapshots[0].time_ms, snapshots[-1].time_ms
    span = Decimal(max(t1 - t0, 1))
    points = " ".join(
        f"{format_step(Decimal(s.time_ms - t0) / span * width, Decimal('0.1'))},"
        f"{format_step(height - (s.total_value - low) / spread * height, Decimal('0.1'))}"
        for s in snapshots)
    return {"points": points, "width": width, "height": height,
            "low": format_step(low, CENT), "high": format_step(high, CENT),
            "first": snapshots[0].time_ms, "last": t1, "count": len(snapshots)}


async def runners(panel: ControlPanel, time: BotTime) -> dict[str, Any]:
    """Return every runner: paused or running, last and next tick, last error."""
    rows = [{"name": s.name, "paused": s.paused,
             "last": time.text(s.last_tick_ms), "last_ago": time.relative(s.last_tick_ms),
             "next": time.text(s.next_tick_ms), "next_in": time.relative(s.next_tick_ms),
             "error": s.last_error or ""}
            for s in await panel.statuses()]
    return {"runners": rows, "now": time.text(time.now_ms())}


async def positions(panel: ControlPanel, time: BotTime) -> dict[str, Any]:
    """Return each position (quantity, average cost, PnL) and the sellable holdings."""
    pnl, portfolio = await panel.pnl(), await panel.portfolio()
    rows = [{"asset": a.asset, "quantity": format_decimal(a.quantity),
             "average_cost": format_decimal(a.average_cost),
             "unrealised": cents(a.unrealised), "realised": cents(a.realised)}
            for a in pnl.assets]
    sellable = [h.asset for h in portfolio.holdings
                if h.free > ZERO and h.asset not in ("USDT", "USDC")]
    return {"positions": rows, "sellable": sellable, "now": time.text(time.now_ms()),
            "realised": cents(pnl.total_realised), "unrealised": cents(pnl.total_unrealised)}


async def orders(panel: ControlPanel, time: BotTime, origins: Origins) -> dict[str, Any]:
    """Return the open orders and the recent fills (newest first) with runner and reason."""
    view, known = await panel.orders(), origins()
    open_rows = [{"symbol": o.symbol, "side": o.side.value, "type": o.type.value,
                  "price": "market" if o.price is None else format_decimal(o.price),
                  "qty": format_decimal(o.orig_qty), "filled": format_decimal(o.executed_qty),
                  "time": time.text(o.time_ms),
                  "runner": known.get(o.client_order_id, ("—", ""))[0]}
                 for o in view.open_orders]
    fills = [{"symbol": f.symbol, "side": f.side.value, "price": format_decimal(f.price),
              "qty": format_decimal(f.qty), "quote": format_decimal(f.quote_qty),
              "fee": f"{format_decimal(f.fee)} {f.fee_asset}", "time": time.text(f.time_ms),
              "runner": known.get(f.client_order_id, ("—", ""))[0],
              "reason": known.get(f.client_order_id, ("", ""))[1]}
             for f in reversed(view.recent_fills)]
    return {"open_orders": open_rows, "fills": fills, "now": time.text(time.now_ms())}


def log_tail(path: Path | None, lines: int = LOG_LINES) -> dict[str, Any]:
    """Return the last `lines` lines of the log file (none when there is no file)."""
    if path is None or not path.is_file():
        return {"path": str(path) if path else "", "lines": [], "present": False}
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - LOG_TAIL_BYTES))
        text = f.read().decode("utf-8", errors="replace")
    return {"path": str(path), "lines": text.splitlines()[-lines:], "present": True}
