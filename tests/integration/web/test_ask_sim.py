"""`mexbot sim --web` with `[advisor] enabled`: the dashboard's Ask page answers with the fake."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.integration.web.sim_server import sim_with_web
from tests.unit.web.support import csrf_of

pytestmark = pytest.mark.slow  # a sim process, ~10 s


def test_the_sims_dashboard_answers_a_question_with_the_fake_advisor(tmp_path: Path) -> None:
    with sim_with_web(tmp_path, "[advisor]\nenabled = true\n") as url, \
            httpx.Client(base_url=url, timeout=10) as client:
        page = client.get("/ask")
        answer = client.post("/ask", data={"csrf": csrf_of(page.text),
                                           "question": "<i>what</i> do I hold?"})
        again = client.post("/ask", data={"csrf": csrf_of(page.text), "question": "and now?"})
    assert page.status_code == 200
    assert answer.status_code == 200
    assert "You asked &#34;&lt;i&gt;what&lt;/i&gt; do I hold?&#34;" in answer.text
    assert "The portfolio is worth" in answer.text
    assert again.status_code == 429  # wall time: the sim's fast clock does not lift the limit
