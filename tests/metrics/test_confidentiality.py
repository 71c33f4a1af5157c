"""No shown value stands on fewer than k raters, and no shown margin minus its shown parts does either."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.factories import at, fresh_org
from tracker.extensions import db
from tracker.metrics import services
from tracker.metrics.results import Published

CODES = ("AA", "BB", "CC", "DD")
K = 3
WITHHELD = Published.withheld(0)  # what a cell or margin that is not there counts as

ratings_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 5), st.integers(1, 5)).filter(
        lambda r: r[0] != r[1]),
    min_size=1, max_size=40)


def hidden_part_ok(hidden: int, k: int) -> bool:
    """A margin minus its shown parts leaves no rater, or at least k."""
    return hidden == 0 or hidden >= k


def hidden_raters(children) -> int:
    """Distinct raters in the children that are not shown: [(rater set, shown?)] -> count."""
    return len(set().union(*(raters for raters, visible in children if not visible)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ratings_strategy)
def test_random_organisations_show_nothing_isolating_fewer_than_k_raters(app, ratings):
    org = fresh_org(app, K, CODES)
    cells = defaultdict(set)
    for provider, consumer, rater, score in ratings:
        org.rate(CODES[provider], CODES[consumer], rater, score, score, at(2026, 1, 15))
        cells[(provider, consumer)].add((consumer, rater))
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    ids = {CODES.index(code): dept.id for code, dept in org.departments.items()}
    result = services.matrix(viewer, "satisfaction", "month", "2026-01")

    def cell_shown(key):
        return not result.cells.get((ids[key[0]], ids[key[1]]), WITHHELD).suppressed

    for key, raters in cells.items():
        assert not cell_shown(key) or len(raters) >= K
    for side in (0, 1):
        margins = result.providers if side == 0 else result.consumers
        for index in range(4):
            shown = margins.get(ids[index], WITHHELD)
            if shown.suppressed:
                continue
            children = [(raters, cell_shown(key)) for key, raters in cells.items() if key[side] == index]
            assert hidden_part_ok(hidden_raters(children), K)
            assert shown.raters >= K
    if result.company and not result.company.suppressed:
        assert hidden_part_ok(
            hidden_raters([(raters, cell_shown(key)) for key, raters in cells.items()]), K)
        for side, margins in ((0, result.providers), (1, result.consumers)):
            rows = [(set().union(*(r for key, r in cells.items() if key[side] == index)),
                     not margins.get(ids[index], WITHHELD).suppressed) for index in range(4)]
            assert hidden_part_ok(hidden_raters(rows), K)
