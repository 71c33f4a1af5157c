"""Audit events can be added but never changed or deleted: no route does it, and the database refuses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests import factories
from tracker.audit.services import record
from tracker.extensions import db
from tracker.models import AuditEvent

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def event(app):
    event = record(None, "department.create", ("Department", 1), {"code": "FIN"})
    db.session.commit()
    return event


def test_no_route_writes_to_audit_events(app):
    writers = [
        (rule.rule, sorted(rule.methods - READ_METHODS))
        for rule in app.url_map.iter_rules()
        if "audit" in rule.rule.lower() and rule.methods - READ_METHODS
    ]
    assert writers == []
    assert any("audit" in rule.rule for rule in app.url_map.iter_rules()), "the audit log page is missing"


def test_the_api_documents_no_write_on_audit_events(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    writes = [(p, m) for p, ops in paths.items() if "audit" in p for m in ops if m.upper() not in READ_METHODS]
    assert writes == []


def test_the_database_refuses_to_update_an_audit_event(event):
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.execute(sa.text("UPDATE audit_events SET action = 'nothing.happened' WHERE id = :id"),
                           {"id": event.id})
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "department.create"


def test_the_database_refuses_to_delete_an_audit_event(event):
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": event.id})
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None


def test_the_database_still_accepts_new_audit_events(event):
    record(None, "user.create", ("User", 2))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 2


def test_a_person_with_audit_history_is_kept_not_deleted(event, client, login_as):
    admin = login_as("admin")
    person = factories.make_user()
    db.session.commit()
    client.patch(f"/api/v1/users/{person.id}", json={"role": "lead"})
    with pytest.raises(IntegrityError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": admin.id})
    db.session.rollback()
