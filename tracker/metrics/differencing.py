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

The atoms are read from rollups kept on every write (metric_atoms: distinct raters per scope and
atom; metric_atom_raters: who). The rule only ever asks whether a union of atoms holds at least
k raters. Most answers follow from counts alone: a scope none of whose atoms holds 1..k-1 raters
shows every period with ratings (thick_shown_periods); otherwise a union is at least its largest
atom and at most the sum of its atoms, so only unions of atoms that each hold fewer than k
raters are left, and these are counted from the rater keys of those thin atoms.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, bindparam, select, type_coerce

from tracker.extensions import db
from tracker.metrics import periods
from tracker.metrics.confidentiality import hidden_part_ok
from tracker.metrics.models import MetricAtom, MetricAtomRater

Scope = tuple[int, int]
Atom = tuple[dt.date, dt.date]  # (week start, month start)
# Which scopes to read: given a rollup table keyed by (provider_id, consumer_id), a WHERE term on it,
# e.g. `lambda table: table.provider_id == 3`. The same selection then applies to every table.
ScopeCondition = Callable[[Any], ColumnElement[bool]]


def span(kind: str, starts: Iterable[dt.date]) -> tuple[dt.date, dt.date]:
    """First and last-plus-one local day whose ratings decide the given periods.

    A week's fate depends on the months it overlaps, a month's on the weeks overlapping it:
    whole months, widened to whole weeks.
    """
    starts = sorted(starts)
    first = periods.period_start(periods.period_start(starts[0], "month"), "week")
    last_day = periods.next_start(starts[-1], kind) - dt.timedelta(days=1)
    month_end = periods.next_start(periods.period_start(last_day, "month"), "month")
    last_week = periods.period_start(month_end - dt.timedelta(days=1), "week")
    return first, periods.next_start(last_week, "week")


def load_atom_counts(first: dt.date, end: dt.date, *conditions, scopes: str = "all") -> dict[Scope, dict[Atom, int]]:
    """{scope: {atom: distinct raters}} for the atoms whose week starts in [first, end).

    `conditions` are ScopeConditions (functions from a scope-keyed table to a WHERE term), applied to
    the scope's own provider_id and consumer_id. `scopes` says which scopes to fill: "pairs"
    (provider, consumer) only, or "all" (pairs plus each provider's and consumer's totals and the
    company's). Read from the metric_atoms rollup (rollups.py keeps it current).
    """
    query = (select(MetricAtom.provider_id, MetricAtom.consumer_id, type_coerce(MetricAtom.week_start, String),
                    type_coerce(MetricAtom.month_start, String), MetricAtom.raters)
             .where(*_atom_filter(MetricAtom, first, end, conditions, scopes), MetricAtom.raters > 0))
    counts: dict = defaultdict(dict)
    for provider, consumer, week_start, month_start, raters in db.session.connection().execute(query):
        counts[(provider, consumer)][(as_date(week_start), as_date(month_start))] = raters
    return counts


def load_atoms(first: dt.date, end: dt.date, *conditions, scopes: str = "all",
               only: Iterable[Scope] | None = None) -> dict[Scope, dict[Atom, set]]:
    """{scope: {atom: rater keys}} for the atoms whose week starts in [first, end).

    Arguments as for load_atom_counts; `only`, when given, restricts the result to those scopes.
    Read from the metric_atom_raters rollup.
    """
    where = _atom_filter(MetricAtomRater, first, end, conditions, scopes)
    columns = (MetricAtomRater.provider_id, MetricAtomRater.consumer_id,
               type_coerce(MetricAtomRater.week_start, String), type_coerce(MetricAtomRater.month_start, String),
               MetricAtomRater.rater_key)
    if only is None:
        rows = db.session.execute(select(*columns).where(*where)).all()
    else:
        rows = _rows_by_provider(select(*columns).where(*where, *_one_provider(MetricAtomRater)), only)
    atoms: dict = defaultdict(lambda: defaultdict(set))
    for provider, consumer, week_start, month_start, rater in rows:
        atoms[(provider, consumer)][(as_date(week_start), as_date(month_start))].add(rater)
    return atoms


def _thin_atom_raters(first: dt.date, end: dt.date, scopes: list[Scope], k: int) -> dict[Scope, dict[Atom, set]]:
    """{scope: {atom: rater keys}} for the atoms of the given scopes that hold 1..k-1 raters."""
    r, a = MetricAtomRater, MetricAtom
    query = (select(r.provider_id, r.consumer_id, type_coerce(r.week_start, String),
                    type_coerce(r.month_start, String), r.rater_key)
             .join(a, (a.week_start == r.week_start) & (a.month_start == r.month_start)
                   & (a.provider_id == r.provider_id) & (a.consumer_id == r.consumer_id))
             .where(*_one_provider(r), r.week_start >= first, r.week_start < end, a.raters < k))
    atoms: dict = defaultdict(lambda: defaultdict(set))
    for provider, consumer, week_start, month_start, rater in _rows_by_provider(query, scopes):
        atoms[(provider, consumer)][(as_date(week_start), as_date(month_start))].add(rater)
    return atoms


def _one_provider(model) -> tuple:
    """WHERE terms for one provider id (:p) and a list of consumer ids (:cs): index ranges, unlike IN on pairs."""
    return model.provider_id == bindparam("p"), model.consumer_id.in_(bindparam("cs", expanding=True))


def _rows_by_provider(query, scopes: Iterable[Scope]) -> list:
    """Rows of a query written with _one_provider, for the given scopes, one execution per provider."""
    by_provider: dict = defaultdict(list)
    for provider, consumer in sorted(set(scopes)):
        by_provider[provider].append(consumer)
    connection = db.session.connection()
    return [row for provider, consumers in by_provider.items()
            for row in connection.execute(query, {"p": provider, "cs": consumers})]


def _atom_filter(model, first: dt.date, end: dt.date, conditions, scopes: str) -> list:
    """WHERE terms for an atom table: the span, the kind of scope, and the callers' conditions."""
    return [model.week_start >= first, model.week_start < end, *scope_filter(model, conditions, scopes)]


def scope_filter(table, conditions: Iterable[ScopeCondition], scopes: str) -> list:
    """WHERE terms on a table keyed by (provider_id, consumer_id) scopes: the kind of scope ("pairs"
    or "all") and the callers' conditions, each given the table to write itself on."""
    where = []
    if scopes == "pairs":
        where += [table.provider_id > 0, table.consumer_id > 0]
    return where + [condition(table) for condition in conditions]


@functools.lru_cache(maxsize=4096)
def _period_atoms(kind: str, start: dt.date, first: dt.date, end: dt.date) -> frozenset | None:
    """Every atom of one period, or None when some of them lie outside [first, end)."""
    after = periods.next_start(start, kind)
    weeks = periods.period_start(start, "week"), periods.period_start(after - dt.timedelta(days=1), "week")
    if weeks[0] < first or weeks[1] >= end:
        return None
    atoms = set()
    week = weeks[0]
    while week <= weeks[1]:
        for day in (week, week + dt.timedelta(days=6)):
            if start <= day < after:
                atoms.add((week, periods.period_start(day, "month")))
        week += dt.timedelta(days=7)
    return frozenset(atoms)


@functools.lru_cache(maxsize=4096)
def as_date(value) -> dt.date:
    """A date read back from the database (a date, or an ISO string on SQLite)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _ok(raters: set, k: int) -> bool:
    return hidden_part_ok(len(raters), k)


def _ok_count(raters: int, k: int) -> bool:
    return hidden_part_ok(raters, k)


def _union(sets: Iterable[set]) -> set:
    result: set = set()
    for item in sets:
        result |= item
    return result


def shown_periods(atoms: dict[Atom, set], k: int) -> dict[str, set[dt.date]]:
    """{kind: starts of the periods of that kind that may be shown} for one scope's atoms."""
    return _decide({atom: len(raters) for atom, raters in atoms.items()}, k,
                   lambda group: len(_union(atoms[a] for a in group)) >= k)


class _NeedRaters(Exception):
    """Counts alone cannot tell whether a union of atoms holds k raters."""


def _count_oracle(counts: dict[Atom, int], k: int, thin_raters: dict[Atom, set] | None = None):
    """`big` for _decide from atom counts; raises _NeedRaters when they cannot tell.

    A union of atoms holds at least as many raters as its largest atom and at most their sum. What
    is left unsure is a union of atoms that each hold fewer than k raters: with `thin_raters`, the
    rater sets of those atoms, it is counted exactly.
    """
    def big(group) -> bool:
        sizes = [counts[a] for a in group]
        if not sizes or sum(sizes) < k:
            return False
        if max(sizes) >= k:
            return True
        if thin_raters is None:
            raise _NeedRaters
        return len(_union(thin_raters[a] for a in group)) >= k
    return big


def _decide(counts: dict[Atom, int], k: int, big, whole=None) -> dict[str, set[dt.date]]:
    """The rule of the module docstring for one scope; `big(atoms)` says whether their union holds k raters.

    `whole(kind, start)`, when given, says whether a month or quarter lies wholly in the atoms read;
    the others are left undecided (not shown). The periods a guard was asked about lie wholly in its
    span, and a month cut by the span's edge holds no whole week, so this changes none of them.
    """
    def ok(group) -> bool:
        return not group or big(group)

    weeks: dict = defaultdict(dict)
    months: dict = defaultdict(dict)
    for atom in counts:
        week, month = atom
        weeks[week][month] = atom
        months[month][week] = atom
    shown_weeks = {week for week, parts in weeks.items()
                   if big(list(parts.values())) and all(ok([a]) for a in parts.values())}
    shown_months = set()
    month_rest: dict = {}
    for month, parts in sorted(months.items()):
        if whole is not None and not whole("month", month):
            month_rest[month] = []
            continue
        rest = [a for week, a in parts.items() if week not in shown_weeks]
        month_shown = big(list(parts.values()))
        if month_shown and not ok(rest):
            # Hide weeks wholly inside the month (their ratings are in no other month) to make up k.
            inside = sorted((w for w in parts if w in shown_weeks and len(weeks[w]) == 1),
                            key=lambda w: (counts[parts[w]], w))
            taken, widened = [], rest
            for week in inside:
                if ok(widened):
                    break
                taken.append(week)
                widened = [*widened, parts[week]]
            if ok(widened):  # else the month is hidden and its weeks may stay
                shown_weeks.difference_update(taken)
                rest = widened
        month_rest[month] = rest
        if month_shown and ok(rest):
            shown_months.add(month)
    quarters: dict = defaultdict(list)
    for month in months:
        quarters[periods.period_start(month, "quarter")].append(month)
    shown_quarters = set()
    for quarter, members in quarters.items():
        if whole is not None and not whole("quarter", quarter):
            continue
        total = [a for m in members for a in months[m].values()]
        rest = [a for m in members if m not in shown_months for a in month_rest[m]]
        if big(total) and ok(rest):
            shown_quarters.add(quarter)
    return {"week": shown_weeks, "month": shown_months, "quarter": shown_quarters}


def thick_shown_periods(counts: dict[Atom, int]) -> dict[str, set[dt.date]]:
    """shown_periods for a scope none of whose atoms holds 1..k-1 raters: every period with ratings.

    Every atom (and so every block of the argument above) is empty or holds at least k raters, so
    every difference of shown numbers is a union of such groups. shown_periods gives the same:
    each non-empty week has an atom of at least k raters and no thin atom, so it is shown; then
    every month's and quarter's remainder is empty, and each non-empty month and quarter, which
    holds a non-empty atom, is shown.
    """
    present = {atom for atom, raters in counts.items() if raters > 0}
    months = {month for _, month in present}
    return {"week": {week for week, _ in present}, "month": months,
            "quarter": {periods.period_start(month, "quarter") for month in months}}


def decide_scopes(counts: dict[Scope, dict[Atom, int]], first: dt.date, end: dt.date,
                  k: int) -> dict[Scope, dict[str, set[dt.date]]]:
    """{scope: {kind: starts shown}} for the scopes whose atom counts in [first, end) are given.

    Scopes with no thin atom (1..k-1 raters) show every period; the others are decided from the
    atom counts where these suffice, else with the raters of their thin atoms (one more read).
    Months and quarters not wholly inside [first, end) are left undecided (not shown).
    """
    shown: dict[Scope, dict[str, set[dt.date]]] = {}
    thin = [scope for scope, atoms in counts.items() if not all(_ok_count(n, k) for n in atoms.values())]
    for scope, atoms in counts.items():
        if scope not in thin:
            shown[scope] = thick_shown_periods(atoms)

    def whole(kind: str, start: dt.date) -> bool:
        return _period_atoms(kind, start, first, end) is not None

    def decide(scopes: list[Scope], thin_raters: dict | None = None) -> list[Scope]:
        unsure = []
        for scope in scopes:
            try:
                shown[scope] = _decide(counts[scope], k, _count_oracle(
                    counts[scope], k, None if thin_raters is None else thin_raters[scope]), whole)
            except _NeedRaters:
                unsure.append(scope)
        return unsure

    unsure = decide(thin)
    if unsure:
        decide(unsure, _thin_atom_raters(first, end, unsure, k))
    return shown


class PeriodGuard:
    """Answers "may this scope's value for this period be shown?" for a set of periods."""

    def __init__(self, kind: str, starts: Iterable[dt.date], k: int, *conditions, scopes: str = "all") -> None:
        self.kind = kind
        self.k = k
        self.starts = frozenset(starts)
        first, end = span(kind, self.starts)
        counts = load_atom_counts(first, end, *conditions, scopes=scopes)
        self._shown = decide_scopes(counts, first, end, k)

    def allows(self, provider_id: int, consumer_id: int, start: dt.date) -> bool:
        if start not in self.starts:
            raise ValueError(f"{start} is outside the periods this guard has read")
        shown_here = self._shown.get((provider_id, consumer_id))
        return shown_here is not None and start in shown_here[self.kind]

    def hides(self, provider_id: int, consumer_id: int, start: dt.date) -> bool:
        """True when the value must be suppressed although it may pass the threshold alone."""
        return not self.allows(provider_id, consumer_id, start)
