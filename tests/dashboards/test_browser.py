"""Every dashboard page in headless chromium: no console errors, at least one drawn trace with data."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.helpers import ON_SQLITE, sign_in
from tests.dashboards.pages import PAGES
from tests.factories import Org, at
from tracker.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.server, ON_SQLITE]

TRACES_WITH_DATA = """
Array.from(document.querySelectorAll('.dashboard-figure')).map(e => (e.data || []).filter(
  t => ['z', 'y', 'x'].some(k => t[k] && t[k].length) || (t.link && t.link.value && t.link.value.length)).length)
"""


def test_dashboards_draw_in_chromium_without_console_errors(page):
    org = Org()
    for i in range(6):
        org.rate("FIN", "HR", i, 4, 4, at(2026, 1, 10))
        org.rate("FIN", "HR", i, 2, 3, at(2025, 12, 10))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    sign_in(page, viewer.email, factories.PASSWORD)
    for url in PAGES:
        page.goto(url)
        page.wait_for_function("document.querySelectorAll('.dashboard-figure .main-svg').length > 0")
        assert sum(page.evaluate(TRACES_WITH_DATA)) >= 1, url
    assert page.watch.errors == []


def test_a_click_on_a_matrix_cell_opens_the_pair(page):
    org = Org()
    for i in range(6):
        org.rate("FIN", "HR", i, 4, 4, at(2026, 1, 10))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    sign_in(page, viewer.email, factories.PASSWORD)
    page.goto(PAGES[0])
    page.wait_for_function("document.querySelector('#matrix-figure .main-svg')")
    page.evaluate("document.getElementById('matrix-figure').emit('plotly_click', "
                  "{points: [{x: 'HR', y: 'FIN', z: 4}]})")
    page.wait_for_url("**/dashboards/pairs/FIN/HR**")
    assert page.watch.errors == []


def test_the_mode_bar_speaks_chinese_on_chinese_pages(page):
    org = Org()
    for i in range(6):
        org.rate("FIN", "HR", i, 4, 4, at(2026, 1, 10))
    viewer = factories.make_user(role="leadership", locale="zh")
    db.session.commit()
    sign_in(page, viewer.email, factories.PASSWORD)
    page.goto(PAGES[0])
    page.wait_for_function("document.querySelector('#matrix-figure .modebar-btn')")
    titles = page.evaluate("Array.from(document.querySelectorAll('#matrix-figure .modebar-btn'))"
                           ".map(b => b.getAttribute('data-title'))")
    assert "下载图表为PNG格式" in titles, titles
    assert page.watch.errors == []
