"""Rollup tables: rating sums per pair (or department, or company) and whole period.

`provider_id` or `consumer_id` 0 means "every department" on that side: (P, 0) is provider P
towards all its consumers, (0, C) is consumer C's view of all its providers, (0, 0) the company.
Distinct raters cannot be added up across pairs or periods, so every scope also keeps one row
per rater (`metric_period_raters`) whose count is maintained with the sums; `raters` in
`metric_periods` is the number of those rows.

The *atoms* (the part of an ISO week that lies in one calendar month, in the company's zone) of
each pair are kept the same way: `metric_atom_raters` one row per rater per pair and atom. They let
the release rule (release_rule.py) read who stands behind each atom without grouping the ratings
table. The releases (`metric_releases`, `metric_release_values`, `metric_release_tags`) hold what
the dashboards show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import db
from tracker.types import UTCDateTime

_KIND_CHECK = "period_kind IN ('week', 'month', 'quarter')"


@dataclass(frozen=True)
class RatingSum:
    """One summed column of metric_periods: what one rating adds to it, in Python and in SQL."""

    column: str
    of: Callable[[int, int], int]  # (satisfaction, collaboration) -> the rating's contribution
    sql: str  # the same over the ratings table's columns


# Every summed column, in one place: the rollups' deltas, their rebuild and the table's columns
# all follow this list (a new one needs an entry here and a migration).
RATING_SUMS: tuple[RatingSum, ...] = (
    RatingSum("n", lambda sat, col: 1, "1"),
    RatingSum("sat_sum", lambda sat, col: sat, "satisfaction"),
    RatingSum("sat_sq", lambda sat, col: sat * sat, "satisfaction * satisfaction"),
    RatingSum("sat_good", lambda sat, col: 1 if sat >= 4 else 0, "CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END"),
    RatingSum("col_sum", lambda sat, col: col, "collaboration"),
    RatingSum("col_sq", lambda sat, col: col * col, "collaboration * collaboration"),
)

# The summed columns as a mixin, so that the table's columns are the list's.
_SummedColumns = type("_SummedColumns", (), {
    "__doc__": "The columns named by RATING_SUMS.",
    **{rating_sum.column: mapped_column(Integer, nullable=False, default=0) for rating_sum in RATING_SUMS},
})


class _PeriodScopeKey:
    """The key of a table with one row per period and scope: (period_kind, period_start, provider_id, consumer_id)."""

    period_kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    provider_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    consumer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class MetricPeriod(_PeriodScopeKey, _SummedColumns, db.Model):
    """Sums of satisfaction and collaboration for one scope and one whole period (columns: RATING_SUMS)."""

    __tablename__ = "metric_periods"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="period_kind_valid"),
        CheckConstraint("n >= 0 AND raters >= 0 AND raters <= n", name="counts_valid"),
        Index("ix_metric_periods_scope", "provider_id", "consumer_id", "period_kind", "period_start"),
    )

    raters: Mapped[int] = mapped_column(Integer, default=0)


class MetricPeriodRater(_PeriodScopeKey, db.Model):
    """How many ratings one rater gave within one scope and period (a row exists while > 0)."""

    __tablename__ = "metric_period_raters"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="period_kind_valid"),
        CheckConstraint("n > 0", name="n_positive"),
    )

    rater_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0)


class MetricAtomRater(db.Model):
    """How many ratings one rater gave within one scope and atom (a row exists while > 0)."""

    __tablename__ = "metric_atom_raters"
    __table_args__ = (CheckConstraint("n > 0", name="n_positive"),)

    provider_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    consumer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    month_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rater_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0)


class MetricRelease(db.Model):
    """One closed period's release: made once, never changed (release_rule.py decides, releases.py stores)."""

    __tablename__ = "metric_releases"
    __table_args__ = (CheckConstraint(_KIND_CHECK, name="period_kind_valid"), CheckConstraint("k >= 1", name="k_valid"))

    period_kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    k: Mapped[int] = mapped_column(Integer)
    released_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Whether metric_release_pairs holds the period's pairs with handoffs (releases made before it
    # existed do not; the matrix then asks the handoffs).
    pairs_recorded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MetricReleasePair(_PeriodScopeKey, db.Model):
    """A pair with handoffs requested or delivered in a released period, as the release found them.

    Who asked whom for work is not confidential; the matrix reads it to tell "not enough ratings"
    from "no handoffs" without a pass over the period's handoffs.
    """

    __tablename__ = "metric_release_pairs"
    __table_args__ = (CheckConstraint(_KIND_CHECK, name="period_kind_valid"),)


class MetricReleaseValue(_PeriodScopeKey, _SummedColumns, db.Model):
    """One scope's value in a release: shown with its sums (columns: RATING_SUMS), or withheld and why.

    A withheld value keeps no count and no sum (they are zero): nothing of it can be read back.
    """

    __tablename__ = "metric_release_values"
    __table_args__ = (
        CheckConstraint(_KIND_CHECK, name="period_kind_valid"),
        CheckConstraint("status IN ('shown', 'few', 'protected')", name="status_valid"),
        CheckConstraint("status = 'shown' OR (n = 0 AND raters = 0)", name="withheld_has_no_counts"),
        Index("ix_metric_release_values_scope", "provider_id", "consumer_id", "period_kind", "period_start"),
    )

    status: Mapped[str] = mapped_column(String(10))
    raters: Mapped[int] = mapped_column(Integer, default=0)


class MetricReleaseTag(db.Model):
    """A provider's count of one reason tag in a release; only tags that may be shown have a row."""

    __tablename__ = "metric_release_tags"
    __table_args__ = (CheckConstraint(_KIND_CHECK, name="period_kind_valid"),
                      CheckConstraint("n > 0 AND raters > 0", name="counts_valid"))

    period_kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    provider_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    raters: Mapped[int] = mapped_column(Integer)
