"""The provider's view of how its consumers rated it: the dashboards' numbers, decisions and periods."""

from __future__ import annotations

import datetime as dt

from tests import factories
from tests.factories import Org, use_k
from tracker.extensions import db
from tracker.metrics import periods, ranges, services
from tracker.metrics.periods import company_zone

K = 5


def _last_quarter() -> dt.date:
    """The last finished quarter in company time, worked out here rather than by the code under test."""
    return periods.previous_start(periods.current_start("quarter", company_zone()), "quarter")


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC)  # noon in Shanghai


def _five_five_two(org: Org, quarter: dt.date) -> None:
    """The issue's example: the quarter's months have 5, 5 and 2 raters; n = 12, mean 35 / 12 = 2.92."""
    months = periods.starts_between(quarter, periods.next_start(quarter, "quarter") - dt.timedelta(days=1), "month")
    scores = ([3, 3, 3, 3, 3], [3, 3, 3, 3, 4], [2, 2])
    rater = 0
    for month, month_scores in zip(months, scores, strict=True):
        for score in month_scores:
            rating = org.rate("AA", "BB", rater, score, score, _noon(month + dt.timedelta(days=14)))
            rating.comment = f"Comment of rater {rater}"
            rater += 1


def test_a_quarter_of_months_with_5_5_and_2_raters_is_withheld_as_the_dashboards_withhold_it(app, client, login_as):
    use_k(app, K)
    org = Org()
    _five_five_two(org, _last_quarter())
    db.session.commit()
    login_as("lead", department=org.department("AA"))
    page = client.get("/ratings/delivered?provider=AA").get_data(as_text=True)
    viewer = factories.make_user(role="leadership")
    label = periods.label(_last_quarter(), "quarter")
    trend = factories.pair_series(viewer, "AA", "BB", ranges.period_range("quarter", label, label))
    assert trend["series"]["points"][0].suppressed is True
    assert ("hidden to protect a small group" in page, "2.9" in page, "Comment of rater" in page) == (
        True, False, False)


def test_a_rating_at_one_in_the_night_of_a_quarter_s_first_day_counts_in_that_quarter_as_on_the_dashboards(app):
    use_k(app, K)
    org = Org()
    quarter = _last_quarter()
    for rater in range(K):
        org.rate("AA", "BB", rater, 4, 4, _noon(quarter))
    # 01:00 in Shanghai on the quarter's first day is 17:00 UTC on the day before, in the quarter before in UTC.
    org.rate("AA", "BB", K, 1, 1, dt.datetime.combine(quarter, dt.time(1), tzinfo=company_zone()))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    label = periods.label(quarter, "quarter")
    point = factories.pair_series(viewer, "AA", "BB", ranges.period_range("quarter", label, label))["series"][
        "points"][0]
    entry = services.ratings_by_consumer(viewer, org.department("AA"), quarter)[0]
    assert (entry.n, point.n, entry.satisfaction) == (K + 1, K + 1, point.satisfaction)


def test_a_comment_is_shown_without_its_month(app, client, login_as):
    use_k(app, K)
    org = Org()
    quarter = _last_quarter()
    for rater in range(K):
        rating = org.rate("AA", "BB", rater, 4, 4, _noon(quarter + dt.timedelta(days=10)))
        rating.comment = "Delivered on the day" if rater == 0 else None
    db.session.commit()
    login_as("lead", department=org.department("AA"))
    page = client.get("/ratings/delivered").get_data(as_text=True)
    assert ("Delivered on the day" in page, periods.label(quarter, "month") in page) == (True, False)


def test_the_old_address_sends_to_the_ratings_page_with_its_provider_and_quarter(app, client, login_as):
    login_as("leadership")
    response = client.get("/handoffs/delivered?provider=FIN&quarter=2025Q3&page=2")
    assert (response.status_code, response.headers["Location"]) == (
        301, "/ratings/delivered?provider=FIN&quarter=2025Q3&page=2")


def test_an_open_or_unknown_quarter_shows_the_last_finished_one(app):
    current = periods.label(periods.current_start("quarter", company_zone()), "quarter")
    answers = {ranges.finished_start("quarter", when) for when in (current, "3000-Q1", "0001-Q1", "2025Q9", None)}
    assert answers == {_last_quarter()}
