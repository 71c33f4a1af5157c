"""A person changes their own password: the old one required, the policy applied, other sessions ended."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from tracker.auth.services import create_token
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent, AuthSession, User

NEW = "cobalt ledger sunflower"
PAGE = "/account/password"


def _change(client, old=factories.PASSWORD, new=NEW, confirm=None, **extra):
    return client.post(PAGE, data={"old_password": old, "new_password": new,
                                   "confirm": new if confirm is None else confirm, **extra})


def _hash(user) -> str:
    return db.session.scalar(select(User.password_hash).where(User.id == user.id))


def test_the_page_is_linked_from_every_page(client, login_as):
    login_as()
    assert f'href="{PAGE}"' in client.get("/").get_data(as_text=True)


def test_the_page_asks_for_the_current_password_and_the_new_one_twice(client, login_as):
    login_as()
    page = client.get(PAGE).get_data(as_text=True)
    assert [name in page for name in ('name="old_password"', 'name="new_password"', 'name="confirm"',
                                      'name="end_tokens"')] == [True] * 4


def test_a_wrong_current_password_is_refused_next_to_that_field(client, login_as):
    user = login_as()
    before = _hash(user)
    response = _change(client, old="not my password")
    assert (response.status_code, 'id="old_password-error">This is not your current password.'
            in response.get_data(as_text=True), _hash(user) == before) == (422, True, True)


def test_two_different_new_passwords_are_refused_next_to_the_second(client, login_as):
    login_as()
    response = _change(client, confirm=NEW + "x")
    assert (response.status_code, 'id="confirm-error">The two new passwords are not the same.'
            in response.get_data(as_text=True)) == (422, True)


def test_a_guessable_new_password_is_refused_next_to_that_field_with_the_reason(client, login_as):
    user = login_as()
    before = _hash(user)
    page = _change(client, new="password123456").get_data(as_text=True)
    assert ('id="new_password-error">This password is too easy to guess. This is similar to a commonly used '
            'password.' in page, _hash(user) == before) == (True, True)


def test_the_new_password_signs_in_and_the_old_one_does_not(app, client, login_as):
    user = login_as()
    _change(client)
    other = app.test_client()
    old = other.post("/login", data={"email": user.email, "password": factories.PASSWORD}).status_code
    new = other.post("/login", data={"email": user.email, "password": NEW}).status_code
    assert (old, new) == (422, 302)


def test_the_persons_other_sessions_end(app, client, login_as):
    user = login_as()
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    _change(client)
    assert elsewhere.get("/").status_code == 302


def test_the_current_browser_stays_signed_in_under_a_new_session_id(app, client, login_as):
    user = login_as()
    old_cookie = client.get_cookie("session").value
    _change(client)
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    sessions = db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id))
    assert (client.get("/").status_code, replay.get("/").status_code, sessions) == (200, 302, 1)


def test_the_api_tokens_stay_unless_asked(client, login_as):
    user = login_as()
    create_token(user)
    db.session.commit()
    _change(client)
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)) is None


def test_the_api_tokens_end_when_asked(client, login_as):
    user = login_as()
    _token, secret = create_token(user)
    db.session.commit()
    _change(client, end_tokens="y")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_the_change_is_audited_without_the_password(client, login_as):
    user = login_as()
    _change(client, end_tokens="y")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_change"))
    assert (event.actor_id, event.target_id) == (user.id, user.id)
    assert event.details == {"tokens_revoked": 0, "replaced_password_set_by_admin": False}


def test_the_form_needs_its_csrf_token(form_sign_in):
    user = factories.make_user()
    db.session.commit()
    client = form_sign_in(user)
    before = _hash(user)
    assert (_change(client).status_code, _hash(user) == before) == (400, True)


def test_wrong_current_passwords_are_limited_like_sign_ins(client, login_as):
    login_as()
    statuses = [_change(client, old=f"guess number {n}").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]


def test_wrong_current_passwords_count_against_signing_in_to_that_account(app, client, login_as):
    user = login_as()
    for n in range(5):
        _change(client, old=f"guess number {n}")
    assert app.test_client().post("/login", data={"email": user.email, "password": factories.PASSWORD}
                                  ).status_code == 429


def test_weak_new_passwords_do_not_count_towards_the_limit(client, login_as):
    login_as()
    for _ in range(6):
        _change(client, new="password123456")
    assert _change(client).status_code == 302
