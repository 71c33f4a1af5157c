"""Wiring of Flask-Login: who the current user is, for pages (cookie) and the API (bearer)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import Forbidden, Unauthorized

from tracker.auth import services
from tracker.extensions import login_manager

# Endpoints reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "bootstrap.static", "web.set_locale", "web.health", "web.api_docs",
                    "ratings.rate_from_link",
                    "messages.unsubscribe"}
PUBLIC_API_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return secret.strip()
    return None


@login_manager.user_loader
def _load_user(session_token: str):
    if request.path.startswith("/api/") and _bearer_secret():
        return None  # a bearer token decides who calls the API, never a cookie sent alongside it
    config = current_app.config
    return services.load_session(
        session_token,
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


@login_manager.request_loader
def _load_user_from_token(req):
    if not req.path.startswith("/api/"):
        return None
    secret = _bearer_secret()
    if secret is None:
        return None
    found = services.user_for_token(secret)
    if found is None:
        g.bad_token = True
        return None
    user, token = found
    g.api_token = token
    return user


def init_auth(app: Flask) -> None:
    """Bind Flask-Login and require a signed-in user everywhere but the public endpoints."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = None  # the server-side session record does this job

    @app.before_request
    def _require_sign_in():
        if request.endpoint in PUBLIC_ENDPOINTS or request.path.startswith(PUBLIC_API_PATHS):
            return None
        if request.path.startswith("/api/"):
            if not current_user.is_authenticated:
                if g.get("bad_token"):
                    raise Unauthorized("The API token is unknown or revoked.")
                raise Unauthorized("Sign in, or send a bearer API token in the Authorization header.")
            if request.method in UNSAFE_METHODS and g.get("api_token") is None:
                _check_api_csrf()
            return None
        if request.endpoint is None:
            return None  # unknown address: let the 404 handler answer
        if not current_user.is_authenticated:
            session["next"] = request.full_path if request.method == "GET" else None
            return redirect(url_for("auth.login"))
        return None


def _check_api_csrf() -> None:
    """A cookie-authenticated API write must carry the session's CSRF token in a header."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
    try:
        validate_csrf(token)
    except Exception as exc:  # ValidationError from wtforms: the reason goes into the message
        raise Forbidden(
            "A browser session writing to the API must send its CSRF token in the X-CSRFToken header "
            f"({exc})."
        ) from exc


__all__ = ["CSRFError", "init_auth"]
