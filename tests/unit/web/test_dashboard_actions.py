"""Actions: read-only by default; when allowed, a confirm page, then a POST with the CSRF token."""

from __future__ import annotations

import httpx
import pytest
from tests.unit.web.support import TOKEN, csrf_of, dashboard


async def _confirmed(client: httpx.AsyncClient, action: str, query: str = "") -> str:
    page = await client.get(f"/confirm/{action}{query}")
    assert page.status_code == 200
    return csrf_of(page.text)


async def test_pausing_a_runner_through_the_confirm_page_pauses_it_in_the_panel() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        csrf = await _confirmed(client, "pause", "?runner=scanner")
        done = await client.post("/actions/pause", data={"csrf": csrf, "target": "scanner"})
        runners = await client.get("/fragments/runners")
    assert done.status_code == 200
    assert panel.runner_statuses["scanner"].paused
    assert not panel.runner_statuses["pnl_monitor"].paused
    assert "/confirm/resume?runner=scanner" in runners.text


async def test_resume_with_no_runner_resumes_every_runner() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        await panel.pause()
        csrf = await _confirmed(client, "resume")
        await client.post("/actions/resume", data={"csrf": csrf, "target": ""})
    assert not any(s.paused for s in panel.runner_statuses.values())


async def test_sell_and_rebalance_go_through_the_panel() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        csrf = await _confirmed(client, "sell", "?asset=BTC")
        sold = await client.post("/actions/sell", data={"csrf": csrf, "target": "BTC"})
        rebalanced = await client.post("/actions/rebalance", data={"csrf": csrf})
    assert (sold.status_code, rebalanced.status_code) == (200, 200)
    assert panel.sold == ["BTC"]
    assert panel.rebalances == 1
    assert "Sold 0.0031 BTC" in sold.text


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
async def test_an_action_without_the_sessions_csrf_token_is_refused(csrf: str | None) -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        await _confirmed(client, "pause", "?runner=scanner")
        form = {"target": "scanner"} | ({} if csrf is None else {"csrf": csrf})
        response = await client.post("/actions/pause", data=form)
    assert response.status_code == 403
    assert not panel.runner_statuses["scanner"].paused


async def test_another_sessions_csrf_token_is_refused() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        csrf = await _confirmed(client, "pause", "?runner=scanner")
        client.cookies.clear()
        response = await client.post("/actions/pause", data={"csrf": csrf, "target": "scanner"})
    assert response.status_code == 403
    assert not panel.runner_statuses["scanner"].paused


async def test_read_only_shows_no_action_button_and_refuses_actions() -> None:
    async with dashboard() as (client, panel):
        pages = [(await client.get(p)).text for p in ("/", "/runners", "/positions")]
        confirm = await client.get("/confirm/pause?runner=scanner")
        post = await client.post("/actions/pause", data={"csrf": "x", "target": "scanner"})
    assert not any("/confirm/" in html for html in pages)
    assert (confirm.status_code, post.status_code) == (403, 403)
    assert not panel.runner_statuses["scanner"].paused


async def test_an_unknown_runner_or_asset_is_404_and_changes_nothing() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        csrf = await _confirmed(client, "pause", "?runner=nobody")
        runner = await client.post("/actions/pause", data={"csrf": csrf, "target": "nobody"})
        asset = await client.post("/actions/sell", data={"csrf": csrf, "target": "DOGE"})
    assert (runner.status_code, asset.status_code) == (404, 404)
    assert not any(s.paused for s in panel.runner_statuses.values())
    assert panel.sold == []


async def test_an_unknown_action_is_404() -> None:
    async with dashboard(allow_actions=True) as (client, _):
        assert (await client.get("/confirm/withdraw")).status_code == 404
        assert (await client.post("/actions/withdraw", data={})).status_code == 404


async def test_an_action_is_a_post_only() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        response = await client.get("/actions/pause?target=scanner")
    assert response.status_code == 405
    assert not panel.runner_statuses["scanner"].paused


async def test_a_logged_in_session_can_act_with_its_csrf_token_beyond_loopback() -> None:
    async with dashboard(base_url="http://10.0.0.5:8080", token=TOKEN,
                         allow_actions=True) as (client, panel):
        await client.post("/login", data={"token": TOKEN})
        csrf = await _confirmed(client, "pause", "?runner=alts_monitor")
        done = await client.post("/actions/pause", data={"csrf": csrf, "target": "alts_monitor"})
    assert done.status_code == 200
    assert panel.runner_statuses["alts_monitor"].paused


async def test_an_oversized_form_is_refused() -> None:
    async with dashboard(allow_actions=True) as (client, panel):
        csrf = await _confirmed(client, "pause", "?runner=scanner")
        response = await client.post("/actions/pause",
                                     data={"csrf": csrf, "target": "scanner", "x": "y" * 5000})
    assert response.status_code == 413
    assert not panel.runner_statuses["scanner"].paused
