import logging

import httpx
import pytest
from tests.unit.mexc.support import (
    SECRET,
    SteppingClock,
    StubMexc,
    make_exchange,
    params_of,
    reply,
    sample,
    timeout,
)

from adapters.mexc.client import MexcHttp
from adapters.mexc.errors import NetworkError
from adapters.mexc.listen_keys import (
    USER_DATA_STREAM,
    ListenKey,
    ListenKeyGone,
    ListenKeyRefused,
    ListenKeys,
)
from adapters.mexc.signing import sign
from mexcore.errors import ExchangeDataError, MexbotError

KEY_TEXT = "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1"


@pytest.fixture
def stub() -> StubMexc:
    return StubMexc(SteppingClock())


def http_of(stub: StubMexc) -> MexcHttp:
    return make_exchange(stub).http


def refusal(request: httpx.Request) -> httpx.Response:
    # MEXC's answer for an unknown key is not documented; the message may echo the key.
    key = params_of(request).get("listenKey", "")
    return reply({"code": 730706, "msg": f"listenKey {key} does not exist"}, 400)


async def test_create_posts_a_signed_request_and_returns_the_key(stub: StubMexc) -> None:
    stub.on("POST", USER_DATA_STREAM, lambda r: reply({"listenKey": KEY_TEXT}))
    key = await ListenKeys(http_of(stub)).create()
    (request,) = stub.calls("POST", USER_DATA_STREAM)
    unsigned, signature = request.url.query.decode().rsplit("&signature=", 1)
    assert key.value == KEY_TEXT
    assert signature == sign(SECRET, unsigned)


async def test_keep_alive_puts_the_key_as_a_signed_param(stub: StubMexc) -> None:
    stub.on("PUT", USER_DATA_STREAM, lambda r: reply({"listenKey": KEY_TEXT}))
    await ListenKeys(http_of(stub)).keep_alive(ListenKey(KEY_TEXT))
    (request,) = stub.calls("PUT", USER_DATA_STREAM)
    assert params_of(request)["listenKey"] == KEY_TEXT
    assert "signature" in params_of(request)


async def test_delete_sends_the_key_and_a_key_already_gone_counts_as_deleted(
        stub: StubMexc) -> None:
    stub.on("DELETE", USER_DATA_STREAM, refusal)
    await ListenKeys(http_of(stub)).delete(ListenKey(KEY_TEXT))
    (request,) = stub.calls("DELETE", USER_DATA_STREAM)
    assert params_of(request)["listenKey"] == KEY_TEXT


async def test_valid_keys_lists_every_key_of_the_account(stub: StubMexc) -> None:
    stub.on("GET", USER_DATA_STREAM, lambda r: reply({"listenKey": [KEY_TEXT, "abc123"]}))
    keys = await ListenKeys(http_of(stub)).valid_keys()
    assert [k.value for k in keys] == [KEY_TEXT, "abc123"]


async def test_a_refused_keep_alive_means_the_key_is_gone(stub: StubMexc) -> None:
    stub.on("PUT", USER_DATA_STREAM, refusal)
    with pytest.raises(ListenKeyGone):
        await ListenKeys(http_of(stub)).keep_alive(ListenKey(KEY_TEXT))


async def test_a_keep_alive_lost_on_the_network_stays_retryable_not_gone(
        stub: StubMexc) -> None:
    stub.on("PUT", USER_DATA_STREAM, timeout)
    with pytest.raises(NetworkError):
        await ListenKeys(http_of(stub)).keep_alive(ListenKey(KEY_TEXT))
    assert len(stub.calls("PUT", USER_DATA_STREAM)) > 1  # retried like any safe read


async def test_a_refused_create_is_retryable_and_names_the_key_limit(stub: StubMexc) -> None:
    stub.on("POST", USER_DATA_STREAM,
            lambda r: reply({"code": 730707, "msg": "too many listen keys"}, 400))
    with pytest.raises(ListenKeyRefused, match="60 valid keys"):
        await ListenKeys(http_of(stub)).create()


@pytest.mark.parametrize("body", [{}, {"listenKey": ""}, {"listenKey": 5}, ["x"],
                                  {"listenKey": "has space"}])
async def test_a_create_answer_without_a_usable_key_is_a_data_error(
        stub: StubMexc, body: object) -> None:
    stub.on("POST", USER_DATA_STREAM, lambda r: reply(body))
    with pytest.raises(ExchangeDataError, match="listen"):
        await ListenKeys(http_of(stub)).create()


def test_a_listen_key_never_shows_its_value_in_text() -> None:
    key = ListenKey(KEY_TEXT)
    assert KEY_TEXT not in repr(key)
    assert KEY_TEXT not in str(key)
    assert KEY_TEXT not in f"{key} {[key]}"


async def test_the_key_is_in_no_error_text_and_no_log_record(
        stub: StubMexc, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stub.on("POST", USER_DATA_STREAM, lambda r: reply({"listenKey": KEY_TEXT}))
    stub.on("PUT", USER_DATA_STREAM, refusal)
    keys = ListenKeys(http_of(stub))
    key = await keys.create()
    with pytest.raises(MexbotError) as raised:
        await keys.keep_alive(key)
    texts = [str(raised.value), repr(raised.value), str(raised.value.__cause__)]
    texts += [r.getMessage() for r in caplog.records]
    assert texts[-1]  # the refusal was logged
    assert not [t for t in texts if KEY_TEXT in t]


async def test_a_key_in_a_failed_request_url_is_redacted(stub: StubMexc) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    stub.on("DELETE", USER_DATA_STREAM, broken)
    with pytest.raises(NetworkError) as raised:
        await ListenKeys(http_of(stub)).delete(ListenKey(KEY_TEXT))
    assert "listenKey=***" in str(raised.value)
    assert KEY_TEXT not in str(raised.value)


async def test_a_create_refused_for_its_timestamp_is_sent_again_after_the_resync(
        stub: StubMexc) -> None:
    stub.on("POST", USER_DATA_STREAM, lambda r: reply(sample("errors.timestamp"), 400),
            lambda r: reply({"listenKey": KEY_TEXT}))
    key = await ListenKeys(http_of(stub)).create()
    assert key.value == KEY_TEXT
    assert len(stub.calls("POST", USER_DATA_STREAM)) == 2
