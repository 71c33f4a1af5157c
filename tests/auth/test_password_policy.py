"""One password policy for every path that sets a password: length, then guessability (zxcvbn)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import zxcvbn
from sqlalchemy import select

from tests import factories
from tests.i18n.reading import translations
from tracker.auth import passwords
from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.models import User
from tracker.users.services import create_user

COMMON = "password123456"
# A name no dictionary holds, so only the person's own email and name make it guessable.
STRANGER = {"email": "zorbeth.quandrix@example.test", "display_name": "Zorbeth Quandrix"}


def _admin_token(app) -> str:
    from tracker.auth.services import create_token

    _token, secret = create_token(factories.make_user("admin"))
    db.session.commit()
    return secret


def _post_user(client, secret: str, password: str, **extra):
    body = {"email": "new.person@example.test", "display_name": "New Person", "role": "admin", "password": password}
    return client.post("/api/v1/users", json={**body, **extra}, headers={"Authorization": f"Bearer {secret}"})


def test_the_api_refuses_a_common_password_naming_the_field_and_the_reason(app, client):
    response = _post_user(client, _admin_token(app), COMMON)
    assert (response.status_code, response.json["errors"]["json"]["password"]) == (
        422, ["This password is too easy to guess. This is similar to a commonly used password. "
              "Add another word or two. Uncommon words are better."])


def test_the_api_creates_nobody_when_the_password_is_refused(app, client):
    _post_user(client, _admin_token(app), COMMON)
    assert db.session.scalar(select(User).where(User.email == "new.person@example.test")) is None


def test_the_api_accepts_a_few_uncommon_words(app, client):
    assert _post_user(client, _admin_token(app), "cobalt ledger sunflower").status_code == 201


def test_the_persons_own_email_and_name_count_as_guessable():
    words = passwords.personal_words(STRANGER["email"], STRANGER["display_name"])
    assert (passwords.password_problem("zorbethquandrix") is None,
            passwords.password_problem("zorbethquandrix", words) is not None) == (True, True)


def test_the_service_judges_the_password_with_the_persons_email_and_name(app):
    with pytest.raises(InvalidInput, match="too easy to guess") as refused:
        create_user(None, role="admin", password="zorbethquandrix", **STRANGER)
    assert refused.value.errors == {"password": [refused.value.message]}


def test_the_refusal_is_in_the_readers_language(app, client):
    secret = _admin_token(app)
    response = client.post("/api/v1/users", json={"email": "n@example.test", "display_name": "N", "role": "admin",
                                                   "password": COMMON},
                           headers={"Authorization": f"Bearer {secret}", "Accept-Language": "zh"})
    assert response.json["errors"]["json"]["password"][0].startswith("这个密码太容易被猜到。")


def test_the_command_line_refuses_a_common_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "cli@example.test", "--name", "Cli Person",
                                 "--role", "admin", "--password", COMMON])
    assert (result.exit_code != 0, "too easy to guess" in result.output) == (True, True)


def test_the_administration_page_shows_the_refusal_next_to_the_password(app, client, login_as):
    login_as("admin")
    response = client.post("/admin/people", data={"email": "page@example.test", "display_name": "Page Person",
                                                  "role": "admin", "department": "", "password": COMMON})
    page = response.get_data(as_text=True)
    assert (response.status_code, 'id="password-error">This password is too easy to guess.' in page) == (422, True)


def test_a_password_past_the_longest_allowed_is_refused_without_judging_it(monkeypatch):
    judged = []
    monkeypatch.setattr(passwords, "zxcvbn", lambda password, **kw: judged.append(password))
    problem = passwords.password_problem("x" * 10_000)
    assert (problem, judged) == ("Use at most 128 characters.", [])


def test_a_long_password_is_judged_on_its_first_72_characters(monkeypatch):
    judged = []
    real = passwords.zxcvbn
    monkeypatch.setattr(passwords, "zxcvbn", lambda password, **kw: judged.append(password) or real(password, **kw))
    passwords.password_problem("cobalt ledger sunflower " * 5)
    assert [len(p) for p in judged] == [72]


def _zxcvbn_messages() -> set[str]:
    """Every literal zxcvbn's feedback module passes to gettext."""
    tree = ast.parse((Path(zxcvbn.__file__).parent / "feedback.py").read_text())
    return {
        "".join(part.value for part in ast.walk(call.args[0]) if isinstance(part, ast.Constant))
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "_" and call.args
    }


def test_every_message_zxcvbn_can_give_is_listed_for_translation():
    listed = {str(message._args[0]) for message in passwords.FEEDBACK}
    assert _zxcvbn_messages() - listed == set()


def test_every_message_zxcvbn_can_give_has_a_chinese_translation():
    table = translations()
    assert sorted(m for m in _zxcvbn_messages() if not table.get(m)) == []
