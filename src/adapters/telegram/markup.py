"""Telegram's HTML subset: escaping, checking, and splitting long messages into chunks."""

from __future__ import annotations

import html
import re
from collections import deque
from html.parser import HTMLParser

MAX_MESSAGE_CHARS = 4096
MAX_CAPTION_CHARS = 1024

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
     "span", "tg-spoiler", "blockquote", "tg-emoji"}
)  # fmt: skip

_TOKEN = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]+;|\n|[^<&\n]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")


def esc(value: object) -> str:
    """Return `value` as text safe inside Telegram HTML (&, < and > escaped)."""
    return html.escape(str(value), quote=False)


def utf16_len(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ValueError(f"unsupported tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ValueError(f"unexpected end tag </{tag}>")
        self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            raise ValueError(f"unsupported entity &{name};")


def check_html(text: str) -> None:
    """Raise ValueError unless `text` is well-formed Telegram HTML (known tags, nested right)."""
    if re.search(r"<(?![A-Za-z/])|&(?!#?[0-9A-Za-z]+;)", text):
        raise ValueError("unescaped < or & in text")
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise ValueError(f"unclosed tags: {checker.stack}")


def plain_text(text: str) -> str:
    """Return what a reader sees of `text`: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", text))


class _Splitter:
    """Greedy packing of HTML tokens into chunks; open tags are closed and reopened at a cut."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[str] = []
        self.pending: deque[str] = deque()
        self.buf: list[str] = []
        self.size = 0
        self.fresh = 0
        self.stack: list[tuple[str, str]] = []
        self.line_break: tuple[int, list[tuple[str, str]]] | None = None

    def feed(self, token: str) -> None:
        self.pending.append(token)
        while self.pending:
            self._place(self.pending.popleft())

    def _place(self, token: str) -> None:
        while True:
            stack_after = _apply(self.stack, token)
            if self.size + utf16_len(token) + _closing_len(stack_after) <= self.limit:
                self._append(token, stack_after)
                return
            if self.line_break is not None:
                self.pending.extendleft(reversed([*self._cut_at_line(), token]))
                return
            if not token.startswith(("<", "&")) and utf16_len(token) > 1:
                head = _take_utf16(token, self.limit - self.size - _closing_len(self.stack))
                if head:
                    self._append(head, self.stack)
                    token = token[len(head) :]
            self._cut_all()

    def _append(self, token: str, stack_after: list[tuple[str, str]]) -> None:
        if token == "\n":
            self.line_break = (len(self.buf), list(self.stack))
        self.buf.append(token)
        self.size += utf16_len(token)
        self.fresh += 1
        self.stack = stack_after

    def _cut_at_line(self) -> list[str]:
        assert self.line_break is not None
        at, stack_at = self.line_break
        rest = self.buf[at + 1 :]
        self._restart("".join(self.buf[:at]) + _closing(stack_at), stack_at)
        return rest

    def _cut_all(self) -> None:
        if self.fresh == 0:
            raise ValueError("a single tag or entity does not fit in one message")
        self._restart("".join(self.buf) + _closing(self.stack), self.stack)

    def _restart(self, chunk: str, stack: list[tuple[str, str]]) -> None:
        if plain_text(chunk).strip():
            self.chunks.append(chunk)
        self.stack = list(stack)
        self.buf = [tag for _, tag in stack]
        self.size = sum(utf16_len(t) for t in self.buf)
        self.fresh = 0
        self.line_break = None

    def finish(self) -> list[str]:
        self._restart("".join(self.buf) + _closing(self.stack), [])
        return self.chunks


def _apply(stack: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    if not token.startswith("<") or len(token) < 3:
        return stack
    match = _TAG_NAME.match(token)
    if match is None or token.endswith("/>"):
        return stack
    if token.startswith("</"):
        return stack[:-1] if stack else stack
    return [*stack, (match.group(1).lower(), token)]


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _closing_len(stack: list[tuple[str, str]]) -> int:
    return sum(len(name) + 3 for name, _ in stack)


def _take_utf16(text: str, room: int) -> str:
    taken = 0
    for index, char in enumerate(text):
        taken += utf16_len(char)
        if taken > room:
            return text[:index]
    return text


def split_html(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split well-formed Telegram HTML into chunks of at most `limit` UTF-16 units.

    Cuts fall on line breaks when a line fits, else between characters of plain text, never
    inside a tag or an entity; tags open at a cut are closed and reopened in the next chunk.
    Chunks with no visible text are dropped.
    """
    splitter = _Splitter(limit)
    for token in _TOKEN.findall(text):
        splitter.feed(token)
    return splitter.finish()
