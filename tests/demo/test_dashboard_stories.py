"""The demo organisation's stories are what the dashboards show a reader of the demo."""

from __future__ import annotations

import re

from tracker.demo.seed import DEMO_PASSWORD, SIGN_IN_EXAMPLES, STORIES


def _leadership_client(app):
    client = app.test_client()
    response = client.post("/login", data={"email": SIGN_IN_EXAMPLES["leadership"], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _verdicts(html: str) -> dict[str, str]:
    """Pair -> verdict from the movers table, read as a person reads it."""
    rows = re.findall(r"<tr><th scope=\"row\"><a[^>]*>([^<]+)</a></th>.*?<td>([^<]+)</td></tr>", html, re.S)
    return {pair.strip(): verdict.strip() for pair, verdict in rows}


def test_movers_page_names_the_improving_and_the_degrading_pair(seeded):
    client = _leadership_client(seeded.app)
    html = client.get("/dashboards/movers?period=quarter").get_data(as_text=True)
    verdicts = _verdicts(html)
    improving = " → ".join(STORIES["improving"])
    degrading = " → ".join(STORIES["degrading"])
    assert verdicts.get(improving) == "improved", verdicts
    assert verdicts.get(degrading) == "worse", verdicts


def test_scorecard_flags_the_department_on_time_yet_rated_poorly(seeded):
    client = _leadership_client(seeded.app)
    code = STORIES["on_time_rated_poorly"]
    html = client.get(f"/dashboards/departments/{code}?period=quarter").get_data(as_text=True)
    assert "On time, yet rated poorly" in html
    other = client.get("/dashboards/departments/IT?period=quarter").get_data(as_text=True)
    assert "On time, yet rated poorly" not in other
