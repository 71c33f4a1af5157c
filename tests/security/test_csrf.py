"""CSRF across the whole app, with protection on as in production (`csrf_app`).

- Every unsafe route (POST, PUT, PATCH, DELETE in the URL map) sent without a token by a signed-in
  administrator, with an otherwise valid body, is refused: forms with Flask-WTF's 400, the API
  (session cookie, no X-CSRFToken header) with 403; and the database is unchanged.
- A bearer token needs no CSRF header: each API write succeeds with one.
- No GET changes state: every GET route, with its query variants, fetched as an administrator,
  leaves every table as it was. Two things may change and are left out by name: when a session
  was last seen and when a token was last used (`routes.TOUCHED_COLUMNS`). Exporting a person's data is
  a read that is audited on purpose, so the two export routes may add exactly one `user.export`
  audit event each and nothing else. A read makes the releases that are due (releases.py), so they
  are made before the reads: none falls due while they run.
"""

from __future__ import annotations

import re

from tests import factories
from tests.factories import build_security_world
from tests.security.routes import CALLS, GET_URLS, UNSAFE, periods, snapshot, url_rules
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.metrics.releases import release_due

AUDITED_READS = {"admin.export_person", "api_users.export_user"}
# Who makes each API write in the bearer test when an administrator may not (see the matrix).
BEARER_CALLER = {"api_ratings.put_rating": "consumer_employee", "api_me.revoke_token": "provider_lead"}


def _changed(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _sign_in(client, user) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


# Routes whose signed link is their authority, which a mail program posts to without a form token
# (RFC 8058's one click): tests/messages/test_preferences.py proves what they may change.
SIGNED_LINKS = {("messages.unsubscribe", "POST")}


def test_unsafe_routes_without_a_token_are_refused_and_write_nothing(csrf_app):
    world = build_security_world()
    client = csrf_app.test_client()
    _sign_in(client, world.people["admin"])
    wrong, writes = [], []
    unsafe = sorted(key for key in url_rules(csrf_app) if key[1] in UNSAFE and key not in SIGNED_LINKS)
    assert len(unsafe) > 30
    for endpoint, method in unsafe:
        url, kwargs = CALLS[endpoint, method](world, "admin")
        before = snapshot()
        response = client.open(url, method=method, **kwargs)
        expected = 403 if url.startswith("/api/") else 400
        if response.status_code != expected:
            wrong.append(f"{method} {url}: {response.status_code}, expected {expected}")
        writes += [f"{method} {url} changed {table}" for table in _changed(before, snapshot())]
    assert wrong == []
    assert writes == []


def test_api_writes_with_a_bearer_token_need_no_csrf_header(csrf_app):
    world = build_security_world()
    secrets = {}
    for caller in ("admin", *BEARER_CALLER.values()):
        _token, secrets[caller] = auth_services.create_token(world.people[caller], name="bearer")
    db.session.commit()
    client = csrf_app.test_client()
    refused = []
    for endpoint, method in sorted(key for key in url_rules(csrf_app) if key[1] in UNSAFE):
        url, kwargs = CALLS[endpoint, method](world, "admin")
        if not url.startswith("/api/"):
            continue
        caller = BEARER_CALLER.get(endpoint, "admin")
        response = client.open(url, method=method, headers={"Authorization": f"Bearer {secrets[caller]}"}, **kwargs)
        if not 200 <= response.status_code < 300:
            refused.append(f"{method} {url}: {response.status_code} {response.get_data(as_text=True)[:200]}")
    assert refused == []


def test_no_get_route_changes_state(csrf_app):
    world = build_security_world()
    release_due()
    db.session.commit()
    client = csrf_app.test_client()
    _sign_in(client, world.people["admin"])
    when = periods()
    writes, fetched = [], 0
    for endpoint, urls in GET_URLS.items():
        for url in urls(world, when):
            before = snapshot()
            response = client.get(url)
            fetched += 1
            assert response.status_code < 500, url
            after = snapshot()
            changed = _changed(before, after)
            if endpoint in AUDITED_READS and changed == ["audit_events"]:
                added = [row for row in after["audit_events"] if row not in before["audit_events"]]
                if len(added) == 1 and "'user.export'" in added[0]:
                    continue
            writes += [f"GET {url} changed {table}" for table in changed]
    assert fetched > 120
    assert writes == []
