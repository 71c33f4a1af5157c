"""The app served by gunicorn answers, and the test harness stops it again."""

from __future__ import annotations

import urllib.request

from tests.live import live_server


def test_gunicorn_serves_the_sign_in_page(database_url):
    with live_server(database_url, workers=2) as server:
        with urllib.request.urlopen(server.url + "/login", timeout=5) as response:  # noqa: S310
            assert response.status == 200
            assert b"csrf_token" in response.read()
        pid = server.process.pid
    assert server.process.poll() is not None, f"gunicorn {pid} still running"
