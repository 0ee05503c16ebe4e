"""In-memory fakes of every port, written as product code (tests, sim, paper, backtests)."""

from adapters.fake.book import BookModel
from adapters.fake.clock import FakeClock, SystemClock
from adapters.fake.engine import MxDeduction
from adapters.fake.exchange import FakeExchange
from adapters.fake.faults import Faults
from adapters.fake.loader import bundled_data_dir, load_market_data
from adapters.fake.market import MarketData
from adapters.fake.notifier import ConsoleNotifier, RecordingNotifier, SentMessage, SentPicture
from adapters.fake.rules import default_rules, make_rules
from adapters.fake.store import InMemoryStore

__all__ = [
    "BookModel",
    "ConsoleNotifier",
    "FakeClock",
    "FakeExchange",
    "Faults",
    "InMemoryStore",
    "MarketData",
    "MxDeduction",
    "RecordingNotifier",
    "SentMessage",
    "SentPicture",
    "SystemClock",
    "bundled_data_dir",
    "default_rules",
    "load_market_data",
    "make_rules",
]
