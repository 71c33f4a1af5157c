"""Classes 1 and 2: polling an open period around one more rating, and an edit after a period closed.

The reader reads everything the app says about a period (API cells and pair series, the matrix
CSV, the pair's CSV, the scorecard's CSV with its reason tags), waits for one more rating or an
edit, and reads again: any difference would be that rating. Both reads must be the same.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests import factories
from tests.factories import fresh_org
from tracker.extensions import db
from tracker.metrics import periods
from tracker.metrics.periods import company_zone
from tracker.models import Rating
from tracker.types import utcnow

K = 3
CODES = ("AA", "BB", "CC")


def _everything(client, kind: str, label: str) -> dict:
    answers = {}
    for metric in ("satisfaction", "collaboration", "csat"):
        answers[("api", metric)] = client.get(
            f"/api/v1/metrics/pairs?period={kind}&metric={metric}&from={label}&to={label}").json
        answers[("matrix.csv", metric)] = client.get(
            f"/dashboards/matrix.csv?period={kind}&metric={metric}&at={label}").get_data(as_text=True)
    answers["series"] = client.get(f"/api/v1/metrics/pairs/AA/BB?period={kind}&from={label}&to={label}").json
    answers["pair.csv"] = client.get(f"/dashboards/pairs/AA/BB.csv?period={kind}&from={label}&to={label}").get_data(
        as_text=True)
    answers["scorecard.csv"] = client.get(
        f"/dashboards/departments/AA.csv?period={kind}&from={label}&to={label}").get_data(as_text=True)
    return answers


@pytest.mark.parametrize("kind", ["week", "month", "quarter"])
def test_polling_the_open_period_before_and_after_one_more_rating_tells_nothing(app, client, login_as, kind):
    rng = random.Random(kind)
    org = fresh_org(app, K, CODES)
    now = utcnow()
    for rater in range(2 * K):
        org.rate("AA", "BB", rater, rng.randint(1, 5), rng.randint(1, 5), now - dt.timedelta(minutes=5),
                 reasons=("late",))
    # The handoff of the rating to come is there before the first read: handoffs and attainment are
    # not confidential, and only the rating must tell nothing.
    handoff = factories.make_handoff(org.commitment("AA"), consumer=org.department("BB"),
                                     requested_at=now - dt.timedelta(minutes=30),
                                     delivered_at=now - dt.timedelta(minutes=20))
    db.session.commit()
    login_as("leadership")
    label = periods.label(periods.period_start(now.astimezone(company_zone()).date(), kind), kind)
    before = _everything(client, kind, label)
    factories.make_rating(handoff, rater=org.rater("BB", 2 * K), satisfaction=1, collaboration=1,
                          created_at=now - dt.timedelta(minutes=1), reasons=("late",))
    db.session.commit()
    after = _everything(client, kind, label)
    assert after == before
    assert before["series"]["series"]["points"][0]["reason"] == "open"


def test_an_edit_after_the_period_closed_moves_no_number(app, client, login_as):
    org = fresh_org(app, K, CODES)
    for rater in range(K + 1):
        org.rate("AA", "BB", rater, 2 + rater % 3, 3, factories.at(2025, 3, 10), reasons=("late",))
        org.rate("CC", "AA", rater, 4, 4, factories.at(2025, 3, 12))
    db.session.commit()
    login_as("leadership")
    before = {kind: _everything(client, kind, label) for kind, label in
              (("week", "2025-W11"), ("month", "2025-03"), ("quarter", "2025-Q1"))}
    assert before["month"]["series"]["series"]["points"][0]["satisfaction"] is not None
    # The ratings service refuses the change (tests/ratings/test_release_lock.py); written past it,
    # straight into the table as an import or a repair might, it still moves nothing released.
    rating = db.session.scalars(db.select(Rating).order_by(Rating.id)).first()
    rating.satisfaction = 6 - rating.satisfaction if rating.satisfaction != 3 else 5
    db.session.commit()
    after = {kind: _everything(client, kind, label) for kind, label in
             (("week", "2025-W11"), ("month", "2025-03"), ("quarter", "2025-Q1"))}
    assert after == before
