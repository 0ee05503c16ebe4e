from decimal import Decimal

from adapters.mexc.account_cache import AccountCache
from mexcore.values import Balance

NOW = 1_767_211_150_000


def connected_and_loaded(snapshot: dict[str, Balance] | None = None) -> AccountCache:
    cache = AccountCache(stale_after_s=60)
    cache.connected(NOW)
    cache.load(snapshot or {"USDT": Balance("USDT", "100", "5")}, cache.version)
    return cache


def test_free_is_unknown_before_any_push_or_snapshot() -> None:
    assert AccountCache().free("USDT") is None


def test_a_push_sets_the_free_amount_of_its_asset_only() -> None:
    cache = AccountCache()
    cache.apply("BTC", Decimal("0.5"), Decimal("0.1"))
    assert cache.free("BTC") == Decimal("0.5")
    assert cache.balances()["BTC"] == Balance("BTC", "0.5", "0.1")
    assert cache.free("USDT") is None


def test_after_a_snapshot_an_asset_it_does_not_list_is_zero() -> None:
    cache = connected_and_loaded()
    assert cache.free("USDT") == Decimal("100")
    assert cache.free("ADA") == Decimal(0)


def test_a_push_that_came_while_the_snapshot_was_read_wins_over_it() -> None:
    cache = AccountCache()
    cache.connected(NOW)
    before = cache.version
    cache.apply("USDT", Decimal("80"), Decimal("25"))  # an order was placed meanwhile
    cache.load({"USDT": Balance("USDT", "100", "5")}, before)
    assert cache.free("USDT") == Decimal("80")


def test_a_snapshot_replaces_pushes_older_than_it_and_zeroes_assets_it_lacks() -> None:
    cache = AccountCache()
    cache.apply("ADA", Decimal("10"), Decimal("0"))
    cache.connected(NOW)
    cache.load({"USDT": Balance("USDT", "7")}, cache.version)
    assert cache.free("ADA") == Decimal(0)
    assert "ADA" not in cache.balances()


def test_every_private_push_bumps_the_version_and_calls_the_listeners() -> None:
    cache = AccountCache()
    calls: list[int] = []
    cache.add_listener(lambda: calls.append(cache.version))
    cache.apply("USDT", Decimal("1"), Decimal("0"))
    cache.touch()
    cache.touch()
    assert cache.version == 3
    assert calls == [1, 2, 3]


def test_an_unsubscribed_listener_is_not_called_again() -> None:
    cache = AccountCache()
    calls: list[int] = []
    remove = cache.add_listener(lambda: calls.append(1))
    remove()
    remove()  # twice is harmless
    cache.touch()
    assert calls == []


def test_a_failing_listener_does_not_keep_the_others_from_hearing() -> None:
    cache = AccountCache()
    calls: list[int] = []

    def broken() -> None:
        raise RuntimeError("watcher bug")

    cache.add_listener(broken)
    cache.add_listener(lambda: calls.append(1))
    cache.touch()
    assert calls == [1]
    assert cache.version == 1


def test_fresh_needs_a_connection_a_snapshot_and_a_recent_answer() -> None:
    cache = AccountCache(stale_after_s=60)
    assert not cache.fresh(NOW)
    cache.connected(NOW)
    assert not cache.fresh(NOW)  # no snapshot yet: pushes before the connection are unknown
    cache.load({}, cache.version)
    assert cache.fresh(NOW + 60_000)
    assert not cache.fresh(NOW + 60_001)
    cache.heard(NOW + 60_000)
    assert cache.fresh(NOW + 120_000)


def test_a_disconnect_makes_it_stale_until_a_new_snapshot_after_reconnecting() -> None:
    cache = connected_and_loaded()
    version = cache.version
    cache.disconnected()
    assert not cache.fresh(NOW)
    assert cache.version > version  # watchers hear that the account may now change unseen
    cache.connected(NOW + 1000)
    assert not cache.fresh(NOW + 1000)
    cache.load({}, cache.version)
    assert cache.fresh(NOW + 1000)


def test_a_snapshot_read_before_a_reconnect_does_not_make_it_fresh() -> None:
    cache = AccountCache()
    cache.connected(NOW)
    before = cache.version
    cache.disconnected()
    cache.connected(NOW + 500)
    cache.load({"USDT": Balance("USDT", "3")}, before)
    assert not cache.fresh(NOW + 500)
    assert cache.free("USDT") == Decimal("3")
