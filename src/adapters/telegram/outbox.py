"""The notifier's outbound queue: throttling, burst collapsing, bounds and Telegram's rate limits.

Pure bookkeeping over `now_ms` values, so every rule is testable with a fake clock; the
`TelegramNotifier` drives it and does the network calls. Telegram's limits are per bot, so
the rate part (`RateGate`) is shared with the command bot's rate limiter (`ratelimit.py`).
"""

from __future__ import annotations

from collections import Counter, deque

import attrs

from mexcore.ports import Level


@attrs.frozen
class OutboxLimits:
    """Queue and rate-limit settings; the defaults follow Telegram's published limits."""

    summary_min_interval_s: float = 600.0
    per_chat_interval_s: float = 1.0
    global_per_second: int = 30
    max_queue: int = 500
    max_alerts: int = 2000
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 30.0
    max_reply_topics: int = 200  # per chat: the topics whose last message an explanation replies to


class RateGate:
    """Telegram's limits for one bot: per chat, overall, and the pause a 429 asks for.

    A send is counted when it starts (`take`), so two senders sharing the gate never both go.
    A command reply waiting for a chat (`claim`) goes before the notifications to that chat.
    """

    def __init__(self, per_chat_interval_s: float = 1.0, global_per_second: int = 30) -> None:
        self._per_chat_ms = int(per_chat_interval_s * 1000)
        self._global_per_second = global_per_second
        self._chat_ready_ms: dict[int, int] = {}
        self._recent_sends: deque[int] = deque()
        self._claims: Counter[int] = Counter()
        self.paused_until_ms = 0

    @classmethod
    def of(cls, limits: OutboxLimits) -> RateGate:
        """Build a gate with the limits' per-chat interval and overall rate."""
        return cls(limits.per_chat_interval_s, limits.global_per_second)

    def wait_ms(self, chat_id: int | None, now_ms: int) -> int:
        """Return how long a send to `chat_id` (None: no chat) must wait; 0 or less: go."""
        ready_ms = max(self.paused_until_ms, self._global_ready_ms())
        if chat_id is not None:
            ready_ms = max(ready_ms, self.chat_ready_ms(chat_id))
        return ready_ms - now_ms

    def chat_ready_ms(self, chat_id: int) -> int:
        """Return when the chat may get its next message."""
        return self._chat_ready_ms.get(chat_id, 0)

    def notice_ready_ms(self, chat_id: int, now_ms: int) -> int:
        """Return when a notification may go to the chat: never while a reply waits for it."""
        ready_ms = self.chat_ready_ms(chat_id)
        if self._claims[chat_id] > 0:
            ready_ms = max(ready_ms, now_ms + max(self._per_chat_ms, 1))
        return ready_ms

    def claim(self, chat_id: int) -> None:
        """Mark a command reply waiting for the chat (notifications to it step aside)."""
        self._claims[chat_id] += 1

    def release(self, chat_id: int) -> None:
        """End a `claim`: the reply went (or gave up)."""
        self._claims[chat_id] -= 1
        if self._claims[chat_id] <= 0:
            del self._claims[chat_id]

    def take(self, chat_id: int | None, now_ms: int) -> None:
        """Count a send starting now: the chat's and the overall windows move on."""
        if chat_id is not None:
            self._chat_ready_ms[chat_id] = now_ms + self._per_chat_ms
        self._recent_sends.append(now_ms)

    def pause(self, seconds: float, now_ms: int) -> None:
        """Hold every send for `seconds` (Telegram's retry_after)."""
        self.paused_until_ms = max(self.paused_until_ms, now_ms + int(seconds * 1000))

    def _global_ready_ms(self) -> int:
        while len(self._recent_sends) > self._global_per_second:
            self._recent_sends.popleft()
        if len(self._recent_sends) < self._global_per_second:
            return 0
        return self._recent_sends[0] + 1000


@attrs.define
class Envelope:
    """One delivery to one chat: a text message (`png` None) or a picture with a caption."""

    chat_id: int
    topic: str
    level: Level
    text: str
    png: bytes | None = None
    count: int = 1

    @property
    def is_alert(self) -> bool:
        return self.level is not Level.INFO


class Outbox:
    """Hold envelopes until Telegram's limits let them go; alerts first, oldest first."""

    def __init__(self, limits: OutboxLimits, gate: RateGate | None = None) -> None:
        self.limits = limits
        self.gate = gate or RateGate.of(limits)
        self._queue: deque[Envelope] = deque()
        self._last_info_ms: dict[str, int] = {}
        self._backoff_until_ms = 0
        self._failures = 0
        self.dropped = 0
        self.throttled = 0

    def __len__(self) -> int:
        return len(self._queue)

    def pending(self) -> list[Envelope]:
        """Return the envelopes waiting, in queue order."""
        return list(self._queue)

    def accept(self, topic: str, level: Level, now_ms: int) -> bool:
        """Return whether a message of this topic and level goes out (INFO: once per interval)."""
        if level is not Level.INFO:
            return True
        last = self._last_info_ms.get(topic)
        if last is not None and now_ms - last < self.limits.summary_min_interval_s * 1000:
            self.throttled += 1
            return False
        self._last_info_ms[topic] = now_ms
        return True

    def put(self, envelope: Envelope) -> None:
        """Queue an envelope; an ERROR joins a waiting ERROR of its topic and chat as a count."""
        if envelope.level is Level.ERROR and envelope.png is None:
            twin = self._waiting_error(envelope.chat_id, envelope.topic)
            if twin is not None:
                twin.count += 1
                twin.text = envelope.text
                return
        self._queue.append(envelope)
        self._enforce_bounds()

    def next_due(self, now_ms: int) -> tuple[Envelope | None, int]:
        """Take the next envelope that may go now, or return how many ms to wait (-1: empty).

        The envelope taken is counted in the gate at once (its send starts now).
        """
        if not self._queue:
            return None, -1
        wait_ms = max(self._backoff_until_ms - now_ms, self.gate.wait_ms(None, now_ms))
        if wait_ms > 0:
            return None, wait_ms
        best: Envelope | None = None
        soonest = -1
        for envelope in self._queue:
            ready_ms = self.gate.notice_ready_ms(envelope.chat_id, now_ms)
            if ready_ms <= now_ms and (best is None or (envelope.is_alert and not best.is_alert)):
                best = envelope
            elif ready_ms > now_ms and (soonest < 0 or ready_ms - now_ms < soonest):
                soonest = ready_ms - now_ms
        if best is None:
            return None, soonest
        self._queue.remove(best)
        self.gate.take(best.chat_id, now_ms)
        return best, 0

    def sent(self, envelope: Envelope, now_ms: int) -> None:
        """Record a delivery: the network back-off starts over."""
        self._failures = 0

    def put_back(self, envelope: Envelope) -> None:
        """Return an envelope whose delivery was interrupted to the head of the queue."""
        self._queue.appendleft(envelope)

    def retry_after(self, envelope: Envelope, seconds: float, now_ms: int) -> None:
        """Put back an envelope Telegram refused with 429 and hold everything `seconds`."""
        self.put_back(envelope)
        self.gate.pause(seconds, now_ms)

    def failed(self, envelope: Envelope, now_ms: int) -> int:
        """Put back an envelope lost to a network error; back off exponentially; return the ms."""
        self.put_back(envelope)
        delay_s = min(
            self.limits.backoff_initial_s * 2 ** min(self._failures, 20), self.limits.backoff_max_s
        )
        self._failures += 1
        self._backoff_until_ms = now_ms + int(delay_s * 1000)
        return int(delay_s * 1000)

    def _waiting_error(self, chat_id: int, topic: str) -> Envelope | None:
        for envelope in self._queue:
            if (envelope.chat_id, envelope.topic, envelope.level) == (chat_id, topic, Level.ERROR):
                return envelope
        return None

    def _enforce_bounds(self) -> None:
        while len(self._queue) > self.limits.max_queue:
            victim = next((e for e in self._queue if not e.is_alert), None)
            if victim is None:
                break
            self._queue.remove(victim)
            self.dropped += 1
        while len(self._queue) > self.limits.max_alerts:
            self._queue.popleft()
            self.dropped += 1
