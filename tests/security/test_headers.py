"""Security headers on every response: pages, API, error pages and static files."""

from __future__ import annotations

import pytest
from flask import Flask

from tests import factories
from tracker.extensions import db


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in csp.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def assert_security_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy"
    directives = _directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, f"{where}: no script-src"
    assert "'unsafe-inline'" not in scripts, where
    assert "'unsafe-eval'" not in scripts, where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), where


def _argument_free_get_rules(app: Flask) -> list[str]:
    return sorted(
        rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments
    )


def test_every_page_has_the_headers_for_anonymous_readers(app, client):
    rules = _argument_free_get_rules(app)
    assert "/" in rules and "/login" in rules
    for rule in rules:
        assert_security_headers(client.get(rule), rule)


def test_every_page_has_the_headers_for_an_administrator(app, client, login_as):
    login_as("admin")
    for rule in _argument_free_get_rules(app):
        assert_security_headers(client.get(rule), rule)


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/app.css",
        "/static/js/api-docs.js",
        "/static/vendor/plotly/plotly-dashboards.min.js",
        "/bootstrap/static/css/bootstrap.min.css",
    ],
)
def test_static_files_have_the_headers(client, path):
    response = client.get(path)
    response.close()
    assert response.status_code == 200, path
    assert_security_headers(response, path)


def test_not_found_page_has_the_headers(client, login_as):
    login_as("employee")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_security_headers(response, "404")


def test_api_errors_have_the_headers(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert_security_headers(response, "401")


def test_method_not_allowed_has_the_headers(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert_security_headers(response, "405")


def test_server_error_page_has_the_headers_and_no_traceback(make_app):
    app = make_app()

    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals /srv/app.py")

    user = factories.make_user()
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert_security_headers(response, "500")
    assert "secret internals" not in response.get_data(as_text=True)
