"""A database that is down or refuses writes: 503 in the shared error shape, and a health check that says so.

- Unreachable: SQLite at a path that cannot be opened, PostgreSQL on a closed loopback port. API calls
  answer 503 with the JSON error shape, pages a 503 page in the reader's language, `/healthz` 503
  with `"database": "unreachable"`.
- Read-only: SQLite opened with `mode=ro`, PostgreSQL with `default_transaction_read_only`. Reads
  work, writes answer 503, and `/healthz` answers 503 with `"database": "read_only"`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests import factories
from tests.databases import make_app
from tests.live import free_port
from tracker.auth import services as auth_services
from tracker.extensions import db


def _serving(url: str) -> Iterator:
    app = make_app(url)
    context = app.app_context()
    context.push()
    try:
        yield app
    finally:
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture
def unreachable(backend, tmp_path) -> Iterator:
    """An app whose database cannot be reached at all."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'no such directory' / 'tracker.sqlite'}"
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/tracker?connect_timeout=2"
    yield from _serving(url)


@pytest.fixture
def read_only(backend, fresh_database_url) -> Iterator[tuple]:
    """An app on a migrated database with a person and an API token, opened so that it refuses writes."""
    setup = make_app(fresh_database_url)
    with setup.app_context():
        upgrade()
        person = factories.make_user(role="admin", email="ro.admin@example.test")
        db.session.flush()
        _token, secret = auth_services.create_token(person, name="read-only check")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    url = sa.make_url(fresh_database_url)
    if backend == "sqlite":
        url = f"sqlite:///file:{url.database}?mode=ro&uri=true"
    else:
        url = url.update_query_dict({"options": "-c default_transaction_read_only=on"})
        url = url.render_as_string(hide_password=False)
    for app in _serving(url):
        yield app, secret


def test_an_unreachable_database_answers_the_api_with_503_in_the_error_shape(unreachable):
    response = unreachable.test_client().get("/api/v1/departments", headers={"Authorization": "Bearer trk_x"})
    assert (response.status_code, sorted(response.json), response.json["code"]) == (
        503, ["code", "message", "status"], 503)


def test_an_unreachable_database_answers_a_page_with_a_503_page_in_the_readers_language(unreachable):
    response = unreachable.test_client().post("/login", data={"email": "a@example.test", "password": "x"},
                                              headers={"Accept-Language": "zh-CN"})
    assert (response.status_code, response.mimetype) == (503, "text/html")
    assert "目前无法连接数据库" in response.get_data(as_text=True)


def test_health_reports_an_unreachable_database(unreachable):
    response = unreachable.test_client().get("/healthz")
    assert (response.status_code, response.json["database"], response.json["code"]) == (503, "unreachable", 503)


def test_health_reports_a_database_that_refuses_writes(read_only):
    app, _secret = read_only
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.json["database"], response.json["code"]) == (503, "read_only", 503)


def test_a_write_to_a_database_that_refuses_writes_is_503(read_only):
    app, secret = read_only
    response = app.test_client().post("/api/v1/departments", json={"code": "NEW", "name": "New"},
                                      headers={"Authorization": f"Bearer {secret}"})
    assert (response.status_code, response.json["code"]) == (503, 503)


def test_health_is_ok_on_a_database_that_accepts_writes(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok", "database": "ok"})


def test_every_api_operation_documents_the_503(client):
    spec = client.get("/api/v1/openapi.json").json
    missing = [f"{method} {path}" for path, operations in spec["paths"].items()
               for method, operation in operations.items()
               if isinstance(operation, dict) and "responses" in operation and "503" not in operation["responses"]]
    assert (missing, len(spec["paths"]) > 20) == ([], True)
