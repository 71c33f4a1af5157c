"""The API's shape: one error document, OpenAPI, departments and the caller."""

from __future__ import annotations

from tests import factories
from tracker.extensions import db


def test_me_describes_the_caller(client, login_as):
    department = factories.make_department(code="FIN", name="Finance", name_zh="财务部")
    user = login_as("lead", department=department, display_name="A Lead")
    body = client.get("/api/v1/me").json
    assert body == {
        "id": user.id, "email": user.email, "name": "A Lead", "role": "lead", "locale": None,
        "department": {"code": "FIN", "name": "Finance", "name_zh": "财务部"},
    }


def test_departments_are_listed_by_code_and_paginated(client, login_as):
    for code in ("SALES", "FIN", "IT"):
        factories.make_department(code=code)
    login_as("admin")
    response = client.get("/api/v1/departments?page_size=2")
    assert [d["code"] for d in response.json] == ["FIN", "IT"]
    assert '"total": 3' in response.headers["X-Pagination"]


def test_only_admins_create_departments(client, login_as):
    login_as("lead")
    refused = client.post("/api/v1/departments", json={"code": "NEW", "name": "New"})
    assert refused.status_code == 403
    assert refused.json["message"]


def test_admin_creates_department_and_duplicates_conflict(client, login_as):
    login_as("admin")
    created = client.post("/api/v1/departments", json={"code": "fin", "name": "Finance", "name_zh": "财务部"})
    assert created.status_code == 201
    assert created.json["code"] == "FIN"
    again = client.post("/api/v1/departments", json={"code": "FIN", "name": "Finance"})
    assert again.status_code == 409
    assert again.json["errors"] == {"json": {"code": ["already used"]}}


def test_invalid_input_names_the_field(client, login_as):
    login_as("admin")
    response = client.post("/api/v1/departments", json={"code": "1bad", "name": "", "extra": 1})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert set(errors) == {"code", "name", "extra"}
    assert response.json["status"] == "Unprocessable Entity"


def test_body_that_is_not_json_is_400_or_422(client, login_as):
    login_as("admin")
    response = client.post("/api/v1/departments", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.json["code"] == response.status_code


def test_unknown_api_route_is_json_404(client, login_as):
    login_as("employee")
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_wrong_method_is_json_405_with_allow(client, login_as):
    login_as("employee")
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json["code"] == 405
    assert "GET" in response.headers["Allow"]


def test_openapi_document_is_served(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"] == "Service-level tracker API"
    assert "/api/v1/departments" in spec["paths"]


def test_interactive_docs_are_served_without_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "swagger-ui" in text
    assert "cdn" not in text.lower()


def test_html_404_page_for_unknown_page(client, login_as):
    login_as("employee")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_security_headers_on_every_response(client):
    for path in ("/login", "/api/v1/openapi.json", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "unsafe-eval" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_chinese_interface_from_the_browser_language(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "登录" in page


def test_users_own_locale_wins(client, login_as):
    login_as("employee", locale="zh")
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "退出" in page
    db.session.rollback()
