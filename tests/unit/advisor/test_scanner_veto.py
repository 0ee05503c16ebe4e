"""The advisor's second opinion on scanner buys: only `skip` withholds one, journaled."""

from __future__ import annotations

import time
from decimal import Decimal

import attrs
import numpy as np
import pytest
from tests.unit.services.support import PRICES, World, late_drop, wiggle, world

from adapters.fake.advisor import Failure, FakeAdvisor
from mexcore.advisor import AdvisorPolicy, Verdict, VerdictKind
from mexcore.policies import AntiHypePolicy, ScannerPolicy
from mexcore.services.scanner import MarketScanner
from mexcore.services.scanner_advice import NO_OPINION_SKIP, SafeAdvisor, veto_count
from mexcore.state import Cursors

D = Decimal
VETO = AdvisorPolicy(enabled=True, veto_buys=True, timeout_s=D("0.05"))


def two_opportunities() -> World:
    surge = np.full(1620, 300.0)
    surge[1545:1560] = 3000.0  # LINKUSDT scores higher: a volume surge
    return world({"ADAUSDT": late_drop(PRICES["ADAUSDT"], 0.0001, 0.03),
                  "LINKUSDT": late_drop(PRICES["LINKUSDT"], 0.001, 0.03),
                  "DOTUSDT": wiggle(6.0, 0.001)}, {"USDT": "100"}, volumes={"LINKUSDT": surge})


def scanner(w: World, advisor: FakeAdvisor | None, policy: AdvisorPolicy = VETO) -> MarketScanner:
    safe = None if advisor is None else SafeAdvisor(advisor, policy)
    return MarketScanner(attrs.evolve(w.deps, advisor=safe), ScannerPolicy(), AntiHypePolicy())


def skip(reason: str) -> Verdict:
    return Verdict(VerdictKind.SKIP, reason)


def bought(w: World) -> list[tuple[str, Decimal | None]]:
    return [(i.symbol, i.quote_qty) for i in w.intents("scanner")]


async def test_a_skip_withholds_that_buy_and_the_next_candidate_is_bought() -> None:
    w = two_opportunities()
    fake = FakeAdvisor(verdicts={"LINKUSDT": skip("volume surge on no news")})

    await scanner(w, fake).tick()

    assert bought(w) == [("ADAUSDT", D(30))]
    [vetoed] = Cursors(w.store, "scanner").get("vetoes")  # type: ignore[misc]
    assert vetoed["symbol"] == "LINKUSDT"
    assert vetoed["reason"] == "volume surge on no news"
    assert vetoed["planned_usdt"] == "30"
    [report] = w.texts("veto.LINKUSDT")
    assert "volume surge on no news" in report
    assert veto_count(w.store) == 1


async def test_skips_on_every_candidate_place_no_order_and_count_each_veto() -> None:
    w = two_opportunities()

    await scanner(w, FakeAdvisor(default=skip("too risky today"))).tick()

    assert bought(w) == []
    assert w.exchange.all_orders() == []
    assert veto_count(w.store) == 2


async def test_the_verdict_is_asked_with_the_candidates_facts() -> None:
    w = two_opportunities()
    fake = FakeAdvisor()

    await scanner(w, fake).tick()

    verdict_prompt = fake.prompts[0][1]["content"]
    assert '"symbol": "LINKUSDT"' in verdict_prompt
    assert '"planned_usdt": "30"' in verdict_prompt
    assert '"rsi": ' in verdict_prompt


@pytest.mark.parametrize("failure", list(Failure))
async def test_no_opinion_buys_exactly_as_without_the_advisor(failure: Failure) -> None:
    without, with_failing = two_opportunities(), two_opportunities()
    await scanner(without, None).tick()

    await scanner(with_failing, FakeAdvisor(failure=failure)).tick()

    assert bought(with_failing) == bought(without) == [("LINKUSDT", D(30))]
    assert veto_count(with_failing.store) == 0


@pytest.mark.parametrize("failure", list(Failure))
async def test_no_opinion_skips_the_buy_when_on_failure_is_skip(failure: Failure) -> None:
    w = two_opportunities()
    policy = attrs.evolve(VETO, on_failure="skip")

    await scanner(w, FakeAdvisor(failure=failure), policy).tick()

    assert bought(w) == []
    assert Cursors(w.store, "scanner").get("vetoes")[0]["reason"] == NO_OPINION_SKIP  # type: ignore[index,call-overload]


async def test_a_hanging_advisor_delays_a_buy_by_no_more_than_its_timeout() -> None:
    w = two_opportunities()
    started = time.monotonic()

    await scanner(w, FakeAdvisor(failure=Failure.HANG)).tick()

    assert time.monotonic() - started < 1.0  # the analysis itself plus one 0.05 s timeout
    assert bought(w) == [("LINKUSDT", D(30))]


async def test_without_veto_buys_the_advisor_is_never_asked_for_a_verdict() -> None:
    w = two_opportunities()
    fake = FakeAdvisor(default=skip("would have vetoed"))
    explain_only = attrs.evolve(VETO, veto_buys=False)

    await scanner(w, fake, explain_only).tick()

    assert bought(w) == [("LINKUSDT", D(30))]
    assert all("second opinion" not in p[0]["content"] for p in fake.prompts)
