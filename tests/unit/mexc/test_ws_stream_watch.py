from collections.abc import Callable
from decimal import Decimal

from tests.unit.mexc.support import SteppingClock

from adapters.mexc.market_cache import MarketCache
from adapters.mexc.stream_watch import StreamWatch
from adapters.mexc.ws_frames import BookTickerPush, DealsPush, PublicDeal
from mexcore.values import Side


class Account:
    """The account cache's interface, as the user stream fills it."""

    def __init__(self) -> None:
        self.version = 0
        self.balances: dict[str, Decimal] = {}
        self.fresh_until_ms = 10**15
        self.listeners: list[Callable[[], None]] = []

    def free(self, asset: str) -> Decimal | None:
        return self.balances.get(asset)

    def fresh(self, now_ms: int) -> bool:
        return now_ms < self.fresh_until_ms

    def add_listener(self, callback: Callable[[], None]) -> Callable[[], None]:
        self.listeners.append(callback)
        return lambda: self.listeners.remove(callback)

    def moved(self, asset: str, free: str) -> None:
        self.balances[asset] = Decimal(free)
        self.version += 1
        for callback in list(self.listeners):
            callback()


def deal(price: str, time_ms: int = 1) -> DealsPush:
    return DealsPush("BTCUSDT", (PublicDeal(Decimal(price), Decimal(1), Side.BUY, time_ms),), 0)


def test_a_price_reaches_a_level_at_or_below_the_last_deal() -> None:
    watch = StreamWatch(MarketCache(SteppingClock()))
    watch.market.apply(deal("100"))
    assert watch.may_have_reached("BTCUSDT", Decimal(100))
    assert not watch.may_have_reached("BTCUSDT", Decimal("100.01"))


def test_an_unknown_or_stale_price_may_have_reached_any_level() -> None:
    clock = SteppingClock()
    watch = StreamWatch(MarketCache(clock, stale_after_s=5))
    assert watch.may_have_reached("ETHUSDT", Decimal(10**9))
    watch.market.apply(deal("100"))
    clock.now += 5_001
    assert watch.may_have_reached("BTCUSDT", Decimal(10**9))


def test_without_a_user_stream_the_version_stays_and_funds_are_unknown() -> None:
    watch = StreamWatch(MarketCache(SteppingClock()))
    assert watch.account_version() == watch.account_version()
    assert watch.free_balance("USDT") >= Decimal(10**30)


def test_a_fresh_account_cache_gives_its_version_and_free_balances() -> None:
    account = Account()
    watch = StreamWatch(MarketCache(SteppingClock()), account)
    before = watch.account_version()
    account.moved("USDT", "12.5")
    assert watch.account_version() != before
    assert watch.account_version() == watch.account_version()
    assert watch.free_balance("USDT") == Decimal("12.5")
    assert watch.free_balance("MX") >= Decimal(10**30)  # never reported: unknown


def test_a_stale_account_cache_breaks_every_promise() -> None:
    clock, account = SteppingClock(), Account()
    watch = StreamWatch(MarketCache(clock), account)
    account.moved("USDT", "1")
    account.fresh_until_ms = clock.now
    assert watch.account_version() != watch.account_version()
    assert watch.free_balance("USDT") >= Decimal(10**30)


def test_listeners_hear_prices_and_the_account_until_unsubscribed() -> None:
    account = Account()
    watch = StreamWatch(MarketCache(SteppingClock()), account)
    calls: list[str] = []
    unsubscribe = watch.add_listener(lambda: calls.append("woken"))
    watch.market.apply(BookTickerPush("BTCUSDT", Decimal(1), Decimal(1), Decimal(2),
                                      Decimal(1), 0))
    account.moved("USDT", "5")
    unsubscribe()
    watch.market.apply(deal("3"))
    account.moved("USDT", "6")
    assert calls == ["woken", "woken"]
