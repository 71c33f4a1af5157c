"""The demo's stories can be told: improving and degrading pairs, a department on time yet rated poorly."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.factories import Org, at
from tracker.departments.services import get_by_code
from tracker.extensions import db
from tracker.metrics import ranges, services


def _month_of_ratings(org, provider, consumer, when, scores):
    for i, score in enumerate(scores):
        org.rate(provider, consumer, i, score, score, when + timedelta(hours=i))


def test_movers_call_real_changes_and_leave_noise_alone(app):
    org = Org()
    _month_of_ratings(org, "FIN", "HR", at(2025, 12, 10), [2, 2, 3, 2, 2, 3, 2, 2])   # improving
    _month_of_ratings(org, "FIN", "HR", at(2026, 1, 10), [4, 5, 4, 4, 5, 4, 5, 4])
    _month_of_ratings(org, "IT", "HR", at(2025, 12, 10), [5, 4, 5, 5, 4, 5, 5, 4])    # degrading
    _month_of_ratings(org, "IT", "HR", at(2026, 1, 10), [2, 1, 2, 2, 1, 2, 2, 1])
    _month_of_ratings(org, "HR", "IT", at(2025, 12, 10), [3, 4, 2, 5, 3, 4])          # noise
    _month_of_ratings(org, "HR", "IT", at(2026, 1, 10), [4, 3, 3, 5, 2, 4])
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    result = services.movers(viewer, "month", "2026-01")
    flagged = {(m["provider"], m["consumer"]): m for m in result["movers"]}
    assert flagged[("FIN", "HR")]["is_change"] and flagged[("FIN", "HR")]["low"] > 0
    assert flagged[("IT", "HR")]["is_change"] and flagged[("IT", "HR")]["high"] < 0
    assert not flagged[("HR", "IT")]["is_change"]


def test_scorecard_flags_a_department_on_time_yet_rated_poorly(app):
    org = Org()
    commitment = org.commitment("FAC")
    start = at(2026, 1, 5)
    for i in range(8):
        handoff = factories.make_handoff(commitment, consumer=org.department("HR"), requested_at=start,
                                         delivered_at=start + timedelta(days=1))
        factories.make_rating(handoff, rater=org.rater("HR", i), satisfaction=2, collaboration=2,
                              created_at=start + timedelta(days=2))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    card = services.scorecard(viewer, get_by_code("FAC"), ranges.period_range("month", "2026-01", "2026-01"))
    assert card["commitments"][0]["total"]["attainment"] == 100.0
    assert card["satisfaction"].value == 2.0
    assert card["on_time_but_rated_low"] is True
