"""Published numbers cannot be gamed: back-dating limits, deliveries that stay counted, and audit events.

A closed period is one that has ended (before the later of this week's and this month's start
in the company's zone); its attainment may already have been read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.calendars import timecalc
from tracker.config import MAX_LEAD_BACKDATE_DAYS
from tracker.extensions import db
from tracker.handoffs.fairness import closed_before
from tracker.metrics import periods
from tracker.metrics.periods import company_zone
from tracker.models import AuditEvent, Handoff


@pytest.fixture
def sign_in(login_as, auth):
    """Sign out whoever is signed in, then sign in as a new person of the role."""
    def _sign_in(role: str, department=None):
        auth.logout()
        return login_as(role, department=department)

    return _sign_in


def _audit_count(action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return db.session.scalar(query)


def _last_closed_month() -> tuple[str, datetime]:
    """The label of the previous month and an instant in its middle."""
    zone = company_zone()
    start = periods.previous_start(periods.current_start("month", zone), "month")
    return periods.label(start, "month"), datetime.combine(start + timedelta(days=10), datetime.min.time(), tzinfo=UTC)


def _create(client, world, requested_at: datetime):
    return client.post("/api/v1/handoffs", json={"commitment": world.commitment.id, "consumer": "SALES",
                                                 "title": "Back-dated", "requested_at": requested_at.isoformat()})


def _attainment(client, commitment_id: int, label: str) -> tuple[int, int]:
    body = client.get(f"/api/v1/metrics/commitments/{commitment_id}?period=month&from={label}&to={label}").json
    point = body["points"][0]
    return point["met"], point["missed"]


def test_consumer_may_not_back_date_a_request_into_a_closed_period(client, sign_in, world):
    _label, inside = _last_closed_month()
    sign_in("employee", department=world.consumer)
    response = _create(client, world, inside)
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["requested_at"])
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0


def test_anyone_may_back_date_a_request_a_little_within_the_open_period(client, sign_in, world):
    now = datetime.now(UTC)
    requested = max(closed_before(now), now - timedelta(days=3)) + timedelta(minutes=1)
    sign_in("employee", department=world.consumer)
    assert _create(client, world, min(requested, now)).status_code == 201
    assert _audit_count() == 0


def test_provider_lead_back_dates_into_a_closed_period_with_an_audit_event(client, sign_in, world):
    _label, inside = _last_closed_month()
    lead = sign_in("lead", department=world.provider)
    response = _create(client, world, inside)
    assert response.status_code == 201
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "handoff.request"))
    assert (event.actor_id, event.target_id, "closed_period" in event.details["reasons"]) == (
        lead.id, response.json["id"], True)


def test_nobody_back_dates_beyond_the_lead_limit(client, sign_in, world, app):
    sign_in("admin")
    days = app.config["LEAD_BACKDATE_DAYS"]
    response = _create(client, world, datetime.now(UTC) - timedelta(days=days + 1))
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["requested_at"])


def test_a_delivery_cannot_be_back_dated_by_a_provider_employee(client, sign_in, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     requested_at=datetime.now(UTC) - timedelta(days=20))
    db.session.commit()
    sign_in("employee", department=world.provider)
    response = client.post(f"/api/v1/handoffs/{handoff.id}/deliver",
                           json={"delivered_at": (datetime.now(UTC) - timedelta(days=19)).isoformat()})
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["delivered_at"])


def test_a_delivered_handoff_cannot_be_cancelled_so_its_late_delivery_stays_a_miss(client, sign_in, world):
    requested = datetime.now(UTC) - timedelta(hours=12)
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=requested,
                                     due_at=requested + timedelta(hours=8))
    db.session.commit()
    sign_in("lead", department=world.provider)
    assert client.post(f"/api/v1/handoffs/{handoff.id}/deliver", json={}).json["met"] is False
    assert client.post(f"/api/v1/handoffs/{handoff.id}/reopen", json={}).status_code == 200
    response = client.post(f"/api/v1/handoffs/{handoff.id}/cancel", json={})
    assert response.status_code == 409
    db.session.expire_all()
    assert (db.session.get(Handoff, handoff.id).status, db.session.get(Handoff, handoff.id).cancelled_at) == (
        "open", None)


def test_only_the_provider_lead_reopens_and_it_is_audited(client, sign_in, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     delivered_at=datetime.now(UTC) - timedelta(hours=1))
    db.session.commit()
    sign_in("employee", department=world.provider)
    assert client.post(f"/api/v1/handoffs/{handoff.id}/reopen", json={}).status_code == 403
    sign_in("lead", department=world.provider)
    assert client.post(f"/api/v1/handoffs/{handoff.id}/reopen", json={}).status_code == 200
    assert _audit_count("handoff.reopen") == 1


def test_cancelling_a_handoff_past_due_is_for_the_lead_and_audited(client, sign_in, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     requested_at=datetime.now(UTC) - timedelta(days=3))
    db.session.commit()
    sign_in("employee", department=world.provider)
    assert client.post(f"/api/v1/handoffs/{handoff.id}/cancel", json={}).status_code == 403
    sign_in("lead", department=world.provider)
    assert client.post(f"/api/v1/handoffs/{handoff.id}/cancel", json={}).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "handoff.cancel"))
    assert "cancelled_past_due" in event.details["reasons"]


def test_a_closed_months_attainment_moves_only_with_an_audit_event(client, sign_in, world):
    label, inside = _last_closed_month()
    late = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=inside,
                                  due_at=inside + timedelta(hours=8), delivered_at=inside + timedelta(hours=9))
    factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=inside,
                           due_at=inside + timedelta(hours=8), delivered_at=inside + timedelta(hours=1))
    db.session.commit()
    attempts = [
        ("employee", world.consumer, "POST", "/api/v1/handoffs",
         {"commitment": world.commitment.id, "consumer": "SALES", "title": "x", "requested_at": inside.isoformat()}),
        ("employee", world.provider, "POST", f"/api/v1/handoffs/{late.id}/reopen", {}),
        ("lead", world.consumer, "POST", f"/api/v1/handoffs/{late.id}/reopen", {}),
        ("lead", world.provider, "POST", f"/api/v1/handoffs/{late.id}/reopen", {}),
        ("employee", world.provider, "POST", f"/api/v1/handoffs/{late.id}/cancel", {}),
        ("lead", world.provider, "POST", f"/api/v1/handoffs/{late.id}/cancel", {}),
        ("employee", world.provider, "POST", f"/api/v1/handoffs/{late.id}/deliver",
         {"delivered_at": (inside + timedelta(hours=2)).isoformat()}),
        ("lead", world.provider, "POST", "/api/v1/handoffs",
         {"commitment": world.commitment.id, "consumer": "SALES", "title": "y", "requested_at": inside.isoformat()}),
    ]
    unaudited = []
    for role, department, method, url, body in attempts:
        sign_in("leadership")
        before = (_attainment(client, world.commitment.id, label), _audit_count())
        sign_in(role, department=department)
        status = client.open(url, method=method, json=body).status_code
        sign_in("leadership")
        after = (_attainment(client, world.commitment.id, label), _audit_count())
        if after[0] != before[0] and after[1] == before[1]:
            unaudited.append((role, url, status, before[0], after[0]))
    assert unaudited == []
    assert _attainment(client, world.commitment.id, label)[1] >= 1


def test_reading_the_oldest_open_handoff_visits_only_the_days_since_it_fell_due(client, sign_in, world, app):
    requested = datetime.now(UTC) - timedelta(days=app.config["LEAD_BACKDATE_DAYS"])
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, requested_at=requested)
    db.session.commit()
    sign_in("employee", department=world.consumer)
    timecalc.work.reset()
    assert client.get(f"/api/v1/handoffs/{handoff.id}").status_code == 200
    assert timecalc.work.days_visited <= app.config["LEAD_BACKDATE_DAYS"] + 2


def test_the_handoff_pages_state_the_rules(client, sign_in, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    sign_in("employee", department=world.consumer)
    pages = [client.get("/handoffs"), client.get(f"/handoffs/{handoff.id}")]
    assert [b"A delivered handoff cannot be cancelled" in page.data for page in pages] == [True, True]


def test_a_provider_employee_is_offered_neither_reopen_nor_cancel_after_a_delivery(client, sign_in, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     delivered_at=datetime.now(UTC) - timedelta(hours=1))
    db.session.commit()
    sign_in("employee", department=world.provider)
    page = client.get(f"/handoffs/{handoff.id}").data.decode()
    assert (f"/handoffs/{handoff.id}/reopen" in page, f"/handoffs/{handoff.id}/cancel" in page) == (False, False)


def _import(client, world, rows: list[tuple[str, datetime, datetime | None]]):
    lines = ["commitment,consumer,title,requested_at,delivered_at,external_ref"]
    lines += [f"{world.commitment.id},SALES,Imported,{requested.isoformat()},"
              f"{delivered.isoformat() if delivered else ''},{ref}" for ref, requested, delivered in rows]
    return client.post("/api/v1/handoffs/import?source=erp", data="\n".join(lines) + "\n", content_type="text/csv")


def test_an_import_into_a_closed_period_names_its_handoffs_in_one_audit_event(client, sign_in, world):
    _label, inside = _last_closed_month()
    sign_in("admin")
    now = datetime.now(UTC)
    response = _import(client, world, [("old-1", inside, inside + timedelta(hours=9)), ("old-2", inside, None),
                                       ("new-1", now - timedelta(minutes=5), None)])
    assert (response.status_code, response.json["created"], response.json["errors"]) == (200, 3, [])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "handoff.import"))
    old = set(db.session.scalars(select(Handoff.id).where(Handoff.external_ref.in_(["old-1", "old-2"]))))
    assert (set(event.details["handoffs"]), event.details["count"]) == (old, 2)


def test_an_import_row_beyond_the_lead_limit_is_reported_and_not_written(client, sign_in, world, app):
    sign_in("admin")
    too_old = datetime.now(UTC) - timedelta(days=app.config["LEAD_BACKDATE_DAYS"] + 1)
    response = _import(client, world, [("ancient", too_old, None)])
    assert [(e["row"], e["field"]) for e in response.json["errors"]] == [(1, "requested_at")]
    assert db.session.scalar(select(func.count()).select_from(Handoff)) == 0


def test_an_import_that_changes_a_delivery_in_a_closed_period_is_audited(client, sign_in, world):
    _label, inside = _last_closed_month()
    sign_in("admin")
    _import(client, world, [("old-1", inside, inside + timedelta(hours=9))])
    before = _audit_count("handoff.import")
    _import(client, world, [("old-1", inside, inside + timedelta(hours=1))])
    assert _audit_count("handoff.import") == before + 1


def test_a_row_stored_centuries_ago_is_read_in_bounded_work(client, sign_in, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     requested_at=datetime(1500, 3, 1, tzinfo=UTC))
    db.session.commit()
    sign_in("employee", department=world.consumer)
    timecalc.work.reset()
    assert client.get(f"/api/v1/handoffs/{handoff.id}").status_code == 200
    assert client.get("/api/v1/handoffs").status_code == 200
    assert client.get(f"/handoffs/{handoff.id}").status_code == 200
    assert timecalc.work.days_visited <= 3 * (MAX_LEAD_BACKDATE_DAYS + 2)
