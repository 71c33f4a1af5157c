"""Building rated pairs quickly (the rollups follow the ratings as they flush)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from tests import factories
from tests.databases import empty_all_tables
from tracker.extensions import db
from tracker.metrics.models import MetricHiddenState


class Org:
    """Departments, one commitment per provider, and raters per consumer, made on demand."""

    def __init__(self) -> None:
        self.departments: dict[str, object] = {}
        self.commitments: dict[str, object] = {}
        self.raters: dict[tuple[str, int], object] = {}

    def department(self, code: str):
        if code not in self.departments:
            self.departments[code] = factories.make_department(code=code)
        return self.departments[code]

    def commitment(self, provider: str):
        if provider not in self.commitments:
            self.commitments[provider] = factories.make_commitment(provider=self.department(provider))
        return self.commitments[provider]

    def rater(self, consumer: str, number: int):
        key = (consumer, number)
        if key not in self.raters:
            self.raters[key] = factories.make_user(department=self.department(consumer))
        return self.raters[key]

    def rate(self, provider: str, consumer: str, rater: int, satisfaction: int, collaboration: int,
             at: datetime):
        handoff = factories.make_handoff(self.commitment(provider), consumer=self.department(consumer),
                                         requested_at=at - timedelta(days=2), delivered_at=at - timedelta(days=1))
        return factories.make_rating(handoff, rater=self.rater(consumer, rater), satisfaction=satisfaction,
                                     collaboration=collaboration, created_at=at)


def at(year: int, month: int, day: int, hour: int = 4) -> datetime:
    """An aware UTC instant (04:00 UTC is noon in Shanghai)."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def use_k(app, k: int) -> None:
    """Configure k on a database without ratings, as a deployment that ran with this k from the start
    (the stored differencing decisions hold for it)."""
    app.config["CONFIDENTIALITY_K"] = k
    db.session.execute(update(MetricHiddenState).values(k=k))


def fresh_org(app, k: int, codes) -> Org:
    """An empty database configured with k (use_k) and an organisation holding the departments `codes`."""
    empty_all_tables()
    use_k(app, k)
    org = Org()
    for code in codes:
        org.department(code)
    return org
