"""Telegram HTML: escaping, checking, and splitting into chunks that never break the parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.telegram.markup import (
    MAX_MESSAGE_CHARS,
    check_html,
    esc,
    plain_text,
    split_html,
    utf16_len,
)

TRICKY = "BTC_USDC <b>&amp; 1.5% ; # </pre> 😀 é"
texts = st.text(alphabet=st.sampled_from([*TRICKY, "a", "Z", "9", " "]), max_size=80)
tags = st.sampled_from([None, "b", "i", "code", "u", "s"])
segments = st.tuples(tags, texts).map(
    lambda s: f"<{s[0]}>{esc(s[1])}</{s[0]}>" if s[0] else esc(s[1])
)
lines = st.lists(segments, max_size=6).map("".join)


@st.composite
def documents(draw: st.DrawFn) -> str:
    body = "\n".join(draw(st.lists(lines, max_size=60)))
    if draw(st.booleans()):
        body = f"<b>head</b>\n<pre>{body}</pre>\ntail"
    return body


def _visible(html: str) -> str:
    return "".join(plain_text(html).split())


def test_esc_escapes_only_what_telegram_needs() -> None:
    assert esc("BTC_USDC <x> & 1.5%") == "BTC_USDC &lt;x&gt; &amp; 1.5%"


@pytest.mark.parametrize(
    "html", ["<b>open", "a < b", "x & y", "<div>no</div>", "<b><i>x</b></i>", "&nbsp;"]
)
def test_check_html_rejects_what_telegram_cannot_parse(html: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        check_html(html)


def test_check_html_accepts_nested_known_tags_and_entities() -> None:
    check_html('<b>a <i>b</i></b> &lt;&gt;&amp;&quot; <a href="https://x.y/?a=1">l</a>')


@settings(max_examples=150, deadline=None)
@given(documents(), st.integers(min_value=40, max_value=700))
def test_split_chunks_are_valid_and_within_the_limit(doc: str, limit: int) -> None:
    chunks = split_html(doc, limit)

    for chunk in chunks:
        check_html(chunk)
        assert utf16_len(chunk) <= limit
    assert "".join(_visible(c) for c in chunks) == _visible(doc)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abc <&>_%", min_size=1, max_size=20), min_size=1))
def test_lines_that_fit_are_never_cut(raw_lines: list[str]) -> None:
    doc = "\n".join(esc(line.strip() or "x") for line in raw_lines)

    chunks = split_html(doc, 120)

    assert "\n".join(plain_text(c) for c in chunks) == plain_text(doc)


def test_a_long_preformatted_block_is_closed_and_reopened_at_each_cut() -> None:
    doc = "<pre>" + "\n".join(f"line {i} &amp; more" for i in range(1000)) + "</pre>"

    chunks = split_html(doc)

    assert len(chunks) > 1
    assert all(c.startswith("<pre>") and c.endswith("</pre>") for c in chunks)
    assert all(len(c) <= MAX_MESSAGE_CHARS for c in chunks)


def test_emoji_count_double_against_the_limit() -> None:
    chunks = split_html("😀" * 5000)

    assert [utf16_len(c) for c in chunks] == [4096, 4096, 1808]


def test_a_single_line_longer_than_the_limit_is_cut_between_characters() -> None:
    chunks = split_html("&amp;" * 3000, limit=100)

    assert all(plain_text(c) == "&" * len(plain_text(c)) for c in chunks)
    assert sum(len(plain_text(c)) for c in chunks) == 3000


def test_empty_and_blank_documents_give_no_chunks() -> None:
    assert split_html("") == []
    assert split_html("<b> </b>\n\n") == []
