"""ReplyMemory: which message an `explain.<topic>` message replies to, per chat, bounded."""

from __future__ import annotations

import pytest

from adapters.telegram.replies import ReplyMemory, explained_topic


def test_an_explanation_topic_names_the_topic_it_explains() -> None:
    assert explained_topic("explain.buy.SOLUSDT") == "buy.SOLUSDT"
    assert explained_topic("buy.SOLUSDT") is None


def test_a_delivered_first_part_is_the_message_to_reply_to() -> None:
    memory = ReplyMemory()
    first, second = object(), object()
    memory.expect(1, "buy.SOLUSDT", first)

    memory.delivered(1, "buy.SOLUSDT", second, 11)
    memory.delivered(1, "buy.SOLUSDT", first, 10)

    assert memory.message_id(1, "buy.SOLUSDT") == 10
    assert memory.message_id(2, "buy.SOLUSDT") is None


def test_a_message_not_delivered_yet_has_no_id_to_reply_to() -> None:
    memory = ReplyMemory()
    memory.expect(1, "t", object())

    assert memory.message_id(1, "t") is None


def test_a_newer_message_of_the_topic_replaces_the_older_one_even_when_delivered_late() -> None:
    memory = ReplyMemory()
    old, new = object(), object()
    memory.expect(1, "t", old)
    memory.expect(1, "t", new)

    memory.delivered(1, "t", old, 10)

    assert memory.message_id(1, "t") is None
    memory.delivered(1, "t", new, 12)
    assert memory.message_id(1, "t") == 12


def test_a_forgotten_topic_has_no_message_in_any_chat() -> None:
    memory = ReplyMemory()
    token = object()
    memory.expect(1, "t", token)
    memory.delivered(1, "t", token, 10)

    memory.forget("t")

    assert memory.message_id(1, "t") is None


def test_the_memory_keeps_only_the_latest_topics_of_each_chat() -> None:
    memory = ReplyMemory(max_topics=3)
    for i in range(5):
        token = object()
        memory.expect(1, f"t{i}", token)
        memory.delivered(1, f"t{i}", token, 100 + i)

    assert memory.topics(1) == 3
    assert [memory.message_id(1, f"t{i}") for i in range(5)] == [None, None, 102, 103, 104]


def test_a_memory_of_no_topics_is_refused() -> None:
    with pytest.raises(ValueError, match="max_topics"):
        ReplyMemory(max_topics=0)
