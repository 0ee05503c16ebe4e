import pytest
from tests.unit.mexc.support import sample

from adapters.mexc.errors import (
    ClockSkew,
    FirewallBlocked,
    ServerError,
    error_for_code,
    error_for_status,
    parse_retry_after,
    redact,
)
from adapters.mexc.ratelimit import RateLimited
from mexcore.errors import (
    ExchangeDataError,
    InsufficientFunds,
    MexbotError,
    OrderNotFound,
    OrderRejected,
    PrecisionRejected,
    RetryLater,
    SkipSymbol,
    StopForHuman,
)


@pytest.mark.parametrize(("name", "expected"), [
    ("signature", StopForHuman), ("timestamp", ClockSkew), ("not_api", SkipSymbol),
    ("order_missing", OrderNotFound), ("unknown_order", OrderNotFound),
    ("invalid_interval", SkipSymbol), ("oversold", InsufficientFunds),
    ("amount_scale", PrecisionRejected), ("min_volume", OrderRejected)])
def test_recorded_error_bodies_map_to_the_core_errors(
        name: str, expected: type[MexbotError]) -> None:
    body = sample(f"errors.{name}")
    error = error_for_code(body["code"], body["msg"], "ADAUSDT", is_order=True)
    assert type(error) is expected


@pytest.mark.parametrize(("code", "expected"), [
    (30002, OrderRejected), (30003, OrderRejected), (30004, InsufficientFunds),
    (30005, InsufficientFunds), (-2011, OrderNotFound), (-2013, OrderNotFound),
    (-1121, SkipSymbol), (10007, SkipSymbol), (700002, StopForHuman), (10072, StopForHuman),
    (700006, StopForHuman), (700003, ClockSkew)])
def test_error_codes_map_as_the_brief_says(code: int, expected: type[MexbotError]) -> None:
    assert type(error_for_code(code, "msg", "ADAUSDT", is_order=True)) is expected


def test_quantity_scale_message_with_code_400_is_a_precision_rejection() -> None:
    error = error_for_code(400, "quantity scale is invalid", "GALAUSDT", is_order=True)
    assert isinstance(error, PrecisionRejected)
    assert error.code == 400


def test_not_api_tradeable_names_the_symbol_and_explains_what_to_do() -> None:
    error = error_for_code(10007, "symbol not support api", "BTCUSDT", is_order=True)
    assert isinstance(error, SkipSymbol)
    assert error.symbol == "BTCUSDT"
    assert "not allow trading this symbol through the API" in str(error)
    assert "USDC" in str(error)


def test_unknown_code_on_a_read_is_a_data_error_and_on_an_order_a_rejection() -> None:
    assert isinstance(error_for_code(12345, "odd", None, is_order=False), ExchangeDataError)
    assert isinstance(error_for_code(12345, "odd", None, is_order=True), OrderRejected)


@pytest.mark.parametrize(("status", "expected"), [
    (429, RateLimited), (418, RateLimited), (403, FirewallBlocked), (500, ServerError),
    (502, ServerError), (503, ServerError), (401, StopForHuman), (404, ExchangeDataError)])
def test_http_statuses_without_a_code_map_to_core_errors(
        status: int, expected: type[MexbotError]) -> None:
    assert type(error_for_status(status, "<html>Access Denied</html>", 3.0)) is expected


def test_rate_limit_carries_retry_after_and_is_retry_later() -> None:
    error = error_for_status(429, "", 7.0)
    assert isinstance(error, RetryLater)
    assert error.retry_after_s == 7.0


def test_firewall_page_gives_a_clear_retry_later() -> None:
    error = error_for_status(403, "<html>Access Denied</html>", None)
    assert isinstance(error, RetryLater)
    assert "firewall" in str(error)


@pytest.mark.parametrize(("header", "seconds"), [
    ("3", 3.0), ("0.5", 0.5), (None, None), ("", None), ("soon", None), ("-1", None)])
def test_parse_retry_after_reads_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_redact_removes_signatures_and_secrets() -> None:
    text = "GET /api/v3/account?timestamp=1&signature=abc123def key=K3Y secret S3CRET"
    clean = redact(text, ("K3Y", "S3CRET"))
    assert "abc123def" not in clean
    assert "K3Y" not in clean
    assert "S3CRET" not in clean
    assert "signature=***" in clean
