"""The backtest report as text for the terminal and as JSON (money as exact decimal strings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from mexcore.money import format_decimal, format_step
from runners.backtest_report import BacktestReport, Trade
from runners.benchmarks import Benchmark
from runners.summary import render_benchmarks

CENT = Decimal("0.01")


def utc_text(time_ms: int | None) -> str:
    """Return an epoch-ms time as `YYYY-MM-DD HH:MM` UTC (`-` for None)."""
    if time_ms is None:
        return "-"
    return dt.datetime.fromtimestamp(time_ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M")


def _pct(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:+.2%}"


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def render_report(report: BacktestReport, markets: str | None = None) -> str:
    """Render the report as plain text (`markets`: where the candles came from, if known)."""
    r, c = report, CENT
    dd = r.drawdown
    lines = [
        f"=== mexbot backtest {utc_text(r.start_ms)} → {utc_text(r.end_ms)} UTC ===",
        *([f"Data {markets}"] if markets else []),
        f"Value: {r.start_value.quantize(c)} → {r.final_value.quantize(c)} USDT "
        f"(PnL {r.pnl.quantize(c):+} USDT, return {_pct(r.total_return)})",
        f"Holding the start balances: {r.hold_value.quantize(c)} USDT "
        f"(return {_pct(r.hold_return)})",
        f"Fees: {r.fees.quantize(c)} USDT; trades: {len(r.trades)}",
        *([f"Scanner buys vetoed by the advisor: {r.vetoes}"] if r.vetoes else []),
        f"Max drawdown: {dd.value.quantize(c)} USDT ({_pct(dd.fraction)}), "
        f"peak {utc_text(dd.peak_ms)}, trough {utc_text(dd.trough_ms)}",
        f"Sharpe (daily, annualised): {_ratio(r.sharpe)}; Sortino: {_ratio(r.sortino)}; "
        f"time in market: {r.time_in_market:.1%}",
        *render_benchmarks(r.benchmarks),
        "By component: actions orders trades sells win-rate bought sold fees realised (USDT)",
    ]
    for m in r.components:
        rate = "n/a" if m.win_rate is None else f"{m.win_rate:.0%}"
        lines.append(f"  {m.name:<20} {m.actions:>6} {m.orders:>6} {m.trades:>6} {m.sells:>5} "
                     f"{rate:>6} {m.bought.quantize(c):>10} {m.sold.quantize(c):>10} "
                     f"{m.fees.quantize(c):>7} {m.realised.quantize(c):>9}")
    lines.append("By asset: quantity avg-cost realised unrealised pnl (in the quote)")
    for a in r.assets:
        unreal = "n/a" if a.unrealised is None else str(a.unrealised.quantize(c))
        cost = format_step(a.avg_cost, a.price_tick or c)
        lines.append(f"  {a.symbol:<10} {format_decimal(a.quantity):>14} {cost:>12}"
                     f" {a.realised.quantize(c):>9} {unreal:>10} {a.pnl.quantize(c):>9}")
    if r.explanation:
        lines.append(f"Advisor: {r.explanation}")
    return "\n".join(lines)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _trade_json(trade: Trade) -> dict[str, Any]:
    f = trade.fill
    return {
        "time_ms": f.time_ms, "time": utc_text(f.time_ms), "symbol": f.symbol,
        "side": f.side.value, "price": str(f.price), "qty": str(f.qty),
        "quote_qty": str(f.quote_qty), "fee": str(f.fee), "fee_asset": f.fee_asset,
        "maker": f.is_maker, "runner": trade.runner, "realised_pnl": _money(trade.realised),
        "trade_id": f.trade_id, "client_order_id": f.client_order_id,
    }


def _benchmark_json(b: Benchmark) -> dict[str, Any]:
    return {"label": b.label, "start_value": str(b.start_value),
            "final_value": str(b.final_value), "return": str(b.total_return),
            "max_drawdown": str(b.drawdown)}


def report_json(report: BacktestReport) -> dict[str, Any]:
    """Return the report as a JSON-ready dict (Decimals as strings, times in ms and UTC)."""
    r, dd = report, report.drawdown
    return {
        "period": {"start_ms": r.start_ms, "end_ms": r.end_ms,
                   "start": utc_text(r.start_ms), "end": utc_text(r.end_ms)},
        "start_value": str(r.start_value), "final_value": str(r.final_value),
        "pnl": str(r.pnl), "total_return": str(r.total_return),
        "hold_value": str(r.hold_value), "hold_return": str(r.hold_return),
        "fees": str(r.fees), "trade_count": len(r.trades),
        **({"advisor_vetoes": r.vetoes} if r.vetoes else {}),  # absent: none (the golden files)
        **({"advisor_explanation": r.explanation} if r.explanation else {}),
        "max_drawdown": {"fraction": str(dd.fraction), "value": str(dd.value),
                         "peak_ms": dd.peak_ms, "trough_ms": dd.trough_ms,
                         "peak": utc_text(dd.peak_ms), "trough": utc_text(dd.trough_ms)},
        "sharpe": r.sharpe, "sortino": r.sortino, "time_in_market": str(r.time_in_market),
        "benchmarks": {b.key: _benchmark_json(b) for b in r.benchmarks},
        "components": {m.name: {
            "actions": m.actions, "orders": m.orders, "trades": m.trades, "sells": m.sells,
            "win_rate": _money(m.win_rate), "bought": str(m.bought), "sold": str(m.sold),
            "fees": str(m.fees), "realised_pnl": str(m.realised)} for m in r.components},
        "assets": {a.symbol: {
            "quote": a.quote, "quantity": str(a.quantity), "avg_cost": str(a.avg_cost),
            "realised_pnl": str(a.realised), "unrealised_pnl": _money(a.unrealised),
            "pnl": str(a.pnl)} for a in r.assets},
        "trades": [_trade_json(t) for t in r.trades],
    }
