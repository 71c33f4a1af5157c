"""The metrics API: cells, suppression, who sees what, series and error budgets."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.factories import Org, at
from tracker.extensions import db


def rated_pair(org: Org, provider: str, consumer: str, raters: int, score: int = 4, when=None):
    for i in range(raters):
        org.rate(provider, consumer, i, score, 3, when or at(2026, 1, 10))


def test_cells_show_values_behind_k_raters_and_leave_out_the_rest_as_if_unrated(client, login_as):
    org = Org()
    rated_pair(org, "FIN", "HR", 5, score=4)
    rated_pair(org, "IT", "HR", 4, score=2)
    # Without a third pair, the company total (released first) minus FIN -> HR would be IT -> HR's.
    rated_pair(org, "SALES", "HR", 5, score=3)
    login_as("leadership")
    cells = client.get("/api/v1/metrics/pairs?metric=satisfaction&period=month&from=2026-01&to=2026-01").json
    by_pair = {(c["provider"], c["consumer"]): c for c in cells}
    assert by_pair[("FIN", "HR")] == {"provider": "FIN", "consumer": "HR", "period": "2026-01", "n": 5,
                                      "raters": 5, "value": 4.0, "low": 4.0, "high": 4.0}
    assert ("IT", "HR") not in by_pair  # listed, it would tell that ratings arrived


def test_csat_is_a_percentage_with_a_wilson_interval(client, login_as):
    org = Org()
    for i, score in enumerate((5, 4, 4, 3, 1)):
        org.rate("FIN", "HR", i, score, 3, at(2026, 1, 12))
    login_as("admin")
    cell = client.get("/api/v1/metrics/pairs?metric=csat&period=quarter&from=2026-Q1&to=2026-Q1").json[0]
    assert (cell["value"], round(cell["low"], 2), round(cell["high"], 2)) == (60.0, 23.07, 88.24)


def test_an_employee_sees_only_pairs_of_their_department(client, login_as):
    org = Org()
    rated_pair(org, "FIN", "HR", 5)
    rated_pair(org, "IT", "SALES", 5)
    login_as("employee", department=org.department("HR"))
    cells = client.get("/api/v1/metrics/pairs?period=month&from=2026-01&to=2026-01").json
    assert {(c["provider"], c["consumer"]) for c in cells} == {("FIN", "HR")}
    refused = client.get("/api/v1/metrics/pairs/IT/SALES?period=month&from=2026-01&to=2026-01")
    assert refused.status_code == 403


def test_pair_series_has_both_directions_and_suppressed_points_carry_no_values(client, login_as):
    org = Org()
    rated_pair(org, "FIN", "HR", 6, score=5)
    rated_pair(org, "HR", "FIN", 2, score=1)
    rated_pair(org, "IT", "SALES", 6)  # else the company total minus FIN -> HR would be HR -> FIN's
    login_as("lead", department=org.department("FIN"))
    body = client.get("/api/v1/metrics/pairs/fin/hr?period=month&from=2025-12&to=2026-01").json
    january = body["series"]["points"][1]
    assert (january["period"], january["satisfaction"]["value"], january["raters"]) == ("2026-01", 5.0, 6)
    reverse = body["reverse"]["points"][1]
    assert {key: reverse[key] for key in ("suppressed", "reason", "satisfaction", "collaboration", "csat")} == {
        "suppressed": True, "reason": "few", "satisfaction": None, "collaboration": None, "csat": None}
    assert "raters" not in reverse and "n" not in reverse


def test_commitment_budget_counts_misses_and_open_past_due(client, login_as):
    commitment = factories.make_commitment(provider=factories.make_department(code="FIN"))
    hr = factories.make_department(code="HR")
    start = at(2026, 1, 5)
    for days in (1, 1, 1, 3):  # due after 2 days: three on time, one late
        factories.make_handoff(commitment, consumer=hr, requested_at=start, delivered_at=start + timedelta(days=days))
    factories.make_handoff(commitment, consumer=hr, requested_at=start)  # open and past due: a miss
    db.session.commit()
    login_as("leadership")
    body = client.get(f"/api/v1/metrics/commitments/{commitment.id}?period=month&from=2026-01&to=2026-01").json
    assert body["points"][0] == {"period": "2026-01", "start": "2026-01-01", "due": 5, "met": 3, "missed": 2,
                                 "attainment": 60.0, "error_budget": 0.25, "remaining": -1.75, "burn_rate": 8.0}


def test_bad_period_names_the_field(client, login_as):
    login_as("admin")
    response = client.get("/api/v1/metrics/pairs?period=month&from=2026-13")
    assert response.status_code == 422
    assert "from" in response.json["errors"]["json"]
