"""The users API for administrators: list, create, change; unknown fields are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import AuditEvent, User


def _count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize("role", ["employee", "lead", "leadership"])
def test_the_users_api_is_for_administrators_only(client, login_as, role):
    me = login_as(role)
    assert client.get("/api/v1/users").status_code == 403
    assert client.post("/api/v1/users", json={"email": "a@example.test", "display_name": "A"}).status_code == 403
    assert client.patch(f"/api/v1/users/{me.id}", json={"role": "admin"}).status_code == 403
    assert client.get(f"/api/v1/users/{me.id}/export").status_code == 403
    assert client.post(f"/api/v1/users/{me.id}/erase", json={"confirm": True}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, me.id).role == role


def test_list_users_with_filters_and_pagination(client, login_as):
    login_as("admin")
    department = factories.make_department(code="OPS")
    factories.make_user(department=department, role="lead", email="lead.ops@example.test")
    factories.make_user(department=department, email="worker.ops@example.test")
    db.session.commit()
    response = client.get("/api/v1/users?department=OPS&role=lead")
    assert response.status_code == 200
    assert [u["email"] for u in response.json] == ["lead.ops@example.test"]
    assert "X-Pagination" in response.headers
    assert "password_hash" not in response.json[0]


def test_create_a_user(client, login_as):
    login_as("admin")
    factories.make_department(code="HR")
    db.session.commit()
    response = client.post("/api/v1/users", json={"email": "hr.person@example.test", "display_name": "HR Person",
                                                   "department": "HR", "password": "long enough secret"})
    assert response.status_code == 201
    assert response.json["department"]["code"] == "HR"
    assert "password" not in response.json


@pytest.mark.parametrize("extra", [{"id": 99}, {"created_at": "2020-01-01T00:00:00Z"}, {"erased_at": None},
                                   {"password_hash": "x"}, {"active": False}])
def test_create_refuses_unknown_or_output_only_fields(client, login_as, extra):
    login_as("admin")
    factories.make_department(code="HR")
    db.session.commit()
    before = _count_users()
    body = {"email": "x@example.test", "display_name": "X", "department": "HR", **extra}
    response = client.post("/api/v1/users", json=body)
    assert response.status_code == 422
    assert _count_users() == before


def test_patch_changes_role_and_records_it(client, login_as):
    admin = login_as("admin")
    person = factories.make_user()
    db.session.commit()
    response = client.patch(f"/api/v1/users/{person.id}", json={"role": "leadership", "locale": "zh"})
    assert response.status_code == 200
    assert (response.json["role"], response.json["locale"]) == ("leadership", "zh")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
    assert (event.actor_id, event.target_id) == (admin.id, person.id)


@pytest.mark.parametrize("body", [{"email": "new@example.test"}, {"rater_id": 1}, {"erased_at": None},
                                  {"role": "owner"}, {"display_name": "a\x00b"}, {"department": "x" * 17}])
def test_patch_refuses_bad_or_unknown_fields(client, login_as, body):
    login_as("admin")
    person = factories.make_user(display_name="Unchanged")
    db.session.commit()
    response = client.patch(f"/api/v1/users/{person.id}", json=body)
    assert response.status_code == 422
    db.session.expire_all()
    unchanged = db.session.get(User, person.id)
    assert (unchanged.display_name, unchanged.role) == ("Unchanged", "employee")


def test_patch_of_a_missing_user_is_404(client, login_as):
    login_as("admin")
    assert client.patch("/api/v1/users/2147483647", json={"role": "lead"}).status_code == 404
    assert client.get("/api/v1/users/2147483648").status_code == 404
