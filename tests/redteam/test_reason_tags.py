"""Class 5 for reason tags: a quarter's or a month's tag count minus the counts of the periods inside it.

A provider's reason tags are shown per period on its scorecard. The reader subtracts, for every
shown count of a tag, the shown counts of the same tag in the weeks (or months) wholly inside that
period: what remains must come from no rater or from at least k raters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict

import pytest

from tests.factories import fresh_org
from tracker.extensions import db
from tracker.metrics import periods

K = 3
CODES = ("AA", "BB", "CC")
FIRST = dt.date(2025, 1, 6)
DAYS = 84  # twelve weeks of the first quarter


def _periods():
    found = []
    for kind in ("week", "month", "quarter"):
        start = periods.period_start(FIRST, kind)
        while start < FIRST + dt.timedelta(days=DAYS):
            found.append((kind, start))
            start = periods.next_start(start, kind)
    return found


def _shown_tags(client, kind: str, start: dt.date) -> set[str]:
    label = periods.label(start, kind)
    text = client.get(f"/dashboards/departments/AA.csv?period={kind}&from={label}&to={label}").get_data(as_text=True)
    return {row[1] for row in csv.reader(io.StringIO(text)) if row and row[0] == "reason"}


def _days(kind: str, start: dt.date) -> set[dt.date]:
    end = periods.next_start(start, kind)
    return {start + dt.timedelta(days=i) for i in range((end - start).days)}


@pytest.mark.parametrize("seed", range(8))  # seed 1 leaves two raters on per-period tags
def test_a_tag_count_minus_the_counts_inside_it_leaves_no_small_group(app, client, login_as, seed):
    rng = random.Random(seed)
    org = fresh_org(app, K, CODES)
    tagged = defaultdict(set)  # (tag, local day) -> raters
    for _ in range(rng.randint(30, 60)):
        consumer = rng.choice(("BB", "CC"))
        rater = rng.randrange(5)
        day = FIRST + dt.timedelta(days=rng.randrange(DAYS))
        tag = rng.choice(("late", "incomplete-or-wrong"))
        org.rate("AA", consumer, rater, 1, rng.randint(1, 5), dt.datetime.combine(day, dt.time(4), dt.UTC),
                 reasons=(tag,))
        tagged[(tag, day)].add((consumer, rater))
    db.session.commit()
    login_as("leadership")
    shown = {(kind, start): _shown_tags(client, kind, start) for kind, start in _periods()}
    assert any(shown.values()), "some tags are shown"
    for (kind, start), tags in shown.items():
        if kind == "week":
            continue
        inner = [(k, s) for k, s in shown if k != kind and (k, s) != (kind, start)
                 and _days(k, s) <= _days(kind, start) and (kind == "quarter" or k == "week")]
        for tag in tags:
            rest = _days(kind, start) - set().union(*(_days(k, s) for k, s in inner if tag in shown[(k, s)]))
            raters = set().union(*(tagged.get((tag, day), set()) for day in rest))
            assert len(raters) == 0 or len(raters) >= K, (kind, start, tag, len(raters))
