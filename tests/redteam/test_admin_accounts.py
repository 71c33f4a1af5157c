"""Class 7: an administrator's own accounts cannot lift one real rater over k.

An administrator creates accounts with passwords they know, rates through them beside one real
rater, and reads the answers: no value may stand on fewer than k people who set their own
password. Played over the app's answers (the API's cells), on randomised small organisations.
"""

from __future__ import annotations

import random

import pytest

from tests import factories
from tests.factories import at, fresh_org, release_again
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.users import services as user_services

K = 3
PASSWORD = "a long sentence nobody guesses"


def _cells(client, label: str) -> dict:
    cells = client.get(f"/api/v1/metrics/pairs?period=month&metric=satisfaction&from={label}&to={label}").json
    return {(c["provider"], c["consumer"]): c for c in cells}


@pytest.mark.parametrize("seed", range(3))
def test_accounts_an_administrator_created_with_a_password_do_not_count_towards_k(app, client, login_as, seed):
    rng = random.Random(seed)
    org = fresh_org(app, K, ("AA", "BB", "CC"))
    admin = factories.make_user(role="admin")
    real = rng.randint(1, K - 1)
    made = []
    for i in range(K - real + rng.randint(0, 2)):  # enough made-up accounts to reach k, and more
        person = user_services.create_user(admin, email=f"made{i}@example.test", display_name=f"Made {i}",
                                           department_code="BB", password=PASSWORD)
        org.raters[("BB", 100 + i)] = person
        made.append(person)
    for rater in range(real):
        org.rate("AA", "BB", rater, rng.randint(1, 5), 3, at(2025, 3, 10))
    for i in range(len(made)):
        org.rate("AA", "BB", 100 + i, 5, 5, at(2025, 3, 11))
    for rater in range(K + 2):  # another pair, so the company total is not the target's alone
        org.rate("CC", "AA", rater, 4, 4, at(2025, 3, 12))
    db.session.commit()
    created = db.session.query(AuditEvent).filter(AuditEvent.action == "user.create").all()
    assert all(event.details.get("password_set_by_admin") for event in created)
    login_as("leadership")
    assert ("AA", "BB") not in _cells(client, "2025-03")  # fewer than k people: not listed at all

    # Once every made-up account's owner has set their own password, they are people like any other.
    for person in made:
        auth_services.change_own_password(person, PASSWORD, PASSWORD + " again", end_tokens=False)
    db.session.commit()
    release_again()
    assert _cells(client, "2025-03")[("AA", "BB")]["raters"] == real + len(made)
