"""Changing one's own password in a real browser: reached from the top bar, errors next to the field."""

from __future__ import annotations

from tests import factories
from tests.browser.helpers import screenshot, sign_in


def _fill(page, old: str, new: str) -> None:
    page.fill("#old_password", old)
    page.fill("#new_password", new)
    page.fill("#confirm", new)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_a_guessable_password_is_refused_next_to_the_field_and_a_good_one_saved(page):
    user = factories.make_user(email="own.password@example.test")
    sign_in(page, user.email, factories.PASSWORD)
    page.get_by_role("link", name="Change password").click()
    _fill(page, factories.PASSWORD, "password123456")
    refused = page.locator("#new_password-error").inner_text()
    screenshot(page, "password-refused-en")
    _fill(page, factories.PASSWORD, "cobalt ledger sunflower")
    assert (refused.startswith("This password is too easy to guess."),
            "Your password was changed." in page.locator("main").inner_text(), page.watch.errors) == (True, True, [])


def test_the_page_speaks_chinese(page):
    user = factories.make_user(email="own.password.zh@example.test", locale="zh")
    sign_in(page, user.email, factories.PASSWORD)
    page.goto("/account/password")
    _fill(page, "not my password", "cobalt ledger sunflower")
    assert page.locator("#old_password-error").inner_text() == "这不是您当前的密码。"
    screenshot(page, "password-wrong-old-zh")
