"""Administration pages: only administrators; people, tokens and the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.models import ApiToken, AuditEvent, AuthSession, User

ADMIN_PAGES = ["/admin", "/admin/people", "/admin/tokens", "/admin/audit"]


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("role", ["employee", "lead", "leadership"])
def test_administration_is_forbidden_to_other_roles(client, login_as, role):
    login_as(role)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path


def test_administration_needs_sign_in(client):
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 302, path


def test_a_lead_cannot_change_a_role_by_posting(client, login_as):
    login_as("lead")
    victim = factories.make_user()
    db.session.commit()
    response = client.post(f"/admin/people/{victim.id}", data={"display_name": "x", "role": "admin",
                                                                "department": "", "locale": ""})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(User, victim.id).role == "employee"


def test_the_menu_shows_administration_to_administrators_only(client, login_as):
    login_as("admin")
    assert 'href="/admin"' in client.get("/").get_data(as_text=True)


def test_every_admin_page_opens_for_an_administrator(client, login_as):
    login_as("admin")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path


def test_people_list_searches_names_and_emails(client, login_as):
    login_as("admin")
    factories.make_user(display_name="Wang Fang", email="wang.fang@example.test")
    factories.make_user(display_name="Li Lei", email="li.lei@example.test")
    db.session.commit()
    page = client.get("/admin/people?q=fang").get_data(as_text=True)
    assert "wang.fang@example.test" in page
    assert "li.lei@example.test" not in page


def test_people_list_is_paginated(client, login_as):
    login_as("admin")
    department = factories.make_department()
    for n in range(55):
        factories.make_user(department=department, email=f"p{n:03d}@example.test")
    db.session.commit()
    first = client.get("/admin/people").get_data(as_text=True)
    second = client.get("/admin/people?page=2").get_data(as_text=True)
    assert "p000@example.test" in first and "p054@example.test" not in first
    assert "p054@example.test" in second


def test_an_administrator_adds_a_person(client, login_as):
    admin = login_as("admin")
    department = factories.make_department(code="FIN")
    db.session.commit()
    response = client.post("/admin/people", data={
        "email": "New.Person@Example.test", "display_name": "New Person", "role": "lead", "department": "FIN",
        "password": "a long enough password",
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.test"))
    assert (user.role, user.department_id) == ("lead", department.id)
    assert [(e.actor_id, e.target_id) for e in _events("user.create")] == [(admin.id, user.id)]


def test_adding_a_person_without_a_department_shows_the_error_next_to_it(client, login_as):
    login_as("admin")
    response = client.post("/admin/people", data={"email": "x@example.test", "display_name": "X",
                                                  "role": "employee", "department": ""})
    assert response.status_code == 422
    assert 'id="department-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "x@example.test")) is None


def test_changing_a_role_is_audited_and_signs_the_person_out(app, client, login_as):
    admin = login_as("admin")
    person = factories.make_user(role="employee")
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": person.email, "password": factories.PASSWORD})
    response = client.post(f"/admin/people/{person.id}", data={
        "display_name": person.display_name, "role": "lead", "department": person.department.code,
        "locale": "", "active": "y",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).role == "lead"
    [event] = _events("user.role_change")
    assert (event.actor_id, event.target_id, event.details) == (admin.id, person.id, {"from": "employee", "to": "lead"})
    assert db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == person.id)) == 0
    assert other.get("/").status_code == 302


def test_deactivating_a_person_is_audited(client, login_as):
    login_as("admin")
    person = factories.make_user()
    db.session.commit()
    client.post(f"/admin/people/{person.id}", data={
        "display_name": person.display_name, "role": "employee", "department": person.department.code, "locale": "",
    })
    db.session.expire_all()
    assert db.session.get(User, person.id).active is False
    assert len(_events("user.deactivate")) == 1


def test_an_administrator_cannot_remove_their_own_access(client, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/people/{admin.id}", data={
        "display_name": admin.display_name, "role": "employee", "department": "", "locale": "", "active": "y",
    })
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"


def test_tokens_page_lists_prefix_and_owner_and_revokes(client, login_as):
    admin = login_as("admin")
    owner = factories.make_user(email="robot.owner@example.test")
    token, secret = auth_services.create_token(owner, name="nightly import")
    db.session.commit()
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert token.prefix in page and "robot.owner@example.test" in page and "nightly import" in page
    assert secret not in page
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert [(e.actor_id, e.target_id) for e in _events("token.revoke")] == [(admin.id, token.id)]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_revoking_a_revoked_token_records_nothing(client, login_as):
    login_as("admin")
    token, _secret = auth_services.create_token(factories.make_user(), name="nightly import")
    db.session.commit()
    for _attempt in range(2):
        client.post(f"/admin/tokens/{token.id}/revoke")
    assert len(_events("token.revoke")) == 1


def test_audit_log_filters_by_action(client, login_as):
    login_as("admin")
    factories.make_user()
    from tracker.audit.services import record

    record(None, "department.create", ("Department", 7), {"code": "AUDITDEPT"})
    record(None, "user.role_change", ("User", 8), {"from": "employee", "to": "lead"})
    db.session.commit()
    page = client.get("/admin/audit?action=department.create").get_data(as_text=True)
    assert "AUDITDEPT" in page
    assert "#8" not in page
    assert "#8" in client.get("/admin/audit").get_data(as_text=True)
