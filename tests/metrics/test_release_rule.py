"""The release rule against a brute-force reader on small organisations.

The reader knows how many ratings each atom holds (who asked for what, "I just rated it") and
sees every released value's count, sum and sum of squares. The brute force enumerates every
assignment of scores that gives the same released numbers and asks, for every small group of
atoms with 1..k-1 raters, whether its total is pinned to one value.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.metrics.release_rule import FEW, PROTECTED, SHOWN, Candidate, Ledger, atom_periods, importance, pair_scopes

K = 2
SCORES = (1, 2, 3)
# A week inside June, a week straddling June and July (two atoms), so quarters Q2 and Q3 too.
W1, W2 = dt.date(2026, 6, 22), dt.date(2026, 6, 29)
JUNE, JULY = dt.date(2026, 6, 1), dt.date(2026, 7, 1)
TIMES = ((W1, JUNE), (W2, JUNE), (W2, JULY))
PAIRS = ((1, 3), (1, 4), (2, 3), (2, 4))
# Periods in the order they end: W1, June with Q2, W2, July with Q3.
ORDER = (("week", W1), ("month", JUNE), ("quarter", dt.date(2026, 4, 1)), ("week", W2), ("month", JULY),
         ("quarter", JULY))


def contains(key, atom) -> bool:
    kind, start, scope = key
    atom_scope, week, month = atom
    return scope in pair_scopes(atom_scope) and (kind, start) in atom_periods(week, month)


def release_all(ratings: dict, k: int, rule: bool = True) -> set:
    """Release every period in order; `ratings` maps atoms to lists of (rater, score)."""
    atoms = {atom: frozenset(r for r, _ in found) for atom, found in ratings.items() if found}
    published: set = set()
    for kind, start in ORDER:
        ledger = Ledger(atoms, published, k)
        candidates = []
        for scope in {s for atom in atoms for s in pair_scopes(atom[0])}:
            key = (kind, start, scope)
            raters = set().union(*(atoms[a] for a in ledger.atoms_of(key))) if ledger.atoms_of(key) else set()
            if raters:
                candidates.append(Candidate(key, len(raters)))
        if rule:
            decisions = ledger.decide(sorted(candidates, key=importance))
        else:  # the threshold alone, for the control
            decisions = {c.key: SHOWN if c.raters >= k else FEW for c in candidates}
        published |= {key for key, status in decisions.items() if status == SHOWN}
    return published


def cells_of(atoms, published) -> dict:
    cells: dict = {}
    for atom in atoms:
        cells.setdefault(frozenset(key for key in published if contains(key, atom)), []).append(atom)
    return cells


def pinned_groups(ratings: dict, published: set, k: int) -> list[tuple]:
    """Groups (one or two atoms, or a whole withheld value) of 1..k-1 raters whose score total is pinned."""
    slots = [(atom, i) for atom, found in sorted(ratings.items()) for i in range(len(found))]
    truth = tuple(ratings[atom][i][1] for atom, i in slots)

    def figures(scores) -> tuple:
        out = []
        for key in sorted(published, key=repr):
            values = [s for (atom, _), s in zip(slots, scores, strict=True) if contains(key, atom)]
            out.append((sum(values), sum(v * v for v in values)))
        return tuple(out)

    seen = figures(truth)
    worlds = [scores for scores in itertools.product(SCORES, repeat=len(slots)) if figures(scores) == seen]
    rated = [atom for atom in sorted(ratings) if ratings[atom]]
    groups = [frozenset(g) for size in (1, 2) for g in itertools.combinations(rated, size)]
    pinned = []
    for group in groups:
        raters = {r for atom in group for r, _ in ratings[atom]}
        if not 0 < len(raters) < k:
            continue
        totals = {sum(s for (atom, _), s in zip(slots, world, strict=True) if atom in group) for world in worlds}
        if len(totals) == 1:
            pinned.append(tuple(sorted(group)))
    return pinned


def organisation(seed: int, size: int) -> dict:
    rng = random.Random(seed)
    atoms = [(pair, week, month) for pair in PAIRS for week, month in TIMES]
    ratings = {atom: [] for atom in atoms}
    for rater in range(size):
        atom = rng.choice(atoms)
        ratings[atom].append((rater, rng.choice(SCORES)))
    return ratings


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), size=st.integers(2, 7))
def test_every_cell_is_empty_or_holds_k_raters(seed, size):
    ratings = organisation(seed, size)
    published = release_all(ratings, K)
    for signature, atoms in cells_of([a for a in ratings if ratings[a]], published).items():
        raters = {r for atom in atoms for r, _ in ratings[atom]}
        assert not signature or len(raters) >= K, (signature, atoms)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), size=st.integers(2, 7))
def test_no_small_group_is_pinned_unless_its_cells_agree(seed, size):
    ratings = organisation(seed, size)
    published = release_all(ratings, K)
    cells = cells_of([a for a in ratings if ratings[a]], published)
    for group in pinned_groups(ratings, published, K):
        touched = [atoms for signature, atoms in cells.items() if signature and set(atoms) & set(group)]
        # Pinned only by agreement: every published cell the group touches holds k raters or more
        # who all gave one score.
        for atoms in touched:
            assert len({r for atom in atoms for r, _ in ratings[atom]}) >= K, (group, ratings)
            assert len({s for atom in atoms for _, s in ratings[atom]}) == 1, (group, ratings)


def test_the_brute_force_finds_what_the_threshold_alone_gives_away():
    # A provider total of three raters and one of its pairs with two: the other pair's one rating
    # is the difference, whatever the scores.
    ratings = {((1, 3), W1, JUNE): [(0, 1), (1, 3)], ((1, 4), W1, JUNE): [(2, 2)]}
    assert pinned_groups(ratings, release_all(ratings, K, rule=False), K)
    assert not pinned_groups(ratings, release_all(ratings, K), K)


def test_the_company_is_kept_and_the_smaller_value_gives_way():
    ratings = {((1, 3), W1, JUNE): [(0, 1), (1, 3)], ((1, 4), W1, JUNE): [(2, 2)],
               ((2, 3), W1, JUNE): [(3, 2), (4, 3)]}
    atoms = {atom: frozenset(r for r, _ in found) for atom, found in ratings.items()}
    ledger = Ledger(atoms, set(), K)
    keys = {scope: ("week", W1, scope) for scope in ((0, 0), (1, 0), (2, 0), (0, 3), (0, 4), (1, 3), (1, 4), (2, 3))}
    raters = {scope: len(set().union(*(atoms[a] for a in ledger.atoms_of(key)))) for scope, key in keys.items()}
    decisions = ledger.decide(sorted((Candidate(key, raters[s]) for s, key in keys.items()), key=importance))
    assert decisions[keys[(0, 0)]] == SHOWN
    assert decisions[keys[(1, 4)]] == FEW
    # The company and provider 1 are shown; provider 2 would leave consumer 4's one rater alone
    # in a cell of the company, so one of the smaller values gives way.
    shown = {scope for scope, key in keys.items() if decisions[key] == SHOWN}
    assert PROTECTED in decisions.values()
    assert not pinned_groups(ratings, {keys[s] for s in shown}, K)


@pytest.mark.parametrize("later_k", [2, 3])
def test_what_is_released_under_one_k_bounds_every_later_release(later_k):
    # Week 1 under k=2 shows the pair (1, 3) of two raters; June then adds one rater to it. Under
    # any later k, June's pair is June minus a shown week: the new rater alone, so it is withheld.
    atoms = {((1, 3), W1, JUNE): frozenset({0, 1}), ((1, 3), W2, JUNE): frozenset({2})}
    published = {("week", W1, (1, 3))}
    ledger = Ledger(atoms, published, later_k)
    assert ledger.decide([Candidate(("month", JUNE, (1, 3)), 3)])[("month", JUNE, (1, 3))] == (
        PROTECTED if later_k <= 3 else FEW)
