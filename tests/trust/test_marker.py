"""The marker test: nothing the app shows to anyone else ties a rater to a rating.

A rater with a unique name, email and user id (the marker, tests/trust/world.py) rates several
handoffs with comments, through the API and the rating form, in a pair with six distinct raters
(k = 5), so aggregates and comments are shown. Then every other role (the provider's lead and an
employee, a colleague in the marker's own department, leadership, an administrator, an employee
of an unrelated department) fetches every GET route of the app, with the query variants that
change what is shown (periods, metrics, filters, CSV, API lists, the OpenAPI document, exports).

The rule:
- For everyone but administrators, the marker's name, email and user id appear 0 times in any
  answer, and in the log.
- Administrators manage people, so the marker appears to them as a person, on the people pages
  only: the people list and person page, the person's export, the tokens page, the audit log, the
  owner choices of a new commitment for the marker's department and the administrator's own
  export, whose audit events name the people they exported (`PERSON_PAGES`). None of these may
  carry rating data: none of the marker's comments and none of the titles of the handoffs the
  marker rated. On every other page the marker appears 0 times, as for everyone else.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from tests import factories
from tests.trust.routes import STATIC_ENDPOINTS
from tests.trust.world import MARKER_COMMENTS, MARKER_EMAIL, MARKER_ID, MARKER_NAME, RATED_TITLES, build_world
from tracker.extensions import db
from tracker.ratings.services import Quarter

ROLES = ("provider_lead", "provider_employee", "consumer_employee", "leadership", "admin", "other_employee")
API_COMMENT = "Qwv marker comment by API"
FORM_COMMENT = "Qwv marker comment by form"
MARKER_VALUES = (MARKER_NAME, MARKER_EMAIL, str(MARKER_ID))
RATING_DATA = (*MARKER_COMMENTS, API_COMMENT, FORM_COMMENT, *RATED_TITLES)
PERSON_PAGES = {"admin.people", "admin.person", "admin.export_person", "admin.tokens", "admin.audit",
                "api_users.list_users", "api_users.get_user", "api_users.export_user",
                "commitments.new",  # the owner choices: the members of the department
                "api_users.export_me"}  # an administrator's own audit events name the people they exported


def _periods() -> dict:
    today = datetime.now(UTC).date()
    last_quarter = Quarter.containing(today).previous()
    return {"today": today.isoformat(), "old": (last_quarter.start.date().replace(day=25)).isoformat(),
            "quarter": last_quarter.key}


def _dashboards(path: str, p: dict) -> list[str]:
    return [path, *(f"{path}?period={kind}&at={when}" for kind in ("week", "month", "quarter")
                    for when in (p["today"], p["old"]))]


def _ranges(path: str, p: dict) -> list[str]:
    return [path, *(f"{path}?period={kind}&from={p['old']}&to={p['today']}" for kind in ("week", "month", "quarter"))]


# GET endpoint -> URLs to fetch (world, periods) -> [url]. Every GET route must be here.
VARIANTS = {
    "web.home": lambda w, p: ["/"],
    "web.health": lambda w, p: ["/healthz"],
    "web.api_docs": lambda w, p: ["/api/v1/docs"],
    "auth.login": lambda w, p: ["/login"],
    "admin.index": lambda w, p: ["/admin"],
    "admin.audit": lambda w, p: ["/admin/audit", "/admin/audit?action=user.export"],
    "admin.people": lambda w, p: ["/admin/people", "/admin/people?q=zyxq"],
    "admin.person": lambda w, p: [f"/admin/people/{MARKER_ID}", f"/admin/people/{w.people['provider_lead'].id}"],
    "admin.export_person": lambda w, p: [f"/admin/people/{MARKER_ID}/export"],
    "admin.tokens": lambda w, p: ["/admin/tokens"],
    "calendars.index": lambda w, p: ["/calendars"],
    "calendars.detail": lambda w, p: [f"/calendars/{w.calendar.id}"],
    "calendars.new": lambda w, p: ["/calendars/new"],
    "calendars.edit": lambda w, p: [f"/calendars/{w.calendar.id}/edit"],
    "commitments.catalog": lambda w, p: ["/commitments", "/commitments?scope=all&status=any", "/commitments?q=a"],
    "commitments.department": lambda w, p: ["/departments/PRV", "/departments/CON"],
    "commitments.detail": lambda w, p: [f"/commitments/{w.published.id}", f"/commitments/{w.draft.id}"],
    "commitments.compare": lambda w, p: [f"/commitments/{w.published.id}/compare"],
    "commitments.new": lambda w, p: ["/departments/PRV/commitments/new", "/departments/CON/commitments/new"],
    "commitments.edit": lambda w, p: [f"/commitments/{w.published.id}/edit"],
    "commitments.retire": lambda w, p: [f"/commitments/{w.published.id}/retire"],
    "handoffs.index": lambda w, p: ["/handoffs", "/handoffs?status=delivered", "/handoffs?consumer=CON&page=2"],
    "handoffs.export_csv": lambda w, p: ["/handoffs/export.csv", "/handoffs/export.csv?status=delivered"],
    "handoffs.detail": lambda w, p: [f"/handoffs/{h.id}" for h in (*w.rated, w.delivered, w.open)],
    "handoffs.delivered": lambda w, p: ["/handoffs/delivered", "/handoffs/delivered?provider=PRV",
                                        f"/handoffs/delivered?provider=PRV&quarter={p['quarter']}"],
    "ratings.inbox": lambda w, p: ["/ratings/inbox"],
    "ratings.mine": lambda w, p: ["/ratings/mine"],
    "ratings.rate": lambda w, p: [f"/handoffs/{h.id}/rate" for h in (*w.rated, w.delivered)],
    "dashboards.matrix": lambda w, p: [*_dashboards("/dashboards", p),
                                       *(f"/dashboards?metric={m}" for m in ("collaboration", "csat", "attainment"))],
    "dashboards.matrix_csv": lambda w, p: [*_dashboards("/dashboards/matrix.csv", p),
                                           "/dashboards/matrix.csv?metric=csat"],
    "dashboards.pair": lambda w, p: [*_ranges("/dashboards/pairs/PRV/CON", p), "/dashboards/pairs/CON/PRV"],
    "dashboards.pair_csv": lambda w, p: _ranges("/dashboards/pairs/PRV/CON.csv", p),
    "dashboards.department": lambda w, p: [*_ranges("/dashboards/departments/PRV", p), "/dashboards/departments/CON"],
    "dashboards.department_csv": lambda w, p: _ranges("/dashboards/departments/PRV.csv", p),
    "dashboards.flows": lambda w, p: _ranges("/dashboards/flows", p),
    "dashboards.flows_csv": lambda w, p: _ranges("/dashboards/flows.csv", p),
    "dashboards.movers": lambda w, p: _dashboards("/dashboards/movers", p),
    "dashboards.movers_csv": lambda w, p: _dashboards("/dashboards/movers.csv", p),
    "api-docs.openapi_json": lambda w, p: ["/api/v1/openapi.json"],
    "api_me.me": lambda w, p: ["/api/v1/me"],
    "api_me.list_tokens": lambda w, p: ["/api/v1/tokens"],
    "api_users.export_me": lambda w, p: ["/api/v1/me/export"],
    "api_users.list_users": lambda w, p: ["/api/v1/users", "/api/v1/users?q=zyxq", "/api/v1/users?department=CON"],
    "api_users.get_user": lambda w, p: [f"/api/v1/users/{MARKER_ID}"],
    "api_users.export_user": lambda w, p: [f"/api/v1/users/{MARKER_ID}/export"],
    "api_departments.list_departments": lambda w, p: ["/api/v1/departments"],
    "api_departments.get_department": lambda w, p: ["/api/v1/departments/CON"],
    "api_calendars.list_calendars": lambda w, p: ["/api/v1/calendars"],
    "api_calendars.get_calendar": lambda w, p: [f"/api/v1/calendars/{w.calendar.id}"],
    "api_calendars.due": lambda w, p: [f"/api/v1/calendars/{w.calendar.id}/due?from=2026-01-05T09:00:00Z"
                                       "&amount=4&unit=business_hours"],
    "api_calendars.working_days": lambda w, p: [f"/api/v1/calendars/{w.calendar.id}/working-days"],
    "api_commitments.list_commitments": lambda w, p: ["/api/v1/commitments", "/api/v1/commitments?status=draft"],
    "api_commitments.get_commitment": lambda w, p: [f"/api/v1/commitments/{w.published.id}"],
    "api_commitments.list_versions": lambda w, p: [f"/api/v1/commitments/{w.published.id}/versions"],
    "api_handoffs.list_handoffs": lambda w, p: ["/api/v1/handoffs", "/api/v1/handoffs?status=delivered&page_size=500"],
    "api_handoffs.get_handoff": lambda w, p: [f"/api/v1/handoffs/{h.id}" for h in (*w.rated, w.delivered)],
    "api_ratings.get_rating": lambda w, p: [f"/api/v1/handoffs/{h.id}/rating" for h in (*w.rated, w.delivered)],
    "api_ratings.inbox": lambda w, p: ["/api/v1/ratings/inbox"],
    "api_ratings.mine": lambda w, p: ["/api/v1/ratings/mine"],
    "api_metrics.pairs": lambda w, p: [f"/api/v1/metrics/pairs?period={kind}&metric={metric}"
                                       for kind in ("week", "month", "quarter")
                                       for metric in ("satisfaction", "collaboration", "csat", "attainment")],
    "api_metrics.pair": lambda w, p: [f"/api/v1/metrics/pairs/PRV/CON?period={kind}&from={p['old']}&to={p['today']}"
                                      for kind in ("week", "month", "quarter")],
    "api_metrics.commitment": lambda w, p: [f"/api/v1/metrics/commitments/{w.published.id}?period=week"],
}


def _marker_rates(client, auth, world) -> None:
    """The marker rates through the API and the form, as a person would."""
    marker = world.people["marker"]
    auth.login(marker)
    response = client.put(f"/api/v1/handoffs/{world.delivered.id}/rating",
                          json={"satisfaction": 2, "collaboration": 1, "reasons": ["late"], "comment": API_COMMENT})
    assert response.status_code == 201, response.get_data(as_text=True)
    response = client.post(f"/handoffs/{world.rated[2].id}/rate",
                           data={"satisfaction": "1", "collaboration": "2", "reasons": ["attitude"],
                                 "comment": FORM_COMMENT})
    assert response.status_code == 302, response.get_data(as_text=True)
    auth.logout()


def test_every_get_route_is_fetched(app):
    gets = {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint not in STATIC_ENDPOINTS}
    assert gets == set(VARIANTS)


@pytest.fixture
def marked_world(client, auth):
    world = build_world()
    _marker_rates(client, auth, world)
    # Five colleagues rate the same recent handoff, so its pair stays above k in the current period.
    for i in range(5):
        factories.make_rating(world.delivered, rater=factories.make_user(department=world.consumer),
                              satisfaction=3 + i % 3, comment=f"Qwv recent colleague comment {i}")
    db.session.commit()
    return world


@pytest.mark.parametrize("role", ROLES)
def test_no_answer_ties_the_marker_to_a_rating(client, auth, marked_world, role, caplog):
    world = marked_world
    auth.login(world.people[role])
    periods = _periods()
    caplog.set_level(logging.DEBUG)
    found, person_pages, fetched = [], [], 0
    shown_comments = 0
    for endpoint, urls in VARIANTS.items():
        for url in urls(world, periods):
            response = client.get(url)
            fetched += 1
            assert response.status_code < 500, (url, response.status_code)
            # A page names its own address (the language form's "next"): that is the request, not data.
            body = response.get_data(as_text=True).replace(url.split("?")[0], "")
            shown_comments += sum(body.count(c) for c in (*MARKER_COMMENTS, API_COMMENT, FORM_COMMENT))
            hits = [value for value in MARKER_VALUES if value in body]
            if role == "admin" and endpoint in PERSON_PAGES:
                if hits:
                    person_pages.append(url)
                    found += [f"{url}: rating data {d!r} beside the person" for d in RATING_DATA if d in body]
            else:
                found += [f"{url}: {value!r}" for value in hits]
    assert found == [], found
    assert [value for value in MARKER_VALUES if value in caplog.text] == []
    assert fetched > 150
    if role == "admin":
        assert person_pages, "the person pages should show the marker as a person"
    if role == "provider_lead":
        assert shown_comments > 0, "the provider should see the comments of a pair above k"
