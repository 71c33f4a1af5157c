"""Every `next` address leads to a page of this site, never to another one.

Two routes take a `next`: the language switch (`POST /locale`, a form field) and sign-in (the
page a signed-out reader asked for, kept in the session). A corpus of off-site addresses goes
through both: each answer redirects to the home page. Browsers drop tab, CR and LF, strip
leading spaces and read a backslash as a slash, which is how `/\t/evil.example/` would arrive
as `//evil.example/`.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from tests import factories
from tracker.extensions import db

OFF_SITE = (
    "//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example/", "/\\/evil.example/",
    "/\t/evil.example/", "/\r/evil.example/", "/\n/evil.example/", "/\r\n/evil.example/", "/\t\\evil.example/",
    "\t//evil.example/", " //evil.example/", "\x00//evil.example/", "/\x00/evil.example/", "/\x7f/evil.example/",
    "/\x1b/evil.example/", "/\u2028/evil.example/", "https://evil.example/", "HTTPS://evil.example/",
    "http:evil.example", "https:/\\evil.example/", "//user:pass@evil.example/", "/@evil.example/\t/",
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example",
)
LOCAL = ("/handoffs?status=open", "/dashboards/pairs/FIN/HRM?period=quarter", "/commitments?q=财务 部")


def _after_locale(client, target: str) -> str | None:
    """Where the language switch leads, or None when the edge refuses the form (a NUL): no redirect at all."""
    response = client.post("/locale", data={"locale": "en", "next": target})
    if response.status_code == 422 and "Location" not in response.headers:
        return None
    assert response.status_code == 302, target
    return response.headers["Location"]


def _after_sign_in(app, user, target: str) -> str:
    client = app.test_client()
    with client.session_transaction() as session:
        session["next"] = target
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, target
    return response.headers["Location"]


def test_the_language_switch_never_sends_the_reader_off_site(client):
    assert {target: location for target in OFF_SITE
            if (location := _after_locale(client, target)) not in ("/", None)} == {}


def test_sign_in_never_sends_the_reader_off_site(app):
    user = factories.make_user()
    db.session.commit()
    assert {target: location for target in OFF_SITE if (location := _after_sign_in(app, user, target)) != "/"} == {}


def test_local_addresses_are_followed(app, client):
    user = factories.make_user()
    db.session.commit()
    followed = [{unquote(_after_locale(client, target)), unquote(_after_sign_in(app, user, target))}
                for target in LOCAL]
    assert followed == [{target} for target in LOCAL]


def test_every_reader_of_next_uses_the_one_helper():
    root = Path(__file__).resolve().parents[2] / "tracker"
    readers = {str(p.relative_to(root)): p.read_text() for p in root.rglob("*.py")
               if re.search(r"""get\(\s*["']next["']""", p.read_text())}
    assert sorted(readers) == ["auth/views.py", "web/views.py"]
    assert [name for name, text in readers.items() if "safe_next(" not in text] == []
