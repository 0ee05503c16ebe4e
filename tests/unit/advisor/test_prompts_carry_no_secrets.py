"""No prompt ever carries a key, a token, a listen key or an account id (issue 20, safety).

Every place a secret could ride along is seeded with one: the environment, the journal's
state, order and trade ids, the panel's configuration text, a sale report. Then the scanner
asks for a verdict and explains its buy, a sale and the day's summary are explained, and /ask
answers a question; every prompt the fake advisor recorded is searched for each secret.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.advisor.test_scanner_veto import two_opportunities

from adapters.fake import FakeClock
from adapters.fake.advisor import FakeAdvisor
from adapters.telegram.ask import AskCommand
from adapters.telegram.demo import demo_panel
from mexcore.advising import SafeAdvisor
from mexcore.advisor import AdvisorPolicy
from mexcore.panel import OrdersView
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.ports import Level
from mexcore.services.deps import ServiceDeps
from mexcore.services.scanner import MarketScanner
from mexcore.values import Fill, Order, OrderStatus, OrderType, Side

SECRETS = {
    "MEXC_API_KEY": "mx0vglTESTAPIKEY4242", "MEXC_API_SECRET": "f00dfacecafe1234deadbeef",
    "TELEGRAM_BOT_TOKEN": "7000000001:AAHtestTOKENtestTOKEN",
    "OPENROUTER_API_KEY": "sk-or-v1-0123456789abcdef",
}
LISTEN_KEY = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"
ACCOUNT_ID = "uid-31415926"
POLICY = AdvisorPolicy(enabled=True, veto_buys=True, timeout_s=Decimal("0.5"))


def _seeded_orders() -> OrdersView:
    order = Order("BTCUSDC", f"{ACCOUNT_ID}-order", f"{ACCOUNT_ID}-client", Side.BUY,
                  OrderType.LIMIT, OrderStatus.NEW, Decimal("30000"), Decimal("0.001"))
    fill = Fill("BTCUSDC", f"{ACCOUNT_ID}-trade", f"{ACCOUNT_ID}-order", Side.BUY,
                Decimal("30000"), Decimal("0.001"), Decimal("30"), Decimal("0.03"),
                fee_asset="USDC", is_maker=True, time_ms=0, client_order_id=ACCOUNT_ID)
    return OrdersView([order], [fill])


async def test_no_recorded_prompt_contains_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    w = two_opportunities()
    w.store.set_state("mexc.listen_key", LISTEN_KEY)
    w.store.set_state("mexc.account_id", ACCOUNT_ID)
    fake = FakeAdvisor()
    safe = SafeAdvisor(fake, POLICY)
    deps = ServiceDeps.build(w.exchange, w.store, w.notifier, w.clock, advisor=safe)
    panel = demo_panel(w.clock.now_ms())
    panel.orders_view = _seeded_orders()
    panel.config = "\n".join(f'{k.lower()} = "{v}"' for k, v in SECRETS.items())

    await MarketScanner(deps, ScannerPolicy(), AntiHypePolicy()).tick()
    await deps.notifier.send("sale.BTCUSDC", "SELL BTCUSDC at profit: 0.001 @ 31000 (limit): "
                             "profit 0.9 USDC over 0.5", Level.ALERT)
    await deps.notifier.send("pnl.summary", "PnL today: +1.20 USDC", Level.INFO)
    asked = AskCommand(panel, safe, FakeClock(0), 1.0)
    await asked.answer(1, "what are my open orders?")
    await safe.drain()

    prompts = fake.prompt_text()
    assert len(fake.prompts) >= 5  # verdict, buy, sale, summary, question
    for secret in [*SECRETS.values(), LISTEN_KEY, ACCOUNT_ID]:
        assert secret not in prompts
