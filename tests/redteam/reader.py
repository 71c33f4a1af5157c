"""A determined reader: every number the app publishes, combined as an integer program.

The reader signs in as leadership and collects, for every week, month and quarter of a window,
each value the matrix CSV lists as shown (pairs, departments as provider and as consumer, the
company). To be stronger than any real reader it is also told what the app never says: which
ratings exist, in which pair and at what time (so which published values hold each rating), and
each shown value's exact sum of squares and count of good scores (the app publishes these only
through intervals and CSAT). It then asks HiGHS, for every rater, for the smallest and the
largest sum of that rater's satisfaction scores that all the published figures allow, with each
score an integer from 1 to 5. A rater whose sum has a single feasible value is singled out,
unless the release rule's stated limit explains it: every rating of theirs lies in a group of
ratings that no published value tells apart, and all of that group agree.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

from tracker.metrics import periods
from tracker.metrics.periods import company_zone

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Known:
    """One rating as the reader is told it: who gave it (a key), its pair, when, and its true score."""

    rater: object
    provider: str
    consumer: str
    created_at: object
    score: int


def published(client, kinds_and_labels) -> set[tuple[str, str, str, str]]:
    """(kind, label, provider, consumer) of every value the matrix CSV shows ("*" for "all")."""
    found = set()
    for kind, label in kinds_and_labels:
        response = client.get(f"/dashboards/matrix.csv?period={kind}&metric=satisfaction&at={label}")
        assert response.status_code == 200, (kind, label)
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        found |= {(kind, label, row["provider"], row["consumer"]) for row in rows if row["suppressed"] == "false"}
    return found


def _contains(value: tuple[str, str, str, str], rating: Known) -> bool:
    kind, label, provider, consumer = value
    day = rating.created_at.astimezone(company_zone()).date()
    return (periods.label(periods.period_start(day, kind), kind) == label
            and provider in ("*", rating.provider) and consumer in ("*", rating.consumer))


def singled_out(ratings: list[Known], values: set) -> list[tuple[object, int]]:
    """(rater, their sum) of every rater whose sum of scores the published values pin down."""
    members = {value: [i for i, r in enumerate(ratings) if _contains(value, r)] for value in values}
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    count = len(ratings) * len(SCORES)
    model.addVars(count, np.zeros(count), np.ones(count))
    model.changeColsIntegrality(count, np.arange(count, dtype=np.int32),
                                np.array([highspy.HighsVarType.kInteger] * count))

    def column(i: int, score: int) -> int:
        return i * len(SCORES) + score - 1

    def add_row(total: float, entries: dict[int, float]) -> None:
        indices = np.array(list(entries), dtype=np.int32)
        model.addRow(total, total, len(indices), indices, np.array(list(entries.values()), dtype=float))

    for i in range(len(ratings)):
        add_row(1, {column(i, s): 1.0 for s in SCORES})
    for held in members.values():
        if not held:
            continue
        scores = [ratings[i].score for i in held]
        add_row(sum(scores), {column(i, s): float(s) for i in held for s in SCORES})
        add_row(sum(x * x for x in scores), {column(i, s): float(s * s) for i in held for s in SCORES})
        add_row(sum(1 for x in scores if x >= 4), {column(i, s): 1.0 for i in held for s in (4, 5)})

    by_rater = defaultdict(list)
    for i, rating in enumerate(ratings):
        by_rater[rating.rater].append(i)
    signature = {i: frozenset(v for v, held in members.items() if i in held) for i in range(len(ratings))}
    groups = defaultdict(list)
    for i, key in signature.items():
        groups[key].append(ratings[i].score)
    found = []
    for rater, held in by_rater.items():
        costs = np.zeros(count)
        for i in held:
            for s in SCORES:
                costs[column(i, s)] = s
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            model.changeObjectiveSense(sense)
            model.changeColsCost(count, np.arange(count, dtype=np.int32), costs)
            model.run()
            assert model.getModelStatus() == highspy.HighsModelStatus.kOptimal, model.getModelStatus()
            bounds.append(round(model.getInfo().objective_function_value))
        if bounds[0] == bounds[1] and not all(len(set(groups[signature[i]])) == 1 for i in held):
            found.append((rater, bounds[0]))
    return found
