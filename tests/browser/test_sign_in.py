"""Signing in and choosing the language in a real browser."""

from __future__ import annotations

from tests import factories
from tests.browser.helpers import screenshot, sign_in


def test_sign_in_shows_home_without_console_errors(page):
    user = factories.make_user(display_name="Browser Person", email="browser@example.test")
    sign_in(page, user.email, factories.PASSWORD)
    assert "Browser Person" in page.locator("h1").inner_text()
    assert page.watch.errors == []
    screenshot(page, "home-en")


def test_wrong_password_says_so_next_to_the_field(page):
    user = factories.make_user(email="wrong@example.test")
    sign_in(page, user.email, "not the password")
    assert page.locator("#password-error").inner_text() == "The email or the password is not right."
    assert page.watch.errors == []


def test_switching_to_chinese_translates_the_page(page):
    user = factories.make_user(email="zh@example.test")
    sign_in(page, user.email, factories.PASSWORD)
    page.select_option("#locale-select", "zh")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("button", name="退出").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    screenshot(page, "home-zh")
