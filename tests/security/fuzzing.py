"""Schemathesis over the OpenAPI document: every operation, as every role, up to 50 examples each (shared code).

Each example goes through every check schemathesis has (`schemathesis.checks.CHECKS`): no server
error (5xx); no undocumented status code, body, header or content type; a request that breaks
the document is refused; a request the document allows is not refused for its shape (see
`positive_data_acceptance_beyond_stored_data` for the one narrowing, and why); a missing
token is refused. Half the examples are valid requests, half are requests that break the
documented schema on purpose (wrong types, NUL bytes, huge numbers, odd dates). The checks that
need a stateful run (use after free, resource availability, object-level authorization) find
nothing to compare in single requests; tests/security/test_authorization_matrix.py covers the latter.

The run is on SQLite only (the module builds its own app on a SQLite file instead of using the
`app` fixture, which would run it once per backend): the checks are about the HTTP contract, which is the same on both
databases, and the database-specific failures a fuzzer could reach (NUL bytes in PostgreSQL
text, integers past 2**63 in SQLite) are closed in the schemas, which are proved on both by
tests/database/test_constraints.py and the users API tests. Running its requests twice would take
a quarter of CI's time budget for no additional contract coverage.

The roles are split over two test modules (test_fuzz_api_*.py) so that two test workers share
the run. Every (operation, role) pair starts from the same small organisation, rebuilt before it, so a
destructive example (an erasure, a revoked token, a retired commitment) cannot change what the
next pair sees. Examples that would revoke the caller's own token, or erase, deactivate or
demote the caller, are left out: they would only turn the rest of the run into 401s.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as ALL_CHECKS
from schemathesis.checks import Failure, positive_data_acceptance
from werkzeug.exceptions import UnprocessableEntity

from tests import factories
from tests.databases import empty_all_tables, make_app
from tracker.auth.services import create_token
from tracker.extensions import db

# Examples per operation for each role. The employee (the fewest rights: the rater's own paths and
# one department's numbers) and the administrator (every success path, every company-wide list)
# reach the most distinct code and get 50 each. A lead runs the employee's department-scoped
# code plus the managing paths, and leadership the administrator's company-wide reads minus the
# administration: they get 10, to keep the run near a minute on each of two test workers, inside
# make test's ten minutes. TRACKER_FUZZ_EXAMPLES=100 gives every role 100 (about eight minutes).
_ALL = os.environ.get("TRACKER_FUZZ_EXAMPLES")
EXAMPLES = {role: int(_ALL) if _ALL else n for role, n in
            {"employee": 50, "lead": 10, "leadership": 10, "admin": 50}.items()}
# What the server answers when a request breaks the documented schema; a refusal by a service
# rule names the rule instead.
SCHEMA_REFUSAL = UnprocessableEntity.description


def positive_data_acceptance_beyond_stored_data(ctx, response, case):
    """positive_data_acceptance, except for a 422 that states a rule about stored data or several fields.

    The document says what a well-formed request looks like. It cannot say which department codes,
    commitment ids or people exist, nor rules across fields (everyone but an administrator needs
    a department; a 2026-W60 label names no week), and the server answers those with 422 and a
    message naming the rule, as documented. That is the contract working, not a discrepancy. A
    schema-valid request that the schema validation refuses (the generic 422 message) still fails.
    """
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        if response.status_code == 422 and response.json().get("message") != SCHEMA_REFUSAL:
            return None
        raise


CHECKS = [check for check in ALL_CHECKS.get_all() if check is not positive_data_acceptance]
CHECKS.append(positive_data_acceptance_beyond_stored_data)


@dataclass
class SecurityWorld:
    tokens: dict[str, str]
    token_ids: dict[str, int]
    user_ids: dict[str, int]


def build_security_world() -> SecurityWorld:
    """Two departments with a commitment, handoffs in every state, ratings, and one user per role."""
    empty_all_tables()
    provider = factories.make_department(code="PRV", name="Provider")
    consumer = factories.make_department(code="CON", name="Consumer")
    factories.make_department(code="OTH", name="Other")
    users = {
        "employee": factories.make_user("employee", department=consumer),
        "lead": factories.make_user("lead", department=provider),
        "leadership": factories.make_user("leadership", department=factories.make_department(code="BRD")),
        "admin": factories.make_user("admin"),
    }
    commitment = factories.make_commitment(provider=provider, owner=users["lead"])
    factories.make_commitment(provider=provider, owner=users["lead"], status="draft")
    now = dt.datetime.now(dt.UTC)
    delivered = [factories.make_handoff(commitment, consumer=consumer, requested_at=now - dt.timedelta(days=5 + i),
                                        delivered_at=now - dt.timedelta(days=1 + i)) for i in range(3)]
    factories.make_handoff(commitment, consumer=consumer)
    factories.make_rating(delivered[0], rater=users["employee"], comment="Fine.")
    tokens, token_ids = {}, {}
    for role, user in users.items():
        token, secret = create_token(user, name=f"fuzz {role}")
        db.session.flush()
        tokens[role], token_ids[role] = secret, token.id
    db.session.commit()
    return SecurityWorld(tokens, token_ids, {role: user.id for role, user in users.items()})


def _harms_caller(case, world: SecurityWorld, role: str) -> bool:
    """True for an example that would take the caller's own access away."""
    path = case.operation.path
    params = case.path_parameters or {}
    if path.endswith("/tokens/{token_id}") and case.method.upper() == "DELETE":
        return params.get("token_id") == world.token_ids[role]
    if path.startswith("/api/v1/users/{user_id}") and case.method.upper() in ("PATCH", "POST"):
        return params.get("user_id") == world.user_ids[role]
    return False


class Fuzzed:
    """The app on its own SQLite file, and a copy of the file holding the organisation to restore."""

    def __init__(self, path: Path) -> None:
        from flask_migrate import upgrade

        self.path = path
        self.app = make_app(f"sqlite:///{path}")
        with self.app.app_context():
            upgrade()
            self.world = build_security_world()
            db.session.remove()
            db.engine.dispose()
        self.pristine = path.read_bytes()

    def restore(self) -> None:
        """Put the organisation back as it was built: cheaper than building it again."""
        with self.app.app_context():
            db.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.path.write_bytes(self.pristine)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory) -> Fuzzed:
    return Fuzzed(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite")


@pytest.fixture(scope="module")
def schema(fuzzed):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzzed.app)


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(fuzzed: Fuzzed, operation, role: str) -> int:
    """Run the role's examples of one operation; return how many requests were sent."""
    fuzzed.restore()
    app, world = fuzzed.app, fuzzed.world
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    sent = 0
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @hypothesis.settings(max_examples=EXAMPLES[role], deadline=None, database=None, derandomize=True,
                         phases=[hypothesis.Phase.generate], suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=strategy)
    def run(case):
        nonlocal sent
        hypothesis.assume(not _harms_caller(case, world, role))
        # A fresh context per request, as on a real server: nothing leaks between requests.
        response = contextvars.Context().run(case.call, app=app, headers=headers)
        sent += 1
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()
    return sent


def fuzz_roles(fuzzed: Fuzzed, schema, roles: tuple[str, ...]) -> None:
    """Every operation as each of the roles; fails naming the pairs that got too few requests through."""
    started = time.monotonic()
    operations = _operations(schema)
    assert len(operations) >= 40  # every feature's API is in the document
    counts = {}
    for operation in operations:
        for role in roles:
            counts[(operation.label, role)] = _fuzz(fuzzed, operation, role)
    too_few = {key: n for key, n in counts.items() if n < EXAMPLES[key[1]] * 0.9}
    print(f"fuzzed {len(counts)} operation x role pairs, {sum(counts.values())} requests "
          f"in {time.monotonic() - started:.0f} s")
    assert not too_few
