"""Choose the bot's advisor: none when off, the fake in sim and backtests, else the endpoint.

`sim` and `backtest` call a real model only when asked explicitly (`[advisor] real_in_sim`).
The key comes from OPENROUTER_API_KEY (none: a local server) and is never logged. httpx and
tenacity are imported only when a real advisor is made.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from adapters.fake.advisor import sim_advisor
from mexcore.advising import SafeAdvisor
from mexcore.advisor import AdvisorPolicy
from mexcore.ports import Clock


def advisor_for(
    policy: AdvisorPolicy, mode: str, clock: Clock, env: Mapping[str, str] | None = None
) -> SafeAdvisor | None:
    """Return the advisor for `mode` ("sim" for sim and backtests), or None when it is off."""
    if not policy.enabled or (mode == "sim" and not policy.real_in_sim):
        return sim_advisor(policy)
    from adapters.advisor import (
        API_KEY_VARIABLE,
        AdvisorSettings,
        OpenAICompatAdvisor,
        make_advisor_client,
    )

    env = os.environ if env is None else env
    settings = AdvisorSettings.from_policy(policy)
    key = env.get(API_KEY_VARIABLE) or None
    return SafeAdvisor(OpenAICompatAdvisor(make_advisor_client(settings), settings, key, clock),
                       policy)
