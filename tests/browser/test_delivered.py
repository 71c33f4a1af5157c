"""The provider's view of its ratings, in chromium: a shown consumer, a withheld one, comments without months."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import screenshot, sign_in
from tests.factories import Org, use_k
from tracker.metrics import periods
from tracker.metrics.periods import company_zone

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC)


def test_a_provider_lead_reads_how_each_consumer_rated_the_last_quarter(app, page):
    use_k(app, 5)
    org = Org()
    quarter = periods.previous_start(periods.current_start("quarter", company_zone()), "quarter")
    for rater, score in enumerate((5, 4, 4, 3, 4, 2)):
        rating = org.rate("AA", "BB", rater, score, score, _noon(quarter + dt.timedelta(days=9)))
        rating.comment = ("Quick and friendly", "The form was hard to find", None, None, None, None)[min(rater, 2)]
    months = periods.starts_between(quarter, periods.next_start(quarter, "quarter") - dt.timedelta(days=1), "month")
    for month, raters in zip(months, (5, 5, 2), strict=True):  # the quarter minus two months would be the third
        for _ in range(raters):
            org.rate("AA", "CC", len(org.raters), 3, 3, _noon(month + dt.timedelta(days=14)))
    lead = factories.make_user(role="lead", department=org.department("AA"))
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto("/handoffs/delivered")
    expect(page).to_have_url(re.compile(r"/ratings/delivered$"))
    shown, withheld = page.locator("tr[data-consumer=BB]"), page.locator("tr[data-consumer=CC]")
    expect(shown).to_contain_text("3.7")
    expect(withheld).to_contain_text("hidden to protect a small group")  # 12 raters, but months of 5, 5, 2
    expect(page.get_by_text("The form was hard to find")).to_be_visible()
    screenshot(page, "provider-view-en")
    shown.get_by_role("link").click()
    label = periods.label(quarter, "quarter")
    expect(page).to_have_url(re.compile(rf"/dashboards/pairs/AA/BB\?period=quarter&from={label}"))
    expect(page.locator("table").first).to_contain_text("3.67")
    assert page.watch.errors == []
