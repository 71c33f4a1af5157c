"""The marker test: nothing the app shows to anyone else ties a rater to a rating.

A rater with a unique name, email and user id (the marker, build_security_world in tests/factories.py) rates several
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

import pytest

from tests import factories
from tests.factories import MARKER_COMMENTS, MARKER_EMAIL, MARKER_ID, MARKER_NAME, RATED_TITLES, build_security_world
from tests.security.routes import GET_URLS, STATIC_ENDPOINTS, periods
from tracker.extensions import db

ROLES = ("provider_lead", "provider_employee", "consumer_employee", "leadership", "admin", "other_employee")
API_COMMENT = "Qwv marker comment by API"
FORM_COMMENT = "Qwv marker comment by form"
MARKER_VALUES = (MARKER_NAME, MARKER_EMAIL, str(MARKER_ID))
RATING_DATA = (*MARKER_COMMENTS, API_COMMENT, FORM_COMMENT, *RATED_TITLES)
PERSON_PAGES = {"admin.people", "admin.person", "admin.export_person", "admin.tokens", "admin.audit",
                "api_users.list_users", "api_users.get_user", "api_users.export_user",
                "commitments.new",  # the owner choices: the members of the department
                "api_users.export_me"}  # an administrator's own audit events name the people they exported


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
    assert gets == set(GET_URLS)


@pytest.fixture
def marked_world(client, auth):
    world = build_security_world()
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
    when = periods()
    caplog.set_level(logging.DEBUG)
    found, person_pages, fetched = [], [], 0
    shown_comments = 0
    for endpoint, urls in GET_URLS.items():
        for url in urls(world, when):
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
    assert fetched > 120
    if role == "admin":
        assert person_pages, "the person pages should show the marker as a person"
    if role == "provider_lead":
        assert shown_comments > 0, "the provider should see the comments of a pair above k"
