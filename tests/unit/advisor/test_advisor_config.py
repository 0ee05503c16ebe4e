"""`[advisor]`: validated, off by default, its counts shown unredacted, the right advisor wired."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.advisor import OpenAICompatAdvisor
from adapters.fake.advisor import FakeAdvisor
from mexcore.config import config_to_mapping, load_config, redacted
from mexcore.errors import ConfigError
from runners.container import advisor


def test_the_advisor_is_off_by_default_and_never_vetoes() -> None:
    policy = load_config({}).advisor

    assert (policy.enabled, policy.veto_buys, policy.on_failure) == (False, False, "no_opinion")
    assert policy.base_url == "https://openrouter.ai/api/v1"


@pytest.mark.parametrize(("key", "value"), [
    ("on_failure", "panic"), ("timeout_s", "0"), ("timeout_s", "121"), ("max_tokens", 0),
    ("base_url", "ftp://x"), ("veto_buys", "yes"), ("api_key", "sk-1"),
])
def test_a_bad_advisor_value_names_its_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as error:
        load_config({"advisor": {key: value}})

    assert error.value.key == f"advisor.{key}"


def test_the_token_counts_are_shown_while_real_secrets_stay_redacted() -> None:
    mapping = config_to_mapping(load_config({"advisor": {"max_tokens": 200}}))
    mapping["telegram"]["bot_token"] = "123:abc"

    shown = redacted(mapping)

    assert shown["advisor"]["max_tokens"] == 200
    assert shown["advisor"]["daily_token_budget"] == 50000
    assert shown["telegram"]["bot_token"] == "***"


def test_sim_gets_the_fake_advisor_and_an_off_advisor_is_none() -> None:
    from adapters.fake import FakeClock

    on = advisor(load_config({"advisor": {"enabled": True}}), FakeClock(0))
    off = advisor(load_config({"mode": "paper"}), FakeClock(0))

    assert on is not None
    assert isinstance(on.advisor, FakeAdvisor)
    assert off is None


def test_paper_gets_the_endpoint_with_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters.fake import FakeClock

    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-secret")
    config = load_config({"mode": "paper", "advisor": {"enabled": True, "timeout_s": "3"}})

    safe = advisor(config, FakeClock(0))

    assert safe is not None
    assert isinstance(safe.advisor, OpenAICompatAdvisor)
    assert safe.policy.timeout_s == Decimal(3)
    assert "sk-or-secret" not in repr(safe.advisor)


def test_sim_calls_the_endpoint_only_when_asked_explicitly() -> None:
    from adapters.fake import FakeClock
    from runners.advisor_link import advisor_for

    policy = load_config({"advisor": {"enabled": True, "real_in_sim": True}}).advisor

    asked = advisor_for(policy, "sim", FakeClock(0), env={})
    default = advisor_for(load_config({"advisor": {"enabled": True}}).advisor, "sim",
                          FakeClock(0), env={"OPENROUTER_API_KEY": "sk-or-x"})

    assert asked is not None
    assert isinstance(asked.advisor, OpenAICompatAdvisor)
    assert default is not None
    assert isinstance(default.advisor, FakeAdvisor)
