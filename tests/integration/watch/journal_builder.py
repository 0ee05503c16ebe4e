"""A small live-mode journal in a state_dir, written with SqliteStore as the bot would."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from adapters.sqlite import SqliteStore
from mexcore.state import RunnerStatuses
from mexcore.values import Fill, IntentStatus, OrderIntent, OrderType, PortfolioSnapshot, Side

DAY_MS = 86_400_000
T0 = 1_764_547_200_000  # 2025-12-01 00:00 UTC


def _fill(trade: str, side: Side, price: str, qty: str, time_ms: int, cid: str) -> Fill:
    quote = Decimal(price) * Decimal(qty)
    return Fill("BTCUSDC", trade, f"o-{trade}", side, Decimal(price), Decimal(qty), quote,
                quote / 1000, fee_asset="USDC", is_maker=side is Side.BUY, time_ms=time_ms,
                client_order_id=cid)


def build_journal(state_dir: Path) -> Path:
    """Write two fills a day apart, one open order, runner records and a snapshot."""
    with SqliteStore(state_dir, mode="live", base_url="http://127.0.0.1:1") as store:
        for cid, status in (("bm-1", IntentStatus.FILLED), ("bm-2", IntentStatus.FILLED),
                            ("bm-3", IntentStatus.ACKNOWLEDGED)):
            store.save_intent(OrderIntent(cid, "balance_monitor", "BTCUSDC", Side.BUY,
                                          OrderType.LIMIT_MAKER, status, T0,
                                          quantity=Decimal("0.001"), price=Decimal("60000")))
        store.record_fills([_fill("1", Side.BUY, "60000", "0.01", T0, "bm-1"),
                            _fill("2", Side.SELL, "62000", "0.005", T0 + DAY_MS, "bm-2")])
        statuses = RunnerStatuses(store)
        statuses.tick_done("balance_monitor", T0 + DAY_MS, T0 + DAY_MS + 60_000, actions=2)
        statuses.tick_failed("scanner", T0 + DAY_MS, T0 + DAY_MS + 600_000, "MEXC timed out")
        store.add_snapshot(PortfolioSnapshot(T0 + DAY_MS, Decimal("1000.123"),
                                             {"USDC": Decimal("690"), "BTC": Decimal("310.123")}))
    return state_dir


def config_for(tmp_path: Path, state_dir: Path) -> Path:
    """Write a live configuration whose state_dir is `state_dir`; return its path."""
    path = tmp_path / "mexbot.toml"
    path.write_text(f'mode = "live"\nstate_dir = "{state_dir}"\n\n[mexc]\n'
                    'base_url = "http://127.0.0.1:1"\n')
    return path
