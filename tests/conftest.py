"""Fixtures shared by every test; the databases behind them are made in tests/databases.py."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests import databases, factories
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, REQUIRE_BROWSER, PageWatch
from tests.databases import (
    BACKEND_STATES,
    BACKENDS,
    drop_pg_database,
    empty_all_tables,
    prepared_database_url,
)
from tests.live import LiveServer
from tracker.extensions import db

# The longest test files (about a minute of work each), started first: the workers take whole
# files (--dist loadfile), so one of these drawn last would leave a worker running it alone.
LONGEST_FIRST = (
    "tests/security/test_fuzz_api_employee_and_lead.py", "tests/security/test_fuzz_api_admin_and_leadership.py",
    "tests/redteam/test_combined_answers.py", "tests/security/test_hostile_input.py",
    "tests/browser/test_journeys.py", "tests/metrics/test_differencing.py", "tests/metrics/test_bench_smoke.py",
    "tests/demo/test_seed.py", "tests/security/test_xss.py", "tests/security/test_marker.py",
)


def pytest_collection_modifyitems(session, config, items) -> None:
    """Move the longest files to the front, keeping every file's tests together and in order."""
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


def pytest_sessionfinish(session, exitstatus) -> None:
    """Drop the PostgreSQL databases this test process made."""
    state = BACKEND_STATES.get("postgresql")
    if state is not None and state.url:
        drop_pg_database(state.url)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The name of the database the test runs on."""
    return request.param


@pytest.fixture
def database_url(backend) -> str:
    return prepared_database_url(backend)


@pytest.fixture
def app(database_url, backend):
    """A new application per test on an empty, migrated database."""
    app = databases.make_app(database_url)
    with app.app_context():
        empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(database_url, backend):
    """Like `app`, with CSRF protection on, as in production."""
    app = databases.make_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        empty_all_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def form_sign_in(csrf_app):
    """Sign a person in through the sign-in form, its CSRF token included, on a new client of `csrf_app`."""

    def _sign_in(user) -> FlaskClient:
        client = csrf_app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token})
        return client

    return _sign_in


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real form, as a browser would."""

    def __init__(self, client) -> None:
        self._client = client

    def login(self, user_or_email, password: str = factories.PASSWORD):
        email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(client, auth):
    """Create a user of the given role (and department) and sign in as them."""

    def _login(role: str = "employee", department=None, **kwargs):
        user = factories.make_user(role=role, department=department, **kwargs)
        db.session.commit()
        response = auth.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


@pytest.fixture(scope="session")
def browser():
    """One headless chromium per test process, shared by every browser test (tests/browser)."""
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"TRACKER_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def server(app, database_url):
    """gunicorn serving the test's database; rows the test made are committed first."""
    db.session.commit()
    live = LiveServer(database_url, workers=2).start()
    yield live
    live.stop()


@pytest.fixture
def page(browser, server):
    """A fresh browser context on the live server, with a watch on errors and dialogs."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


@pytest.fixture
def world(app) -> factories.HandoffWorld:
    """A provider with one round-the-clock commitment, its consumer, and a bystander department."""
    return factories.make_handoff_world()


@pytest.fixture
def fresh_database_url(backend, database_url, tmp_path) -> Iterator[str]:
    """An empty database of the test's backend, made for this test alone and dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    server = sa.make_url(database_url)
    name = f"tracker_fresh_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def make_app(database_url):
    """Build an app on the shared test database with some settings changed; tables start empty."""
    made = []

    def _make(**overrides):
        app = databases.make_app(database_url, **overrides)
        context = app.app_context()
        context.push()
        empty_all_tables()
        made.append(context)
        return app

    yield _make
    for context in reversed(made):
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture(scope="session")
def mail_server_session():
    from tests.mailserver import MailServer

    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_server(mail_server_session):
    """The process's SMTP server (aiosmtpd on loopback), emptied for this test."""
    mail_server_session.received.clear()
    yield mail_server_session
    mail_server_session.received.clear()


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver's one HTTP receiver per test process (webhooks, chat) listens on loopback."""
    return ("127.0.0.1", 0)
