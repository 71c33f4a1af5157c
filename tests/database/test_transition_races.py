"""Every state transition, fired many times at once: the outcome of one call after another.

One gunicorn with 4 workers per database serves the module. For each transition, CALLS identical
requests with bearer tokens leave a barrier together; exactly one changes the state and writes
its one event, and the others find the state already changed (409 for a transition; 200 and no
event for a change that is already made). Then a draft edit and a publish, and a revision and a
retirement, are made to overlap in two threads of the app, one held inside the service, to show
that the other waits for it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.databases import BACKENDS, prepared_database_url
from tests.live import at_once, live_server, send_json
from tracker.auth.services import create_token
from tracker.commitments import services as commitment_services
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    BusinessCalendar,
    CommitmentVersion,
    Department,
    Handoff,
    HandoffEvent,
    ServiceCommitment,
    User,
)

CALLS = 20
WORKERS = 4


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request) -> str:
    """The database, for the whole module: its tests share one server per backend."""
    return request.param


@pytest.fixture(scope="module")
def server(backend):
    with live_server(prepared_database_url(backend), workers=WORKERS) as running:
        yield running


@dataclass
class Org:
    provider: Department
    consumer: Department
    calendar: BusinessCalendar
    lead: User
    lead_secret: str
    admin_secret: str


@pytest.fixture
def org(app) -> Org:
    provider = factories.make_department(code="PRV")
    consumer = factories.make_department(code="CON")
    calendar = factories.make_calendar(name="Round the clock", timezone="UTC", country=None, weekdays=range(7),
                                       hours=(("00:00", "00:00"),))
    lead = factories.make_user(role="lead", department=provider)
    admin = factories.make_user(role="admin")
    _token, lead_secret = create_token(lead)
    _token, admin_secret = create_token(admin)
    db.session.commit()
    return Org(provider, consumer, calendar, lead, lead_secret, admin_secret)


@dataclass
class Race:
    """CALLS identical requests, the status of all but the one that succeeds, and how to count events."""

    method: str
    path: str
    secret: str
    events: Callable[[], int]
    others: int  # the status of every call but the first
    body: dict | list | None = None


def _audited(action: str, target_id: int) -> Callable[[], int]:
    return lambda: db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.target_id == target_id))


def _handoff_events(kind: str, handoff_id: int) -> Callable[[], int]:
    return lambda: db.session.scalar(select(func.count()).select_from(HandoffEvent).where(
        HandoffEvent.kind == kind, HandoffEvent.handoff_id == handoff_id))


def _commitment(org: Org, status: str) -> ServiceCommitment:
    commitment = factories.make_commitment(provider=org.provider, owner=org.lead, calendar=org.calendar,
                                           status=status, title="Laptops for new hires")
    db.session.commit()
    return commitment


def _handoff(org: Org, status: str) -> Handoff:
    now = datetime.now(UTC)
    commitment = _commitment(org, "published")
    handoff = factories.make_handoff(commitment=commitment, consumer=org.consumer, requested_at=now - timedelta(days=2),
                                     delivered_at=now - timedelta(hours=2) if status == "delivered" else None)
    handoff.events.append(HandoffEvent(kind="request", at=handoff.requested_at))
    if status == "paused":
        handoff.status = "paused"
        handoff.events.append(HandoffEvent(kind="pause", at=now - timedelta(hours=3), reason="waiting_on_consumer"))
    if status == "delivered":
        handoff.events.append(HandoffEvent(kind="deliver", at=handoff.delivered_at))
    db.session.commit()
    return handoff


def _commitment_race(action: str, status: str, event: str) -> Callable[[Org], Race]:
    def build(org: Org) -> Race:
        commitment = _commitment(org, status)
        return Race("POST", f"/api/v1/commitments/{commitment.id}/{action}", org.lead_secret,
                    _audited(event, commitment.id), others=409)
    return build


def _revise(org: Org) -> Race:
    commitment = _commitment(org, "published")
    # Made one after another, the same revision a second time changes nothing: 422.
    return Race("PATCH", f"/api/v1/commitments/{commitment.id}", org.lead_secret,
                _audited("commitment.revise", commitment.id), others=422, body={"title": "Laptops, set up"})


def _handoff_race(action: str, status: str) -> Callable[[Org], Race]:
    def build(org: Org) -> Race:
        handoff = _handoff(org, status)
        body = {"reason": "waiting_on_consumer"} if action == "pause" else {}
        return Race("POST", f"/api/v1/handoffs/{handoff.id}/{action}", org.lead_secret,
                    _handoff_events(action, handoff.id), others=409, body=body)
    return build


def _import_delivery(org: Org) -> Race:
    handoff = _handoff(org, "open")
    handoff.external_source, handoff.external_ref = "desk", "T-1"
    db.session.commit()
    row = {"commitment": handoff.version.commitment_id, "consumer": org.consumer.code, "title": handoff.title,
           "requested_at": handoff.requested_at.isoformat(), "external_ref": "T-1",
           "delivered_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
    # The same file sent again (a retry) reports the row unchanged: 200 as well.
    return Race("POST", "/api/v1/handoffs/import?source=desk", org.lead_secret,
                _handoff_events("deliver", handoff.id), others=200, body=[row])


def _user_change(body: dict, event: str) -> Callable[[Org], Race]:
    def build(org: Org) -> Race:
        person = factories.make_user(department=org.consumer)
        db.session.commit()
        # Setting what is already set is a success that changes nothing, as when made one after another.
        return Race("PATCH", f"/api/v1/users/{person.id}", org.admin_secret, _audited(event, person.id),
                    others=200, body=body)
    return build


def _erase(org: Org) -> Race:
    person = factories.make_user(department=org.consumer)
    db.session.commit()
    return Race("POST", f"/api/v1/users/{person.id}/erase", org.admin_secret, _audited("user.erase", person.id),
                others=409, body={"confirm": True})


def _calendar_edit(org: Org) -> Race:
    return Race("PATCH", f"/api/v1/calendars/{org.calendar.id}", org.admin_secret,
                _audited("calendar.update", org.calendar.id), others=200, body={"closures": ["2030-01-02"]})


RACES: dict[str, Callable[[Org], Race]] = {
    "commitment publish": _commitment_race("publish", "draft", "commitment.publish"),
    "commitment retire": _commitment_race("retire", "published", "commitment.retire"),
    "commitment revise": _revise,
    "handoff pause": _handoff_race("pause", "open"),
    "handoff resume": _handoff_race("resume", "paused"),
    "handoff deliver": _handoff_race("deliver", "open"),
    "handoff cancel": _handoff_race("cancel", "open"),
    "handoff reopen": _handoff_race("reopen", "delivered"),
    "handoff delivered by import": _import_delivery,
    "user role change": _user_change({"role": "lead"}, "user.role_change"),
    "user deactivate": _user_change({"active": False}, "user.deactivate"),
    "user erase": _erase,
    "calendar edit": _calendar_edit,
}


@pytest.mark.server
@pytest.mark.parametrize("name", RACES)
def test_identical_calls_at_once_act_once(server, org, name):
    race = RACES[name](org)
    url = server.url + race.path
    statuses = at_once(CALLS, lambda: send_json(race.method, url, race.secret, race.body, timeout=60))
    db.session.commit()
    outcome = (Counter(statuses), race.events())
    assert outcome == (Counter({200: 1}) + Counter({race.others: CALLS - 1}), 1), outcome


class Paused:
    """Holds a request inside update_commitment, after it has loaded the commitment, until released."""

    def __init__(self, monkeypatch) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        original = commitment_services.preview_changes

        def held(*args, **kwargs):
            self.reached.set()
            self.release.wait(timeout=60)
            return original(*args, **kwargs)

        monkeypatch.setattr(commitment_services, "preview_changes", held)


def _in_thread(app, results: dict, key: str, method: str, path: str, secret: str, body: dict | None = None):
    def run() -> None:
        with app.app_context():
            response = app.test_client().open(path, method=method, json=body or {},
                                              headers={"Authorization": f"Bearer {secret}"})
            results[key] = (response.status_code, response.get_json())

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _overlap(app, monkeypatch, edit: tuple[str, str, dict], other: tuple[str, str], secret: str) -> dict:
    """Start the edit, hold it after its load, send the other request, then let the edit go on.

    The other request gets a moment to finish while the edit is held: without a lock it does, and
    the edit then writes over what it did; with the lock it waits for the edit to commit.
    """
    paused, results = Paused(monkeypatch), {}
    editing = _in_thread(app, results, "edit", edit[0], edit[1], secret, edit[2])
    assert paused.reached.wait(timeout=60)
    acting = _in_thread(app, results, "other", other[0], other[1], secret)
    acting.join(timeout=1)
    paused.release.set()
    editing.join(timeout=60)
    acting.join(timeout=60)
    db.session.commit()
    return results


def test_a_draft_edit_and_a_publish_never_interleave(app, org, monkeypatch):
    commitment = _commitment(org, "draft")
    path = f"/api/v1/commitments/{commitment.id}"
    results = _overlap(app, monkeypatch, ("PATCH", path, {"title": "Laptops, set up"}), ("POST", path + "/publish"),
                       org.lead_secret)
    published = db.session.scalar(select(CommitmentVersion.title).where(
        CommitmentVersion.commitment_id == commitment.id, CommitmentVersion.number == 1))
    revisions = _audited("commitment.revise", commitment.id)()
    # What the publish answered is what version 1 still says, unless a revision followed as version 2.
    assert (results["other"][0], published, revisions) in {
        (200, results["other"][1]["title"], 0), (200, "Laptops for new hires", 1)}


def test_a_revision_and_a_retirement_never_interleave(app, org, monkeypatch):
    commitment = _commitment(org, "published")
    path = f"/api/v1/commitments/{commitment.id}"
    results = _overlap(app, monkeypatch, ("PATCH", path, {"title": "Laptops, set up"}), ("POST", path + "/retire"),
                       org.lead_secret)
    versions = db.session.scalar(select(func.count()).select_from(CommitmentVersion).where(
        CommitmentVersion.commitment_id == commitment.id))
    # No version is published after the retirement: the retired commitment's last version is the one it named.
    assert (results["other"][0], results["other"][1]["version"]) == (200, versions)
