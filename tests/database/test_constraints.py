"""The database itself refuses bad rows, whatever code writes them: raw SQL inserts, no ORM."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.databases import make_app
from tracker.extensions import db
from tracker.models import MAX_COMMENT_LENGTH

NOW = "CURRENT_TIMESTAMP"


def _insert(table: str, **values) -> None:
    """INSERT one row as plain SQL; timestamps given as NOW are the database's clock."""
    columns = ", ".join(values)
    placeholders = ", ".join(NOW if value is NOW else f":{name}" for name, value in values.items())
    params = {name: value for name, value in values.items() if value is not NOW}
    db.session.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"), params)


def _refused(table: str, **values) -> bool:
    """True when the database refuses the row; the session is usable again afterwards."""
    try:
        with db.session.begin_nested():
            _insert(table, **values)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def handoff(app):
    handoff = factories.make_handoff(delivered_at=datetime.now(UTC) - timedelta(hours=1))
    db.session.commit()
    return handoff


@pytest.fixture
def rater(handoff):
    user = factories.make_user(department=handoff.consumer)
    db.session.commit()
    return user


def _rating(handoff, rater, **changes) -> dict:
    row = {
        "handoff_id": handoff.id, "rater_id": rater.id, "rater_key": rater.id,
        "provider_id": handoff.provider_id, "consumer_id": handoff.consumer_id,
        "satisfaction": 4, "collaboration": 4, "comment": None, "created_at": NOW, "updated_at": NOW,
    }
    row.update(changes)
    return row


def _handoff_row(handoff, **changes) -> dict:
    row = {
        "commitment_version_id": handoff.commitment_version_id, "provider_id": handoff.provider_id,
        "consumer_id": handoff.consumer_id, "title": "A raw handoff", "requested_at": NOW, "due_at": NOW,
        "status": "open", "created_at": NOW, "updated_at": NOW,
    }
    row.update(changes)
    return row


def _version_row(handoff, **changes) -> dict:
    version = handoff.version
    row = {
        "commitment_id": version.commitment_id, "number": 2, "title": "Second text",
        "target_amount": 2, "target_unit": "business_days", "attainment_target": 0.9,
        "satisfaction_target": 4, "calendar_id": version.calendar_id, "review_cadence": "month",
        "owner_id": version.owner_id, "created_at": NOW,
    }
    row.update(changes)
    return row


def test_a_valid_rating_row_is_accepted(handoff, rater):
    assert not _refused("ratings", **_rating(handoff, rater))


@pytest.mark.parametrize("score", [0, 6, -1])
def test_satisfaction_out_of_range_is_refused(handoff, rater, score):
    assert _refused("ratings", **_rating(handoff, rater, satisfaction=score))


@pytest.mark.parametrize("score", [0, 6])
def test_collaboration_out_of_range_is_refused(handoff, rater, score):
    assert _refused("ratings", **_rating(handoff, rater, collaboration=score))


def test_a_second_rating_by_the_same_rater_is_refused(handoff, rater):
    assert not _refused("ratings", **_rating(handoff, rater))
    assert _refused("ratings", **_rating(handoff, rater, satisfaction=1))


def test_a_rating_for_a_missing_handoff_is_refused(handoff, rater):
    assert _refused("ratings", **_rating(handoff, rater, handoff_id=2_000_000_000))


def test_a_comment_over_the_maximum_length_is_refused(handoff, rater):
    assert not _refused("ratings", **_rating(handoff, rater, comment="x" * MAX_COMMENT_LENGTH))
    other = factories.make_user(department=handoff.consumer)
    db.session.commit()
    assert _refused("ratings", **_rating(handoff, other, comment="x" * (MAX_COMMENT_LENGTH + 1)))


def test_a_valid_handoff_row_is_accepted(handoff):
    assert not _refused("handoffs", **_handoff_row(handoff))


def test_a_handoff_from_a_department_to_itself_is_refused(handoff):
    assert _refused("handoffs", **_handoff_row(handoff, consumer_id=handoff.provider_id))


def test_a_duplicate_external_reference_is_refused(handoff):
    assert not _refused("handoffs", **_handoff_row(handoff, external_source="jira", external_ref="OPS-1"))
    assert _refused("handoffs", **_handoff_row(handoff, external_source="jira", external_ref="OPS-1"))


def test_a_valid_commitment_version_row_is_accepted(handoff):
    assert not _refused("commitment_versions", **_version_row(handoff))


@pytest.mark.parametrize("target", [0, 1, 1.5])
def test_an_attainment_target_outside_0_and_1_is_refused(handoff, target):
    assert _refused("commitment_versions", **_version_row(handoff, attainment_target=target))


@pytest.mark.parametrize("target", [6, 0])
def test_a_satisfaction_target_outside_1_to_5_is_refused(handoff, target):
    assert _refused("commitment_versions", **_version_row(handoff, satisfaction_target=target))


def test_a_valid_user_row_is_accepted(app):
    assert not _refused("users", email="ok@example.test", display_name="Ok", role="employee", created_at=NOW)


def test_an_unknown_role_is_refused(app):
    assert _refused("users", email="boss@example.test", display_name="Boss", role="owner", created_at=NOW)


def test_sqlite_pragmas_hold_on_every_pooled_connection(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    with app.app_context():
        connections = [db.engine.connect() for _ in range(4)]
        try:
            raw = {id(c.connection.dbapi_connection) for c in connections}
            assert len(raw) == 4, "the pool handed out the same connection twice"
            for conn in connections:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        finally:
            for conn in connections:
                conn.close()
            db.engine.dispose()
