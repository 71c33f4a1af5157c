"""Sign-in rate limits: failed attempts counted per client address and per account.

The counts live in Redis when TRACKER_REDIS_URL is set, so every gunicorn worker and every
server behind the load balancer shares them. Without Redis they live in the memory of each
process: a limit of 5 then really means 5 per worker process, which is only acceptable for a
single-process development server.

The client address is `request.remote_addr`. A client can write any X-Forwarded-For header it
likes, so that header counts only when TRACKER_TRUSTED_PROXIES says how many proxies in front
of the app add it (ProxyFix then rewrites remote_addr from the proxies' entries alone).
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, flash, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from limits import parse

from tracker.extensions import limiter


def _prefix() -> str:
    return current_app.config["RATE_LIMIT_KEY_PREFIX"]


def _address_key() -> str:
    return f"{_prefix()}:signin:address:{request.remote_addr or 'unknown'}"


def _account_key() -> str:
    # The email is hashed so that the shared store holds no personal data. A signed-in person
    # checking their own password counts against the same account as signing in with it.
    if request.endpoint == "auth.login" or not current_user.is_authenticated:
        email = (request.form.get("email") or "").strip().lower()
    else:
        email = current_user.email
    return f"{_prefix()}:signin:account:{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def _failed(response) -> bool:
    """Only attempts that did not sign in count; a successful sign-in answers with a redirect."""
    return response.status_code != 302


def _wrong_password(response) -> bool:
    """On the own-password page only a wrong current password counts, not a weak new one."""
    return bool(g.get("wrong_password"))


def _limited(view, deduct_when):
    # Shared limits: every view that checks a password draws on the same two counts.
    view = limiter.shared_limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
        key_func=_account_key, methods=["POST"], deduct_when=deduct_when, scope="password-account",
    )(view)
    view = limiter.shared_limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"],
        key_func=_address_key, methods=["POST"], deduct_when=deduct_when, scope="password-address",
    )(view)
    return view


def sign_in_limits(view):
    """Decorate the sign-in view with the per-account and per-address limits on POST."""
    return _limited(view, _failed)


def password_check_limits(view):
    """The same limits, and the same counts, for a view that checks a signed-in person's password."""
    return _limited(view, _wrong_password)


def _seconds_to_wait() -> int:
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def _too_many_attempts(exc: RateLimitExceeded):
    from tracker.errors import error_body, is_api_request

    seconds = _seconds_to_wait()
    message = _("Too many sign-in attempts. Wait %(seconds)d seconds, then try again.", seconds=seconds)
    if is_api_request() or request.accept_mimetypes.best == "application/json":
        response = jsonify(error_body(429, message))
        response.status_code = 429
    elif request.endpoint == "auth.login":
        from tracker.auth.forms import SignInForm

        flash(message, "warning")
        form = SignInForm()
        form.password.data = None
        response = make_response(render_template("auth/login.html", form=form), 429)
    elif request.endpoint == "auth.change_password":
        from tracker.auth.forms import PasswordChangeForm
        from tracker.auth.passwords import MIN_PASSWORD_LENGTH

        flash(message, "warning")
        response = make_response(render_template("auth/password.html", form=PasswordChangeForm(),
                                                 min_length=MIN_PASSWORD_LENGTH), 429)
    else:
        response = make_response(render_template("error.html", code=429, message=message), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


def init_rate_limits(app: Flask) -> None:
    """Bind Flask-Limiter to the app with storage from the configuration."""
    for name in ("LOGIN_RATE_LIMIT_ADDRESS", "LOGIN_RATE_LIMIT_ACCOUNT"):
        parse(app.config[name])  # a malformed limit stops the start, not the first sign-in
    app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    # The extension is one object per process; set every setting it keeps between apps.
    app.config["RATELIMIT_ENABLED"] = app.config["RATE_LIMITS_ENABLED"]
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many_attempts)
