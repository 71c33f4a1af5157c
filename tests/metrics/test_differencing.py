"""Weeks, months and quarters of one scope, all shown: no difference of them isolates 1..k-1 raters.

Organisations and ratings are random; every value the pair trend, the API's matrix cells, the
matrix margins and the provider's view of its consumers show, for every week, month and quarter,
is collected (the views that show a pair must agree with the pair trend, numbers and comments too;
a scorecard's reason tags come only with its department's shown total).
Then, from the ratings themselves, for every shown parent (a month, a quarter, or a run of
consecutive shown months or quarters) and its shown children (the weeks wholly inside it, the
months inside it, or the months plus the weeks inside its hidden months), the parent minus the
children must hold the ratings of no rater at all or of at least k raters.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.factories import Org, fresh_org, use_k
from tracker.departments.services import get_by_code
from tracker.extensions import db
from tracker.metrics import periods, ranges, services
from tracker.models import Department, RatingReason

K = 3
CODES = ("AA", "BB", "CC")
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2025, 6, 30)
# Days next to month ends and ISO week ends, where weeks straddle months.
EDGE_DAYS = sorted({d for month in range(1, 7) for d in (
    dt.date(2025, month, 1), dt.date(2025, month, 2), dt.date(2025, month, 1) - dt.timedelta(days=1),
    dt.date(2025, month, 1) - dt.timedelta(days=2)) if FIRST_DAY <= d <= LAST_DAY})

day_strategy = st.one_of(st.sampled_from(EDGE_DAYS),
                         st.integers(0, (LAST_DAY - FIRST_DAY).days).map(lambda n: FIRST_DAY + dt.timedelta(days=n)))
rating_strategy = st.tuples(st.sampled_from([(0, 1), (1, 0), (0, 2)]), st.integers(0, 5), day_strategy,
                            st.integers(1, 5))


def _periods(kind: str) -> list[dt.date]:
    return periods.starts_between(FIRST_DAY, LAST_DAY, kind)


def _days(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    return start, periods.next_start(start, kind)


def _collect_shown(viewer, ids) -> dict:
    """{(scope, kind, start): shown?} from the pair trend, the API's cells, the provider view and the matrix margins."""
    shown = {}
    for kind in periods.PERIOD_KINDS:
        starts = _periods(kind)
        prange = ranges.period_range(kind, starts[0].isoformat(), starts[-1].isoformat())
        for provider, consumer in ((0, 1), (1, 0), (0, 2), (2, 0)):
            series = factories.pair_series(viewer, CODES[provider], CODES[consumer], prange)["series"]
            for point in series["points"]:
                scope = (ids[provider], ids[consumer])
                shown[(scope, kind, dt.date.fromisoformat(point.start))] = not point.suppressed
        for cell in services.pair_cells(viewer, "satisfaction", prange):
            scope = (ids[CODES.index(cell["provider"])], ids[CODES.index(cell["consumer"])])
            start = periods.parse(cell["period"], kind, "period")
            assert shown[(scope, kind, start)] == (not cell.get("suppressed"))  # one rule for every view
        if kind == "quarter":
            _check_provider_view(viewer, ids, starts, shown)
        for start in starts:
            matrix = services.matrix(viewer, "satisfaction", kind, start.isoformat())
            for department, value in matrix.providers.items():
                shown[((department, 0), kind, start)] = not value.suppressed
            for department, value in matrix.consumers.items():
                shown[((0, department), kind, start)] = not value.suppressed
            if matrix.company is not None:
                shown[((0, 0), kind, start)] = not matrix.company.suppressed
    return shown


def _check_provider_view(viewer, ids, quarters, shown) -> None:
    """The provider's view shows each pair's quarter exactly as the pair trend does, with its numbers."""
    for provider in CODES:
        department = db.session.get(Department, ids[CODES.index(provider)])
        for start in quarters:
            label = periods.label(start, "quarter")
            for entry in services.ratings_by_consumer(viewer, department, start):
                point = factories.pair_series(viewer, provider, entry.consumer, ranges.period_range(
                    "quarter", label, label))["series"]["points"][0]
                assert shown[((department.id, ids[CODES.index(entry.consumer)]), "quarter", start)] == (
                    not entry.suppressed)
                assert [getattr(entry, m) for m in ("raters", *services.RATING_METRICS)] == [
                    getattr(point, m) for m in ("raters", *services.RATING_METRICS)]
                assert bool(entry.comments) == (not entry.suppressed)  # every rating carries a comment


def _check_reason_tags(viewer, ids, shown) -> None:
    """A scorecard shows reason tags only for a month or quarter whose department total is shown."""
    for kind in ("month", "quarter"):
        for start in _periods(kind):
            label = periods.label(start, kind)
            for provider in CODES:
                card = services.scorecard(viewer, get_by_code(provider), ranges.period_range(kind, label, label))
                if card["reasons"]:
                    assert shown[((ids[CODES.index(provider)], 0), kind, start)], (provider, kind, start)


def _raters(ratings, scope, lower: dt.date, upper: dt.date, excluded: list[tuple[dt.date, dt.date]]) -> set:
    return {rater for rating_scopes, day, rater in ratings if scope in rating_scopes and lower <= day < upper
            and not any(a <= day < b for a, b in excluded)}


def _runs(starts: list[dt.date], kind: str, scope, shown: dict) -> list[list[dt.date]]:
    """Every run of consecutive shown periods of one kind."""
    runs = []
    for i in range(len(starts)):
        for j in range(i, len(starts)):
            run = starts[i:j + 1]
            if all(shown.get((scope, kind, s)) for s in run):
                runs.append(run)
    return runs


def _children(kind: str, run: list[dt.date], scope, shown: dict) -> list[list[tuple[dt.date, dt.date]]]:
    lower, upper = run[0], periods.next_start(run[-1], kind)
    weeks = [_days("week", w) for w in _periods("week") if shown.get((scope, "week", w))
             and lower <= w and periods.next_start(w, "week") <= upper]
    variants = [weeks]
    if kind == "quarter":
        months = [m for m in _periods("month") if lower <= m < upper]
        shown_months = [_days("month", m) for m in months if shown.get((scope, "month", m))]
        hidden_months = [_days("month", m) for m in months if not shown.get((scope, "month", m))]
        inside_hidden = [w for w in weeks if any(a <= w[0] and w[1] <= b for a, b in hidden_months)]
        variants += [shown_months, shown_months + inside_hidden]
    return variants


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(rating_strategy, min_size=1, max_size=45))
def test_no_parent_minus_its_shown_children_isolates_fewer_than_k_raters(app, ratings):
    org = fresh_org(app, K, CODES)
    made = []
    for (provider, consumer), rater, day, score in ratings:
        instant = dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC)  # noon in Shanghai
        rating = org.rate(CODES[provider], CODES[consumer], rater, score, score, instant)
        rating.comment = f"Comment {len(made)}"
        rating.reasons = [RatingReason(tag="late")] if score <= 2 else []
        made.append((provider, consumer, (consumer, rater), day))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    ids = {i: org.departments[code].id for i, code in enumerate(CODES)}
    brute = [({(ids[p], ids[c]), (ids[p], 0), (0, ids[c]), (0, 0)}, day, rater) for p, c, rater, day in made]
    shown = _collect_shown(viewer, ids)

    _check_reason_tags(viewer, ids, shown)
    for (scope, kind, start), visible in shown.items():
        if visible:  # the threshold itself
            assert len(_raters(brute, scope, *_days(kind, start), [])) >= K, (scope, kind, start)
    scopes = {scope for scope, _, _ in shown}
    for scope in scopes:
        for kind in ("month", "quarter"):
            for run in _runs(_periods(kind), kind, scope, shown):
                lower, upper = run[0], periods.next_start(run[-1], kind)
                for children in _children(kind, run, scope, shown):
                    rest = _raters(brute, scope, lower, upper, children)
                    assert len(rest) == 0 or len(rest) >= K, (scope, kind, run, children, rest)


def test_a_quarter_keeps_its_number_and_its_last_month_gives_way_when_another_month_holds_two_raters(app):
    use_k(app, K)
    org = Org()
    for rater in range(3):
        org.rate("AA", "BB", rater, 4, 4, dt.datetime(2025, 1, 15, 4, tzinfo=dt.UTC))
        org.rate("AA", "BB", rater, 4, 4, dt.datetime(2025, 3, 12, 4, tzinfo=dt.UTC))
    for rater in range(2):
        org.rate("AA", "BB", rater + 3, 1, 1, dt.datetime(2025, 2, 12, 4, tzinfo=dt.UTC))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    months = factories.pair_series(viewer, "AA", "BB", ranges.period_range("month", "2025-01", "2025-03"))
    quarter = factories.pair_series(viewer, "AA", "BB", ranges.period_range("quarter", "2025-Q1", "2025-Q1"))
    # The quarter is released before its last month: the quarter minus January is February and
    # March together (five raters); March shown as well would leave February's two.
    assert [p.reason for p in months["series"]["points"]] == [None, "few", "protected"]
    assert quarter["series"]["points"][0].suppressed is False


def test_a_month_is_shown_when_its_hidden_weeks_hold_enough_raters_together(app):
    use_k(app, K)
    org = Org()
    # February 2021 is exactly ISO weeks 5 to 8; two of them hold two raters each, four together.
    for rater, day in ((0, 2), (1, 2), (2, 9), (3, 9)):
        org.rate("AA", "BB", rater, 3, 3, dt.datetime(2021, 2, day, 4, tzinfo=dt.UTC))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    weeks = factories.pair_series(viewer, "AA", "BB", ranges.period_range("week", "2021-W05", "2021-W08"))
    month = factories.pair_series(viewer, "AA", "BB", ranges.period_range("month", "2021-02", "2021-02"))
    assert all(p.suppressed for p in weeks["series"]["points"])
    assert month["series"]["points"][0].suppressed is False


def test_a_straddling_week_is_hidden_when_one_month_holds_two_of_its_raters(app):
    use_k(app, K)
    org = Org()
    # ISO week 2025-W05 runs from Monday 27 January to Sunday 2 February.
    for rater, day in ((0, dt.date(2025, 1, 28)), (1, dt.date(2025, 1, 29)), (2, dt.date(2025, 1, 30)),
                       (3, dt.date(2025, 2, 1)), (4, dt.date(2025, 2, 2))):
        org.rate("AA", "BB", rater, 3, 3, dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    week = factories.pair_series(viewer, "AA", "BB", ranges.period_range("week", "2025-W05", "2025-W05"))
    assert week["series"]["points"][0].suppressed is True


def test_a_quarter_s_reason_tags_are_withheld_when_a_month_of_it_holds_two_raters(app):
    use_k(app, 5)
    org = Org()
    # Months of 5, 5 and 2 raters, every one of them rating low for being late: the quarter's count of
    # "late" minus its two shown months' would be what the two raters of the third month chose.
    rater = 0
    for day, raters in ((dt.date(2025, 1, 15), 5), (dt.date(2025, 2, 12), 5), (dt.date(2025, 3, 12), 2)):
        for _ in range(raters):
            rating = org.rate("AA", "BB", rater, 2, 2, dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC))
            rating.reasons = [RatingReason(tag="late")]
            rater += 1
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    card = services.scorecard(viewer, get_by_code("AA"), ranges.period_range("quarter", "2025-Q1", "2025-Q1"))
    assert card["reasons"] == []
