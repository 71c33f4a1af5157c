"""The app-wide authorization net: every URL rule x method x caller against one expected table.

Callers: anonymous, an employee of the consumer department, an employee of another department,
the provider's lead, another department's lead, leadership and an administrator. The routes come
from `app.url_map` (HEAD, OPTIONS and the static endpoints aside, see tests/security/routes.py); a
route or method missing from EXPECTED (tests/security/authorization.py) fails the test, so a new
route needs a decision there.

Writes are sent with valid bodies (tests/security/routes.py), so a status reflects authorization and
not validation. Denied answers (401, 403, 404, and the anonymous caller's redirects to sign-in)
must carry none of the world's private values: titles of drafts and handoffs, rating comments,
other people's emails, the API token's secret.

The feature tables in tests/commitments/test_authorization.py and tests/handoffs/test_authorization.py
go deeper (every state, every action); this one makes sure nothing in the app is left out.
Runs on both databases: all seven callers take a few seconds per backend.
"""

from __future__ import annotations

import pytest

from tests.factories import CALLERS, build_security_world
from tests.security.authorization import DENIED, EXPECTED, LOGIN
from tests.security.routes import CALLS, ordered, url_rules


def _status(response) -> int | str:
    if response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login"):
        return LOGIN
    return response.status_code


def test_every_route_and_method_is_in_the_table(app):
    table = {(endpoint, method) for endpoint, methods in EXPECTED.items() for method in methods}
    assert url_rules(app) - table == set(), "add these routes to EXPECTED"
    assert table - url_rules(app) == set(), "these routes are gone: remove them from EXPECTED"
    assert set(CALLS) == url_rules(app)


@pytest.mark.parametrize("caller", CALLERS)
def test_each_caller_gets_what_the_table_says_and_no_private_data_when_denied(client, auth, caller):
    world = build_security_world()
    if caller != "anonymous":
        auth.login(world.people[caller])
    own_email = world.people[caller].email if caller != "anonymous" else None
    private = [value for value in world.private if value != own_email]
    wrong, leaks = [], []
    for endpoint, method in ordered(CALLS):
        url, kwargs = CALLS[endpoint, method](world, caller)
        response = client.open(url, method=method, **kwargs)
        expected = EXPECTED[endpoint][method][caller]
        status = _status(response)
        if status not in (expected if isinstance(expected, set) else {expected}):
            wrong.append(f"{method} {url}: {status}, expected {expected}")
        if status in DENIED or status == LOGIN:
            body = response.get_data()
            leaks += [f"{method} {url}: {value!r}" for value in private if value.encode() in body]
    assert wrong == []
    assert leaks == []
