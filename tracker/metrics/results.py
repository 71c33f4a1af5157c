"""The values the dashboards publish, as typed objects that views, templates and figures read.

A rating metric of one cell is a `Published`: its value with a 95 % interval behind at least k
raters, or withheld. A withheld value carries no number at all, not even how many ratings stand
behind it (that would tell a reader that a rating arrived), only why it is withheld: `FEW` (fewer
than k raters, none included), `PROTECTED` (enough raters, but shown it would let a reader
combine it with other numbers to single out a smaller group) or `OPEN` (the period is not
released yet: nothing of an open period is shown). An attainment is an `Attainment`: the share of due
handoffs met, with its interval (counted from handoffs, so no threshold withholds it). A period of
a pair's trend is a `PairPoint`, and a consumer's quarter in the provider's view is a
`ConsumerRatings`.

Every object also gives `as_dict()`: the shape of the API (a withheld value carries no `n`,
`raters`, `value`, `low` or `high` key at all), so that serialisation reads one documented shape
instead of re-deciding which keys a withheld value may carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FEW = "few"  # fewer than k raters (none included)
PROTECTED = "protected"  # k raters or more, withheld by the release rule (it would single out a smaller group)
OPEN = "open"  # the period is not released yet: it is open, or closed within the release delay


@dataclass(frozen=True)
class Published:
    """One rating metric of one cell: a value behind at least k raters, or withheld without any count."""

    n: int | None
    raters: int | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    suppressed: bool = False
    reason: str | None = None  # FEW, PROTECTED or OPEN when withheld

    @classmethod
    def withheld(cls, reason: str) -> Published:
        return cls(n=None, suppressed=True, reason=reason)

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None

    def estimate(self) -> dict:
        """Value and interval alone, as a pair trend's period lists them."""
        return {"value": self.value, "low": self.low, "high": self.high}

    def as_dict(self) -> dict:
        if self.suppressed:
            return {"suppressed": True, "reason": self.reason}
        return {"n": self.n, "raters": self.raters, "value": self.value, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class Attainment:
    """The share of due handoffs met, in percent, with its interval; no value when none was due."""

    n: int
    met: int = 0
    missed: int = 0
    value: float | None = None
    low: float | None = None
    high: float | None = None
    suppressed = False  # attainment has no threshold: it is never withheld
    reason = None
    raters = None  # counted from handoffs, not from raters

    @property
    def shown(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict:
        if not self.n:
            return {"n": 0, "value": None}
        return {"n": self.n, "met": self.met, "missed": self.missed, "value": self.value, "low": self.low,
                "high": self.high}


@dataclass(frozen=True)
class PairPoint:
    """One period of a pair's trend: the three rating metrics (None where withheld) and attainment.

    A withheld period has no ratings count (`n` is None) and says why it is withheld.
    """

    period: str
    start: str
    n: int | None
    suppressed: bool
    attainment: Attainment
    reason: str | None = None
    raters: int | None = None
    satisfaction: Published | None = None
    collaboration: Published | None = None
    csat: Published | None = None

    def metric(self, name: str) -> Published | None:
        return getattr(self, name)

    def as_dict(self) -> dict:
        shape = {"period": self.period, "start": self.start}
        for name in ("satisfaction", "collaboration", "csat"):
            value = self.metric(name)
            shape[name] = None if value is None else value.estimate()
        shape["suppressed"] = self.suppressed
        if self.suppressed:
            shape["reason"] = self.reason
        else:
            shape.update(n=self.n, raters=self.raters)
        shape["attainment"] = self.attainment.as_dict()
        return shape


@dataclass(frozen=True)
class ConsumerRatings:
    """One consumer of a provider over a finished quarter: the pair's numbers and, where shown, comments."""

    consumer: str
    period: str
    suppressed: bool
    reason: str | None = None
    n: int | None = None
    raters: int | None = None
    satisfaction: Published | None = None
    collaboration: Published | None = None
    csat: Published | None = None
    comments: list[str] = field(default_factory=list)
    comment_count: int = 0

    def metric(self, name: str) -> Published | None:
        return getattr(self, name)
