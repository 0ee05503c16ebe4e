"""The bot's answers as Telegram HTML, built from ControlPanel records (pure functions)."""

from __future__ import annotations

import datetime as dtm
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from adapters.telegram.markup import esc
from adapters.telegram.panel import (
    AutobuyView,
    OrdersView,
    PnlView,
    PortfolioView,
    RunnerStatus,
)
from mexcore.money import format_decimal
from mexcore.services.market import STABLES
from mexcore.values import Fill, Order

CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
_FEE_STEP = Decimal("0.0001")  # a fee is often a fraction of a cent


def amount(value: Decimal, step: Decimal | None = None) -> str:
    """Format money exactly, or rounded half-even to `step` (2.345 at 0.01 → '2.34')."""
    if step is None:
        return format_decimal(value)
    try:
        rounded = value.quantize(step, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:
        return format_decimal(value)
    return format(abs(rounded) if rounded == 0 else rounded, "f")


def signed(value: Decimal, step: Decimal = CENT) -> str:
    """Format with an explicit sign ('+1.50', '-0.20', '0')."""
    text = amount(value, step)
    return text if text.startswith("-") or Decimal(text) == 0 else f"+{text}"


def percent(fraction: Decimal) -> str:
    """Format a fraction as a percentage with one decimal (0.6 → '60.0%')."""
    return f"{(fraction * 100).quantize(_TENTH, rounding=ROUND_HALF_EVEN)}%"


def moment(time_ms: int | None, now_ms: int) -> str:
    """Describe a time relative to now ('12 s ago', 'in 3 min', 'never') with its UTC clock."""
    if time_ms is None:
        return "never"
    delta_s = (time_ms - now_ms) // 1000
    size = abs(delta_s)
    span = (
        f"{size} s" if size < 120 else f"{size // 60} min" if size < 7200 else f"{size // 3600} h"
    )
    clock = dtm.datetime.fromtimestamp(time_ms / 1000, tz=dtm.UTC).strftime("%H:%M:%S")
    return f"in {span} ({clock} UTC)" if delta_s > 0 else f"{span} ago ({clock} UTC)"


def format_help(commands: Sequence[tuple[str, str]]) -> str:
    """List the commands, one line each."""
    lines = [f"/{esc(name)} — {esc(summary)}" for name, summary in commands]
    return "<b>mexbot commands</b>\n" + "\n".join(lines)


def format_status(statuses: Sequence[RunnerStatus], now_ms: int) -> str:
    """One block per runner: running or paused, last and next tick, last error."""
    if not statuses:
        return "No runners."
    blocks = []
    for s in statuses:
        state = "⏸ paused" if s.paused else "▶️ running"
        block = (
            f"<b>{esc(s.name)}</b> {state}\n"
            f"  last tick {moment(s.last_tick_ms, now_ms)}\n"
            f"  next tick {moment(s.next_tick_ms, now_ms)}"
        )
        if s.last_error:
            block += f"\n  last error: <code>{esc(s.last_error)}</code>"
        blocks.append(block)
    return "<b>Runners</b>\n" + "\n".join(blocks)


def format_portfolio(view: PortfolioView) -> str:
    """Each asset: free, locked, value in USDT, weight and target; then the total."""
    lines = ["<b>Portfolio</b>"]
    for h in sorted(view.holdings, key=lambda h: h.value_usdt, reverse=True):
        step = CENT if h.asset in STABLES else None  # cash in cents, coins exactly
        line = f"<b>{esc(h.asset)}</b> {amount(h.free, step)}"
        if h.locked:
            line += f" (+{amount(h.locked, step)} locked)"
        line += f" ≈ {amount(h.value_usdt, CENT)} USDT · {percent(h.weight)}"
        if h.target_weight is not None:
            line += f" (target {percent(h.target_weight)})"
        lines.append(line)
    lines.append(f"<b>Total</b> ≈ {amount(view.total_usdt, CENT)} USDT")
    return "\n".join(lines)


def format_pnl(view: PnlView) -> str:
    """Each asset: quantity, average cost, realised and unrealised PnL; then the totals."""
    if not view.assets:
        return "<b>PnL</b>\nNo positions yet."
    lines = ["<b>PnL</b> (average cost)"]
    for a in view.assets:
        lines.append(
            f"<b>{esc(a.asset)}</b> {amount(a.quantity)} @ {amount(a.average_cost)} · "
            f"realised {signed(a.realised)} · unrealised {signed(a.unrealised)}"
        )
    lines.append(
        f"<b>Total</b> realised {signed(view.total_realised)} · "
        f"unrealised {signed(view.total_unrealised)}"
    )
    return "\n".join(lines)


def format_autobuy(view: AutobuyView, now_ms: int) -> str:
    """The scanner's opportunities, the balance monitor's plan, and the last purchases."""
    lines = ["<b>Scanner: buy opportunities</b>"]
    for o in view.opportunities:
        reasons = "; ".join(esc(r) for r in o.reasons) or "no reasons given"
        lines.append(f"<b>{esc(o.symbol)}</b> score {amount(o.score)} — {reasons}")
    if not view.opportunities:
        lines.append("none")
    lines.append("<b>Balance monitor: last plan</b>")
    lines.extend(esc(line) for line in view.plan_lines)
    if not view.plan_lines:
        lines.append("no plan yet")
    lines.append("<b>Last purchases</b>")
    for p in view.purchases:
        lines.append(
            f"{moment(p.time_ms, now_ms)} {esc(p.runner)}: {esc(p.symbol)} "
            f"{amount(p.base_qty)} for {amount(p.quote_qty, CENT)} @ {amount(p.price)}"
        )
    if not view.purchases:
        lines.append("none")
    return "\n".join(lines)


def format_orders(view: OrdersView, now_ms: int) -> str:
    """Open orders, then recent fills."""
    lines = ["<b>Open orders</b>"]
    lines.extend(_order_line(o) for o in view.open_orders)
    if not view.open_orders:
        lines.append("none")
    lines.append("<b>Recent fills</b>")
    lines.extend(_fill_line(f, now_ms) for f in view.recent_fills)
    if not view.recent_fills:
        lines.append("none")
    return "\n".join(lines)


def _order_line(o: Order) -> str:
    price = f" @ {amount(o.price)}" if o.price is not None else ""
    size = amount(o.orig_qty) if o.orig_qty else f"{amount(o.orig_quote_qty or Decimal(0))} quote"
    return (
        f"{o.side.value} {o.type.value} <b>{esc(o.symbol)}</b> {size}{price} "
        f"(filled {amount(o.executed_qty)}) {o.status.value}"
    )


def _fill_line(f: Fill, now_ms: int) -> str:
    role = "maker" if f.is_maker else "taker"
    quote = next((q for q in sorted(STABLES) if f.symbol.endswith(q)), None)
    value = f"{amount(f.quote_qty, CENT)} {quote}" if quote else amount(f.quote_qty)
    fee = amount(f.fee, _FEE_STEP if f.fee_asset in STABLES else None)
    return (
        f"{moment(f.time_ms, now_ms)} {f.side.value} <b>{esc(f.symbol)}</b> {amount(f.qty)} "
        f"@ {amount(f.price)} = {value} · fee {fee} {esc(f.fee_asset)} ({role})"
    )


def format_config(text: str) -> str:
    """Show the (already redacted) configuration as preformatted text."""
    return f"<b>Configuration</b>\n<pre>{esc(text)}</pre>"
