"""Failed sign-ins are limited per account and per client address, and forged headers do not help."""

from __future__ import annotations

import os
import re
import uuid

import pytest
import redis
import requests

from tests import factories
from tests.live import LiveServer
from tracker.extensions import db

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "")
REQUIRE_REDIS = os.environ.get("TRACKER_REQUIRE_REDIS") == "1"
WAIT_MESSAGE = "Too many sign-in attempts."
WRONG = "wrong password!"


def _attempt(client, email: str, password: str = WRONG, **headers):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def test_the_limits_default_to_5_per_account_and_10_per_address(app):
    assert app.config["LOGIN_RATE_LIMIT_ACCOUNT"] == "5 per minute"
    assert app.config["LOGIN_RATE_LIMIT_ADDRESS"] == "10 per minute"


def test_the_sixth_failed_attempt_on_one_account_is_refused(client):
    user = factories.make_user()
    db.session.commit()
    for _ in range(5):
        assert _attempt(client, user.email).status_code == 422
    refused = _attempt(client, user.email)
    assert refused.status_code == 429
    assert WAIT_MESSAGE in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0


def test_the_right_password_does_not_open_a_locked_account(client):
    user = factories.make_user()
    db.session.commit()
    for _ in range(5):
        _attempt(client, user.email)
    assert _attempt(client, user.email, factories.PASSWORD).status_code == 429
    assert client.get("/").status_code == 302


def test_another_account_is_not_locked_by_a_neighbour(client):
    victim, neighbour = factories.make_user(), factories.make_user()
    db.session.commit()
    for _ in range(5):
        _attempt(client, neighbour.email)
    assert _attempt(client, victim.email, factories.PASSWORD).status_code == 302


def test_the_eleventh_failed_attempt_from_one_address_is_refused(client):
    for n in range(10):
        assert _attempt(client, f"nobody{n}@example.test").status_code == 422
    assert _attempt(client, "someone.else@example.test").status_code == 429


def test_a_forged_forwarded_for_header_does_not_reset_the_address_limit(client):
    for n in range(10):
        _attempt(client, f"nobody{n}@example.test", **{"X-Forwarded-For": f"10.0.0.{n}"})
    refused = _attempt(client, "fresh@example.test", **{"X-Forwarded-For": "10.9.9.9"})
    assert refused.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_alone(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    for n in range(10):
        _attempt(client, f"nobody{n}@example.test", **{"X-Forwarded-For": "10.0.0.1"})
    assert _attempt(client, "x@example.test", **{"X-Forwarded-For": "10.0.0.1"}).status_code == 429
    assert _attempt(client, "y@example.test", **{"X-Forwarded-For": "10.0.0.2"}).status_code == 422


def test_successful_sign_ins_do_not_count(client, auth):
    user = factories.make_user()
    db.session.commit()
    for _ in range(12):
        assert auth.login(user).status_code == 302
        auth.logout()


def test_a_json_client_gets_a_json_429(client):
    for n in range(10):
        _attempt(client, f"nobody{n}@example.test")
    refused = _attempt(client, "json@example.test", Accept="application/json")
    assert refused.status_code == 429
    assert refused.json["code"] == 429
    assert WAIT_MESSAGE in refused.json["message"]


@pytest.fixture
def redis_url():
    """The Redis of TRACKER_TEST_REDIS_URL (`make test` sets it when a local Redis answers).

    A Redis that was named and cannot be reached fails the test, as does none at all under
    TRACKER_REQUIRE_REDIS=1 (CI); only a machine without Redis skips the shared-limit test.
    """
    if not REDIS_URL:
        if REQUIRE_REDIS:
            pytest.fail("Redis is required (TRACKER_REQUIRE_REDIS=1) but TRACKER_TEST_REDIS_URL is not set",
                        pytrace=False)
        pytest.skip("no Redis on this machine (TRACKER_TEST_REDIS_URL is not set)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}", pytrace=False)
    return REDIS_URL


def _live_attempt(server: LiveServer, email: str) -> int:
    with requests.Session() as browser:
        page = browser.get(server.url + "/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answer = browser.post(server.url + "/login", timeout=10, allow_redirects=False,
                              data={"email": email, "password": WRONG, "csrf_token": token})
        return answer.status_code


@pytest.mark.server
def test_two_servers_share_one_limit_through_redis(database_url, redis_url):
    prefix = f"tracker-test-{uuid.uuid4().hex}"
    env = {"TRACKER_REDIS_URL": redis_url, "TRACKER_RATE_LIMIT_KEY_PREFIX": prefix}
    servers = [LiveServer(database_url, workers=2, env=env), LiveServer(database_url, workers=2, env=env)]
    store = redis.Redis.from_url(redis_url)
    try:
        for server in servers:
            server.start()
        answers = [_live_attempt(servers[n % 2], "shared@example.test") for n in range(7)]
        assert answers == [422] * 5 + [429, 429]
    finally:
        for server in servers:
            server.stop()
        keys = list(store.scan_iter(match=f"*{prefix}*"))
        if keys:
            store.delete(*keys)
        store.close()
