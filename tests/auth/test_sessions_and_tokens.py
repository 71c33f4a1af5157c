"""Sign-in, sign-out, server-side sessions and API tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import ApiToken, AuthSession
from tracker.types import utcnow


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_sign_in_with_right_password_opens_home(client, auth):
    user = factories.make_user(display_name="Mei Lin")
    db.session.commit()
    assert auth.login(user).status_code == 302
    assert "Mei Lin" in client.get("/").get_data(as_text=True)


def test_sign_in_with_wrong_password_shows_error_next_to_field(client, auth):
    user = factories.make_user()
    db.session.commit()
    response = auth.login(user, password="wrong password!")
    assert response.status_code == 422
    assert "The email or the password is not right." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(client, auth):
    user = factories.make_user()
    user.active = False
    db.session.commit()
    assert auth.login(user).status_code == 422


def test_sign_in_issues_a_new_session_id(client, auth):
    user = factories.make_user()
    db.session.commit()
    auth.login(user)
    first = client.get_cookie("session").value
    auth.logout()
    auth.login(user)
    second = client.get_cookie("session").value
    assert first != second
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 1


def test_cookie_replayed_after_sign_out_is_refused(app, client, auth):
    user = factories.make_user()
    db.session.commit()
    auth.login(user)
    stolen = client.get_cookie("session").value
    auth.logout()
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/").status_code == 302


@pytest.mark.parametrize(("aged", "hours"), [(("last_seen_at",), 2), (("created_at", "last_seen_at"), 13)],
                         ids=["idle", "absolute"])
def test_a_session_times_out(client, auth, aged, hours):
    user = factories.make_user()
    db.session.commit()
    auth.login(user)
    record = db.session.scalar(select(AuthSession))
    for column in aged:
        setattr(record, column, utcnow() - timedelta(hours=hours))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_after_sign_in_goes_back_to_the_page_asked_for(client, auth):
    user = factories.make_user()
    db.session.commit()
    client.get("/healthz")
    client.get("/?x=1")
    response = auth.login(user)
    assert response.headers["Location"] == "/?x=1"


def test_token_works_and_revoked_token_does_not(runner, client):
    user = factories.make_user(email="robot@example.test", role="lead")
    db.session.commit()
    result = runner.invoke(args=["tokens", "create", "--email", "robot@example.test"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {secret}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json["email"] == "robot@example.test"
    stored = db.session.scalar(select(ApiToken))
    assert secret not in (stored.token_hash, stored.prefix)
    token_id = stored.id
    assert runner.invoke(args=["tokens", "revoke", str(token_id)]).exit_code == 0
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json["code"] == 401
    assert user.email not in refused.get_data(as_text=True)


def test_unknown_token_is_refused(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer trk_nope"})
    assert response.status_code == 401


def test_api_without_credentials_is_401_json(client):
    response = client.get("/api/v1/departments")
    assert response.status_code == 401
    assert response.json["status"] == "Unauthorized"


def test_tokens_via_api_are_shown_once_and_revocable(client, login_as):
    login_as("employee")
    created = client.post("/api/v1/tokens", json={"name": "laptop script"})
    assert created.status_code == 201
    secret = created.json["token"]
    listed = client.get("/api/v1/tokens").json
    assert [t["name"] for t in listed] == ["laptop script"]
    assert "token" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{created.json['id']}").status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_token_s_last_use_is_shown_by_the_day_only(client, login_as):
    """A last use to the second, read before and after a cell's numbers move, would tie a rating to it."""
    login_as("admin")
    created = client.post("/api/v1/tokens", json={"name": "nightly export"})
    token = db.session.get(ApiToken, created.json["id"])
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {created.json['token']}"}).status_code == 200
    db.session.refresh(token)
    used = token.last_used_at
    assert used is not None  # stored to the minute, for the sign-in throttle; never shown so
    listed = client.get("/api/v1/tokens").json[0]
    assert listed["last_used_on"] == used.date().isoformat() and "last_used_at" not in listed
    cells = re.findall(r"<td>(.*?)</td>", client.get("/admin/tokens").get_data(as_text=True))
    assert used.date().isoformat() in cells  # the "Last used" cell holds the day and nothing else
    export = client.get(f"/api/v1/users/{token.user_id}/export").json
    assert [t["last_used_on"] for t in export["api_tokens"]] == [used.date().isoformat()]


def test_cookie_api_write_needs_csrf_header(form_sign_in):
    user = factories.make_user()
    db.session.commit()
    client = form_sign_in(user)
    home = client.get("/").get_data(as_text=True)
    token = home.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post("/api/v1/tokens", json={"name": "x"})
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
    accepted = client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_sign_in_form_needs_csrf_token(csrf_app):
    client = csrf_app.test_client()
    user = factories.make_user()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code in (400, 422)
    assert client.get("/").status_code == 302
