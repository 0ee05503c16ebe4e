"""Who may see the dashboard: loopback only without a token, the token beyond loopback."""

from __future__ import annotations

import pytest
from tests.unit.web.support import TOKEN, dashboard

from adapters.web.auth import ListenError, is_loopback, parse_listen, token_problem

LAN = "http://192.168.1.20:8080"


async def test_without_a_token_a_host_header_of_another_machine_is_refused() -> None:
    async with dashboard(base_url="http://evil.example:8080") as (client, _):
        response = await client.get("/")
    assert response.status_code == 403


async def test_with_a_token_a_request_without_it_gets_the_login_form_and_403() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        page, fragment = await client.get("/"), await client.get("/fragments/overview")
    assert (page.status_code, fragment.status_code) == (403, 403)
    assert 'action="/login"' in page.text
    assert "600.00" not in page.text


async def test_a_wrong_bearer_token_is_refused() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        response = await client.get("/", headers={"Authorization": "Bearer " + TOKEN[:-1]})
    assert response.status_code == 403
    assert "600.00" not in response.text


async def test_the_right_bearer_token_is_served() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        response = await client.get("/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "600.00 USDT" in response.text


async def test_the_login_form_sets_an_httponly_strict_cookie_that_serves_pages() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        login = await client.post("/login", data={"token": TOKEN})
        page = await client.get("/runners")
    assert login.status_code == 303
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert page.status_code == 200
    assert "balance_monitor" in page.text


async def test_a_wrong_token_in_the_login_form_is_refused() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        login = await client.post("/login", data={"token": "not-the-token-at-all"})
        page = await client.get("/")
    assert (login.status_code, page.status_code) == (403, 403)


async def test_the_token_never_appears_in_a_page() -> None:
    async with dashboard(base_url=LAN, token=TOKEN, allow_actions=True,
                         hide=(TOKEN,)) as (client, _):
        await client.post("/login", data={"token": TOKEN})
        pages = [await client.get(p) for p in ("/", "/runners", "/positions", "/orders", "/log",
                                               "/confirm/pause?runner=scanner")]
    assert all(p.status_code == 200 for p in pages)
    assert not any(TOKEN in p.text for p in pages)


async def test_static_files_are_served_without_a_token() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        response = await client.get("/static/dashboard.css")
    assert response.status_code == 200


@pytest.mark.parametrize(("text", "expected"), [
    ("8080", ("127.0.0.1", 8080)), ("0.0.0.0:80", ("0.0.0.0", 80)),
    ("localhost:0", ("localhost", 0)), ("[::1]:8080", ("::1", 8080)),
])
def test_a_listen_address_is_host_and_port(text: str, expected: tuple[str, int]) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["", "host:", "127.0.0.1:65536", "::1:80", "[::1]", "a:b"])
def test_a_bad_listen_address_is_refused(text: str) -> None:
    with pytest.raises(ListenError):
        parse_listen(text)


def test_only_loopback_hosts_count_as_loopback() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "localhost")] == [True] * 4
    assert [is_loopback(h) for h in ("0.0.0.0", "192.168.1.2", "::", "example.com")] == [False] * 4


def test_listening_beyond_loopback_needs_a_long_enough_token() -> None:
    assert token_problem("127.0.0.1", None) == ""
    assert "MEXBOT_WEB_TOKEN" in token_problem("0.0.0.0", None)
    assert "at least 16" in token_problem("0.0.0.0", "short")
    assert token_problem("0.0.0.0", TOKEN) == ""


async def test_requests_without_the_token_cannot_push_a_logged_in_session_out() -> None:
    async with dashboard(base_url=LAN, token=TOKEN) as (client, _):
        await client.post("/login", data={"token": TOKEN})
        logged_in = dict(client.cookies)
        client.cookies.clear()
        for _ in range(300):  # more than the sessions kept
            await client.get("/login")
            client.cookies.clear()
        client.cookies.update(logged_in)
        response = await client.get("/")
    assert response.status_code == 200
