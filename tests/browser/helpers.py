"""What browser tests share: where chromium is, how it starts, a watch on page errors, sign-in and screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tracker.extensions import db

CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("TRACKER_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(
    os.environ.get("TRACKER_SCREENSHOTS_DIR", Path(__file__).resolve().parent.parent.parent / "test-artifacts")
)
# Browser tests run on SQLite; the API and services are proved on both databases. For a module
# outside tests/browser (whose conftest sets this for the folder): pytestmark = [ON_SQLITE].
ON_SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class PageWatch:
    """Collects what a page should never produce: console errors, CSP violations, dialogs."""

    # A form answered with 422 is how invalid input is shown, not an error of the page.
    EXPECTED = ("status of 422",)

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _console(self, msg) -> None:
        if msg.type == "error" and not any(expected in msg.text for expected in self.EXPECTED):
            self.errors.append(f"{msg.text} at {msg.location.get('url')}")

    def _failed(self, request) -> None:
        # A request the browser itself cancels because the reader moved on to the next page is
        # no fault of the page; a missing file shows as a 404 below.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed {request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status == 404:
            self.errors.append(f"404 {response.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


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
    # The whole page while it is short; a long one is cut at twice the window, to keep files small.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    viewport = page.viewport_size
    clip = None if height <= 2 * viewport["height"] else {"x": 0, "y": 0, "width": viewport["width"],
                                                           "height": 2 * viewport["height"]}
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip)
