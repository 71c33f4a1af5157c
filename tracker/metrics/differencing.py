"""Which rating values may be shown once weeks, months and quarters of one scope are all published.

The threshold rule (confidentiality.shown) looks at one value at a time. A reader who can ask
for a pair's weeks, months and quarters can also subtract them: a quarter minus its two visible
months is the third month, which may have been suppressed because only two people rated in it.
Weeks do not nest in months (an ISO week can straddle two), which opens further combinations: a
month minus the weeks wholly inside it is the month's share of its two boundary weeks, and if
one of those shares is empty it is the other one alone.

The rule, for every scope (a pair, a provider towards all, a consumer from all, the company):

* Cut the time line into *atoms*, the pieces of a week that fall in one month (a week that
  straddles a month end has two atoms, any other week one).
* A **week** is shown when at least k distinct raters stand behind it and, if it straddles
  a month end, each of its two atoms has no ratings or ratings from at least k raters.
* A **month** is shown when at least k raters stand behind it and the ratings in it that are
  in no shown week (its share of the weeks that are not shown) are none or come from at
  least k raters. Months are what readers look at first, so when that remainder holds 1..k-1
  raters, weeks lying wholly inside the month are hidden as well (fewest raters first) until
  it holds k; only when that is not enough is the month hidden instead.
* A **quarter** is shown when at least k raters stand behind it and the ratings in it that
  are in no shown week and in no shown month are none or come from at least k raters.

Why no combination of shown values isolates 1..k-1 raters: group the ratings of a scope into
*blocks*: each atom of a shown week is a block; for each month, its ratings in no shown week
form one block; for each quarter, the ratings in its suppressed months that are in no shown
week form one block (these are disjoint from each other and cover every rating). Every shown
week is a union of its atom blocks; every shown month is the union of the atom blocks of the
shown weeks it overlaps and its own remainder block; every shown quarter is the union of the
blocks of its shown weeks, the remainder blocks of its shown months and its own remainder.
The rules above say that every block inside a shown value is empty or holds at least k raters.
Every published number (count, sums, sums of squares, count of good scores, and the means and
intervals made from them) is therefore a function of block totals, so any combination of
them, sums, differences or anything else, is a function of block totals too: it can tell
nothing about a set of ratings smaller than a block. A union of blocks that each hold 0 or at
least k raters holds 0 or at least k raters.

The decision for a period depends only on the ratings of that period and of the weeks that
overlap it, never on the range a reader asked for, so two requests for different ranges cannot
disagree about a value. Differencing across scopes within one period (a department total minus
its visible pairs) is handled by the margin rule in services.matrix and services.scorecard.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from tracker.extensions import db
from tracker.metrics import periods as P
from tracker.metrics.confidentiality import hidden_part_ok, shown
from tracker.metrics.rollups import company_zone
from tracker.metrics.sqlperiods import period_column
from tracker.models import Rating

Scope = tuple[int, int]
Atom = tuple[dt.date, dt.date]  # (week start, month start)


def span(kind: str, starts: Iterable[dt.date]) -> tuple[dt.date, dt.date]:
    """First and last-plus-one local day whose ratings decide the given periods.

    A week's fate depends on the months it overlaps, a month's on the weeks overlapping it:
    whole months, widened to whole weeks.
    """
    starts = sorted(starts)
    first = P.period_start(P.period_start(starts[0], "month"), "week")
    last_day = P.next_start(starts[-1], kind) - dt.timedelta(days=1)
    month_end = P.next_start(P.period_start(last_day, "month"), "month")
    last_week = P.period_start(month_end - dt.timedelta(days=1), "week")
    return first, P.next_start(last_week, "week")


def load_atoms(first: dt.date, end: dt.date, *conditions, scopes: str = "all") -> dict[Scope, dict[Atom, set]]:
    """{scope: {atom: rater keys}} for the ratings whose local day is in [first, end).

    `scopes` says which scopes to fill: "pairs" (provider, consumer) only, or "all" (pairs plus
    each provider's and consumer's totals and the company's).
    """
    zone = company_zone()
    lower, _ = P.utc_bounds(first, "week", zone)
    upper = P.utc_bounds(end, "week", zone)[0]
    dialect = db.session.get_bind().dialect.name
    week = period_column(dialect, "week", zone, "ratings.created_at", lower, upper)
    month = period_column(dialect, "month", zone, "ratings.created_at", lower, upper)
    query = (select(Rating.provider_id, Rating.consumer_id, Rating.rater_key, week, month)
             .where(Rating.created_at >= lower, Rating.created_at < upper, *conditions)
             .group_by(Rating.provider_id, Rating.consumer_id, Rating.rater_key, week, month))
    atoms: dict = defaultdict(lambda: defaultdict(set))
    for provider, consumer, rater, week_start, month_start in db.session.execute(query):
        atom = (_as_date(week_start), _as_date(month_start))
        targets = ((provider, consumer),) if scopes == "pairs" else (
            (provider, consumer), (provider, 0), (0, consumer), (0, 0))
        for scope in targets:
            atoms[scope][atom].add(rater)
    return atoms


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _ok(raters: set, k: int) -> bool:
    return hidden_part_ok(len(raters), k)


def _union(sets: Iterable[set]) -> set:
    result: set = set()
    for item in sets:
        result |= item
    return result


def shown_periods(atoms: dict[Atom, set], k: int) -> dict[str, set[dt.date]]:
    """{kind: starts of the periods of that kind that may be shown} for one scope's atoms."""
    weeks: dict = defaultdict(dict)
    months: dict = defaultdict(dict)
    for (week, month), raters in atoms.items():
        weeks[week][month] = raters
        months[month][week] = raters
    shown_weeks = {week for week, parts in weeks.items()
                   if shown(len(_union(parts.values())), k) and all(_ok(r, k) for r in parts.values())}
    shown_months = set()
    month_rest: dict = {}
    for month, parts in sorted(months.items()):
        rest = _union(r for week, r in parts.items() if week not in shown_weeks)
        month_shown = shown(len(_union(parts.values())), k)
        if month_shown and not _ok(rest, k):
            # Hide weeks wholly inside the month (their ratings are in no other month) to make up k.
            inside = sorted((w for w in parts if w in shown_weeks and len(weeks[w]) == 1),
                            key=lambda w: (len(parts[w]), w))
            taken, widened = [], rest
            for week in inside:
                if _ok(widened, k):
                    break
                taken.append(week)
                widened = widened | parts[week]
            if _ok(widened, k):  # else the month is hidden and its weeks may stay
                shown_weeks.difference_update(taken)
                rest = widened
        month_rest[month] = rest
        if month_shown and _ok(rest, k):
            shown_months.add(month)
    quarters: dict = defaultdict(list)
    for month in months:
        quarters[P.period_start(month, "quarter")].append(month)
    shown_quarters = set()
    for quarter, members in quarters.items():
        total = _union(_union(months[m].values()) for m in members)
        rest = _union(month_rest[m] for m in members if m not in shown_months)
        if shown(len(total), k) and _ok(rest, k):
            shown_quarters.add(quarter)
    return {"week": shown_weeks, "month": shown_months, "quarter": shown_quarters}


class PeriodGuard:
    """Answers "may this scope's value for this period be shown?" for a set of periods."""

    def __init__(self, kind: str, starts: Iterable[dt.date], k: int, *conditions, scopes: str = "all") -> None:
        self.kind = kind
        self.k = k
        self.starts = frozenset(starts)
        first, end = span(kind, self.starts)
        self._atoms = load_atoms(first, end, *conditions, scopes=scopes)
        self._cache: dict[Scope, set[dt.date]] = {}

    def allows(self, provider_id: int, consumer_id: int, start: dt.date) -> bool:
        if start not in self.starts:
            raise ValueError(f"{start} is outside the periods this guard has read")
        scope = (provider_id, consumer_id)
        if scope not in self._cache:
            atoms = self._atoms.get(scope, {})
            self._cache[scope] = shown_periods(atoms, self.k)[self.kind] if atoms else set()
        return start in self._cache[scope]

    def hides(self, provider_id: int, consumer_id: int, start: dt.date) -> bool:
        """True when the value must be suppressed although it may pass the threshold alone."""
        return not self.allows(provider_id, consumer_id, start)
