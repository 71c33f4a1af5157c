"""The internal-customer service-level tracker: a Flask application."""

from __future__ import annotations

import logging

from flask import Flask, g, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import Config, load_config
from tracker.extensions import api, babel, bootstrap, csrf, db, migrate


def select_locale() -> str:
    """The reader's language: their own setting, a message's recipient's, the session's choice, the browser's."""
    languages = ("en", "zh")
    if not has_request_context():
        return "en"  # the command line speaks English
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if g.get("recipient_locale") in languages:  # a page opened from a message speaks as the message did
        return g.recipient_locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and error handlers."""
    app = Flask(__name__, instance_relative_config=False)
    settings = config if isinstance(config, Config) else load_config()
    if isinstance(config, dict):
        for key, value in config.items():
            setattr(settings, key, value)
    settings.finalize()
    app.config.from_object(settings)
    logging.basicConfig(level=app.config["LOG_LEVEL"])

    from tracker.web.hygiene import init_hygiene

    init_hygiene(app)

    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1, x_host=1)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    csrf.init_app(app)

    from tracker.security.limits import init_rate_limits

    init_rate_limits(app)
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app)
    bootstrap.init_app(app)

    from tracker.database import init_database

    init_database(app)

    from tracker.metrics.rollups import follow_rating_writes

    follow_rating_writes()

    from tracker.auth.login import init_auth

    init_auth(app)
    from tracker.schemas import IdConverter

    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)

    from tracker.errors import register_error_handlers

    register_error_handlers(app)

    from tracker.web.security import init_security_headers

    init_security_headers(app)

    from tracker.web.templating import init_templating

    init_templating(app)

    from tracker.cli import register_cli

    register_cli(app)
    return app


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _register_blueprints(app: Flask) -> None:
    from tracker.admin.views import bp as admin_views
    from tracker.auth.api import blp as me_api
    from tracker.auth.views import bp as auth_views
    from tracker.calendars.api import blp as calendars_api
    from tracker.calendars.views import bp as calendars_views
    from tracker.commitments.api import blp as commitments_api
    from tracker.commitments.views import bp as commitments_views
    from tracker.dashboards_web.views import bp as dashboards_views
    from tracker.departments.api import blp as departments_api
    from tracker.handoffs.api import blp as handoffs_api
    from tracker.handoffs.views import bp as handoffs_views
    from tracker.messages.views import bp as messages_views
    from tracker.metrics.api import blp as metrics_api
    from tracker.ratings.api import blp as ratings_api
    from tracker.ratings.views import bp as ratings_views
    from tracker.users.api import blp as users_api
    from tracker.web.views import bp as web_views

    api_blueprints = (
        me_api,
        departments_api,
        users_api,
        calendars_api,
        commitments_api,
        handoffs_api,
        ratings_api,
        metrics_api,
    )
    page_blueprints = (
        auth_views,
        web_views,
        admin_views,
        calendars_views,
        commitments_views,
        handoffs_views,
        ratings_views,
        messages_views,
        dashboards_views,
    )
    from tracker.openapi import finish_document, start_document

    start_document(api)
    for blueprint in api_blueprints:
        csrf.exempt(blueprint)  # the API is guarded by bearer tokens or the X-CSRFToken header
        api.register_blueprint(blueprint)
    finish_document(api)
    for blueprint in page_blueprints:
        app.register_blueprint(blueprint)
