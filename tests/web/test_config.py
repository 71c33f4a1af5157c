"""Production refuses unsafe settings; cookies and transport security are set as promised."""

from __future__ import annotations

import pytest

from tests import factories
from tracker import create_app
from tracker.config import ConfigError, ProductionConfig
from tracker.extensions import db

GOOD_KEY = "q8V2rT5yXn0LwZ4mB7cK1pH9sD3fG6jA"


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """The environment of a production start, with a sound key unless a test changes it."""
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("TRACKER_SECRET_KEY", GOOD_KEY)
    for name in ("TRACKER_DEBUG", "FLASK_DEBUG", "TRACKER_SECURE_COOKIES", "TRACKER_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _start():
    app = create_app()
    with app.app_context():
        db.engine.dispose()
    return app


def test_production_starts_with_a_sound_key(production_env):
    app = _start()
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.debug is False


def test_production_refuses_a_missing_secret_key(production_env):
    production_env.delenv("TRACKER_SECRET_KEY")
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        _start()


def test_production_refuses_a_short_secret_key(production_env):
    production_env.setenv("TRACKER_SECRET_KEY", GOOD_KEY[:31])
    with pytest.raises(ConfigError, match="at least 32"):
        _start()


def test_production_refuses_a_long_but_weak_secret_key(production_env):
    production_env.setenv("TRACKER_SECRET_KEY", "ab" * 32)
    with pytest.raises(ConfigError, match="too weak"):
        _start()


@pytest.mark.parametrize("variable", ["TRACKER_DEBUG", "FLASK_DEBUG"])
def test_production_refuses_debug_mode(production_env, variable):
    production_env.setenv(variable, "1")
    with pytest.raises(ConfigError, match="debug"):
        ProductionConfig().finalize()


def test_production_does_not_invent_a_per_process_key(production_env, tmp_path):
    production_env.delenv("TRACKER_SECRET_KEY")
    with pytest.raises(ConfigError):
        _start()
    assert not (tmp_path / "instance" / "secret_key").exists()


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def _sign_in(app):
    user = factories.make_user()
    db.session.commit()
    return app.test_client().post("/login", data={"email": user.email, "password": factories.PASSWORD})


def test_session_cookie_is_httponly_and_samesite_lax(make_app, monkeypatch):
    monkeypatch.delenv("TRACKER_SECURE_COOKIES", raising=False)
    cookie = _session_cookie(_sign_in(make_app()))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(make_app, monkeypatch):
    monkeypatch.setenv("TRACKER_SECURE_COOKIES", "true")
    cookie = _session_cookie(_sign_in(make_app()))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_hsts_is_not_sent_over_plain_http(client):
    response = client.get("/login")
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(("short", "lead"), [("-1", "730"), ("10", "5"), ("3", "5000")])
def test_back_dating_limits_out_of_order_or_beyond_the_day_memo_are_refused(production_env, short, lead):
    production_env.setenv("TRACKER_BACKDATE_DAYS", short)
    production_env.setenv("TRACKER_LEAD_BACKDATE_DAYS", lead)
    with pytest.raises(ConfigError, match="TRACKER_BACKDATE_DAYS"):
        _start()
