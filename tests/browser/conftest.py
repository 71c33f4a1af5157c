"""Browser tests: Playwright driving Debian's chromium against gunicorn on a fresh database.

Without /usr/bin/chromium these tests are skipped on a developer machine; with
TRACKER_REQUIRE_BROWSER=1 (CI) a missing browser fails the run instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.live import LiveServer
from tracker.extensions import db

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("TRACKER_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(
    os.environ.get("TRACKER_SCREENSHOTS_DIR", Path(__file__).resolve().parent.parent.parent / "test-artifacts")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    """Browser journeys run on SQLite; the API and services are proved on both databases."""
    return request.param


@pytest.fixture
def server(app, database_url):
    """gunicorn serving the test's database; rows the test made are committed first."""
    db.session.commit()
    live = LiveServer(database_url, workers=2).start()
    yield live
    live.stop()


class PageWatch:
    """Collects what a page should never produce: console errors, CSP violations, dialogs."""

    # A form answered with 422 is how invalid input is shown, not an error of the page.
    EXPECTED = ("status of 422",)

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("requestfailed", lambda req: self.errors.append(f"failed {req.url}"))
        page.on("response", self._response)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _console(self, msg) -> None:
        if msg.type == "error" and not any(expected in msg.text for expected in self.EXPECTED):
            self.errors.append(f"{msg.text} at {msg.location.get('url')}")

    def _response(self, response) -> None:
        if response.status == 404:
            self.errors.append(f"404 {response.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser, server):
    """A fresh browser context on the live server, with a watch on errors and dialogs."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the form, as a person would (rows the test made are committed first)."""
    db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").or_(page.get_by_label("电子邮箱")).fill(email)
    page.get_by_label("Password").or_(page.get_by_label("密码")).fill(password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> None:
    """Keep a screenshot of a main step (test-artifacts/, or TRACKER_SCREENSHOTS_DIR)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
