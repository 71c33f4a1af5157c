"""Query parameters and output of the metrics API."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_dump, validate

from tracker.metrics.periods import PERIOD_KINDS
from tracker.metrics.services import METRICS

_PERIOD_HELP = "a label (2026-W05, 2026-02, 2026-Q1) or an ISO date inside the period"
# The shape of a label or a date, so that the API document says which text can name a period.
_PERIOD_TEXT = validate.Regexp(r"^\d{4}-(W\d{2}|Q[1-4]|\d{2}(-\d{2})?)$",
                               error="use a date or a label like 2026-W05, 2026-02, 2026-Q1")


class PeriodQuery(Schema):
    period = fields.String(load_default="month", validate=validate.OneOf(PERIOD_KINDS))
    from_ = fields.String(data_key="from", load_default=None, validate=[validate.Length(max=32), _PERIOD_TEXT],
                          metadata={"description": "first period: " + _PERIOD_HELP})
    to = fields.String(load_default=None, validate=[validate.Length(max=32), _PERIOD_TEXT],
                       metadata={"description": "last period: " + _PERIOD_HELP})


class PairsQuery(PeriodQuery):
    metric = fields.String(load_default="satisfaction", validate=validate.OneOf(METRICS))


_REASON_HELP = {"description": "why a value is withheld: `protected` (k raters or more, but shown it could be "
                                "combined with other released numbers to single out a smaller group), `few` (fewer "
                                "than k raters) or `open` (the period is not released yet: nothing of an open "
                                "period is shown)",
                "enum": ["few", "protected", "open"]}


class Cell(Schema):
    """A shown value, or `suppressed: true` with its `reason` and no count at all when it is protected.

    Pairs and periods with fewer than k raters are not listed, exactly like those without ratings.
    """

    provider = fields.String()
    consumer = fields.String()
    period = fields.String()
    n = fields.Integer()
    raters = fields.Integer()
    value = fields.Float(allow_none=True)
    low = fields.Float()
    high = fields.Float()
    met = fields.Integer()
    missed = fields.Integer()
    suppressed = fields.Boolean()
    reason = fields.String(metadata=_REASON_HELP)


class Estimate(Schema):
    value = fields.Float()
    low = fields.Float()
    high = fields.Float()


class Attainment(Schema):
    n = fields.Integer()
    met = fields.Integer()
    missed = fields.Integer()
    value = fields.Float(allow_none=True)
    low = fields.Float()
    high = fields.Float()


class Point(Schema):
    """One period of a pair's trend; `n` and `raters` only where the period is shown, `reason` where not."""

    period = fields.String()
    start = fields.String()
    n = fields.Integer()
    raters = fields.Integer()
    suppressed = fields.Boolean()
    reason = fields.String(metadata=_REASON_HELP)
    satisfaction = fields.Nested(Estimate, allow_none=True)
    collaboration = fields.Nested(Estimate, allow_none=True)
    csat = fields.Nested(Estimate, allow_none=True)
    attainment = fields.Nested(Attainment)

    @pre_dump
    def _published_shape(self, point, **_kwargs):
        # A PairPoint knows which keys a withheld period may carry; dump that shape, not its attributes.
        return point.as_dict()


class Series(Schema):
    provider = fields.String()
    consumer = fields.String()
    satisfaction_target = fields.Float(allow_none=True)
    attainment_target = fields.Float(allow_none=True)
    points = fields.List(fields.Nested(Point))


class PairSeries(Schema):
    provider = fields.String()
    consumer = fields.String()
    period = fields.String()
    series = fields.Nested(Series)
    reverse = fields.Nested(Series)


class BudgetPoint(Schema):
    period = fields.String()
    start = fields.String()
    due = fields.Integer()
    met = fields.Integer()
    missed = fields.Integer()
    attainment = fields.Float(allow_none=True)
    error_budget = fields.Float()
    remaining = fields.Float()
    burn_rate = fields.Float(allow_none=True)


class CommitmentBudget(Schema):
    id = fields.Integer()
    provider = fields.String()
    title = fields.String()
    attainment_target = fields.Float()
    period = fields.String()
    points = fields.List(fields.Nested(BudgetPoint))
