"""Browser tests: Playwright driving Debian's chromium against gunicorn on a fresh database.

Without /usr/bin/chromium these tests are skipped on a developer machine; with
TRACKER_REQUIRE_BROWSER=1 (CI) a missing browser fails the run instead. The `browser`,
`server` and `page` fixtures live in tests/conftest.py, for browser tests in other folders too.
"""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    """Browser journeys run on SQLite (tests/browser/helpers.ON_SQLITE says the same for a module elsewhere)."""
    return request.param
