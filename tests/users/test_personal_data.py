"""A person's data: their own full export, an administrator's export without ratings, and erasure."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests import factories
from tests.metrics.rollup_checks import brute_force, rollup_state
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent, AuthSession, Rating, User


def _rated_twice(comment: str = "Very helpful, thanks"):
    """A rater with two ratings on two handoffs of the same provider, plus one other rater."""
    first = factories.make_rating(comment=comment)
    rater = db.session.get(User, first.rater_id)
    commitment = first.handoff.version.commitment
    second_handoff = factories.make_handoff(commitment=commitment, consumer=first.handoff.consumer,
                                            delivered_at=first.handoff.delivered_at)
    factories.make_rating(handoff=second_handoff, rater=rater, satisfaction=2)
    factories.make_rating(handoff=first.handoff)
    db.session.commit()
    return rater


def _distinct_raters() -> int:
    return db.session.scalar(select(func.count(func.distinct(Rating.rater_key))))


def test_a_person_downloads_their_own_data_with_the_ratings_they_gave(client, auth):
    rater = _rated_twice(comment="MARKER-COMMENT")
    auth.login(rater)
    response = client.get("/api/v1/me/export")
    assert response.status_code == 200
    data = response.json
    assert data["profile"]["email"] == rater.email
    assert data["sign_in_sessions"] == 1
    assert sorted(r["satisfaction"] for r in data["ratings_given"]) == [2, 4]
    assert "MARKER-COMMENT" in json.dumps(data)


def test_the_download_link_is_on_every_page(client, login_as):
    login_as("employee")
    assert 'href="/api/v1/me/export"' in client.get("/").get_data(as_text=True)


def test_an_administrator_export_leaves_out_the_ratings_a_person_gave(client, login_as):
    rater = _rated_twice(comment="MARKER-COMMENT")
    auth_services.create_token(rater, name="script")
    db.session.commit()
    login_as("admin")
    for path in (f"/api/v1/users/{rater.id}/export", f"/admin/people/{rater.id}/export"):
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert "ratings_given" not in response.json
        assert "MARKER-COMMENT" not in text
        assert response.json["profile"]["email"] == rater.email
        assert [t["name"] for t in response.json["api_tokens"]] == ["script"]
        stored = db.session.scalar(select(ApiToken.token_hash))
        assert stored not in text


def test_the_page_export_is_a_download(client, login_as):
    login_as("admin")
    person = factories.make_user()
    db.session.commit()
    response = client.get(f"/admin/people/{person.id}/export")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_erasure_keeps_ratings_counted_but_linked_to_no_one(client, login_as):
    rater = _rated_twice()
    rater_id = rater.id
    before = _distinct_raters()
    admin = login_as("admin")
    response = client.post(f"/api/v1/users/{rater_id}/erase", json={"confirm": True})
    assert response.status_code == 200
    db.session.expire_all()
    ratings = list(db.session.scalars(select(Rating).where(Rating.rater_key < 0)))
    assert len(ratings) == 2
    assert {r.rater_id for r in ratings} == {None}
    assert len({r.rater_key for r in ratings}) == 1
    assert db.session.scalar(select(func.count()).select_from(Rating).where(Rating.rater_key == rater_id)) == 0
    assert _distinct_raters() == before
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.erase"))
    assert (event.actor_id, event.target_id, event.details) == (admin.id, rater_id, {})


def test_erasure_moves_the_rollups_to_the_pseudonym_with_counts_unchanged(client, login_as):
    rater = _rated_twice()
    periods_before, _ = rollup_state()
    login_as("admin")
    assert client.post(f"/api/v1/users/{rater.id}/erase", json={"confirm": True}).status_code == 200
    db.session.expire_all()
    periods_after, raters_after = rollup_state()
    assert periods_after == periods_before
    assert not any(key[-1] == rater.id for key in raters_after)
    assert rollup_state() == brute_force(ZoneInfo("Asia/Shanghai"))


def test_erasure_removes_identity_password_sessions_and_tokens(app, client, login_as):
    person = factories.make_user(display_name="Zhang Wei", email="zhang.wei@example.test")
    auth_services.create_token(person)
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": factories.PASSWORD})
    login_as("admin")
    assert client.post(f"/api/v1/users/{person.id}/erase", json={"confirm": True}).status_code == 200
    db.session.expire_all()
    erased = db.session.get(User, person.id)
    assert erased.email == f"erased-{person.id}@invalid"
    assert "Zhang" not in erased.display_name
    assert erased.password_hash is None and erased.active is False and erased.erased_at is not None
    assert db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == person.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == person.id)) == 0
    assert theirs.get("/").status_code == 302
    audit_text = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))])
    assert "zhang" not in audit_text.lower()


def test_two_erased_raters_keep_two_distinct_pseudonyms(client, login_as):
    first, second = _rated_twice(), _rated_twice()
    before = _distinct_raters()
    login_as("admin")
    for person in (first, second):
        assert client.post(f"/api/v1/users/{person.id}/erase", json={"confirm": True}).status_code == 200
    assert _distinct_raters() == before
    assert db.session.scalar(select(func.count(func.distinct(Rating.rater_key))).where(Rating.rater_key < 0)) == 2


def test_erasure_needs_confirmation(client, login_as):
    login_as("admin")
    person = factories.make_user()
    db.session.commit()
    assert client.post(f"/api/v1/users/{person.id}/erase", json={}).status_code == 422
    assert client.post(f"/api/v1/users/{person.id}/erase", json={"confirm": False}).status_code == 422
    page = client.post(f"/admin/people/{person.id}/erase", data={"confirm_email": "someone.else@example.test"})
    assert page.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, person.id).erased_at is None


def test_erasure_through_the_page_with_the_email_typed(client, login_as):
    login_as("admin")
    person = factories.make_user()
    db.session.commit()
    response = client.post(f"/admin/people/{person.id}/erase", data={"confirm_email": person.email.upper()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).erased_at is not None


def test_an_erased_person_cannot_be_erased_twice_or_changed(client, login_as):
    login_as("admin")
    person = factories.make_user()
    db.session.commit()
    client.post(f"/api/v1/users/{person.id}/erase", json={"confirm": True})
    assert client.post(f"/api/v1/users/{person.id}/erase", json={"confirm": True}).status_code == 409
    assert client.patch(f"/api/v1/users/{person.id}", json={"display_name": "Back"}).status_code == 409


def test_an_administrator_cannot_erase_themselves(client, login_as):
    admin = login_as("admin")
    assert client.post(f"/api/v1/users/{admin.id}/erase", json={"confirm": True}).status_code == 422


def test_a_refused_erasure_shows_the_person_as_stored(client, login_as):
    login_as("admin")
    person = factories.make_user(display_name="Still Active")
    db.session.commit()
    page = client.post(f"/admin/people/{person.id}/erase", data={"confirm_email": "nope"}).get_data(as_text=True)
    assert '<input checked class="form-check-input" id="active"' in page
    assert 'value="Still Active"' in page
