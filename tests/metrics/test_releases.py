"""Releases on both databases: made once per closed period, in order, and never for an open one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.factories import Org, at
from tracker.extensions import db
from tracker.metrics.models import MetricRelease, MetricReleaseTag, MetricReleaseValue
from tracker.metrics.releases import due_periods, release_due
from tracker.metrics.results import FEW


def test_closed_periods_are_released_once_coarsest_first_and_weeks_with_their_month(app):
    k = app.config["CONFIDENTIALITY_K"]
    org = Org()
    # In the week of Monday 2026-06-22: 2k raters of IT from FIN, k of them late; one from HR.
    for rater in range(k):
        org.rate("IT", "FIN", rater, 4, 3, at(2026, 6, 23))
        org.rate("IT", "FIN", k + rater, 1, 1, at(2026, 6, 24), reasons=("late",))
    org.rate("IT", "HR", 0, 4, 4, at(2026, 6, 24))  # one rater: never shown
    db.session.commit()
    assert due_periods(at(2026, 6, 29)) == []  # the week has closed, its month has not
    now = at(2026, 7, 20)
    due = due_periods(now)
    # The week of 2026-06-29 reaches into July: it waits for July to close.
    assert due == [("quarter", datetime(2026, 4, 1).date()), ("month", datetime(2026, 6, 1).date()),
                   ("week", datetime(2026, 6, 22).date())]
    assert release_due(now) == due
    assert release_due(now) == []  # made once
    values = {(v.period_kind, v.provider_id, v.consumer_id): v for v in db.session.scalars(
        select(MetricReleaseValue).where(MetricReleaseValue.period_start == datetime(2026, 6, 22).date()))}
    assert values[("week", 0, 0)].status == "shown" and values[("week", 0, 0)].n == 2 * k + 1
    lone = values[("week", org.department("IT").id, org.department("HR").id)]
    assert (lone.status, lone.n, lone.raters, lone.sat_sum) == (FEW, 0, 0, 0)
    tags = db.session.scalars(select(MetricReleaseTag).where(MetricReleaseTag.period_kind == "week")).all()
    assert [(t.tag, t.n, t.raters) for t in tags] == [("late", k, k)]


def test_an_open_period_is_not_released(app):
    org = Org()
    now = datetime.now(UTC)
    org.rate("IT", "FIN", 0, 4, 4, now - timedelta(minutes=1))
    db.session.commit()
    released = release_due(now)
    assert all(kind != "week" or start + timedelta(days=7) <= now.date() for kind, start in released)
    assert not db.session.scalars(select(MetricRelease).where(
        MetricRelease.period_start > (now - timedelta(days=7)).date())).all()
