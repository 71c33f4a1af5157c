"""The release rule: which values of a closed period may be published, given everything published before.

A value (a pair's, a department's or the company's numbers for one week, month or quarter) is the
total of a set of *atoms*: the ratings of one scope in one part of an ISO week that lies in one
calendar month. A reader may combine every published value with every other one, in any way:
sums, differences, and the integer and range constraints of scores from 1 to 5.

The rule works on the *cells* of what is published: two atoms are in the same cell when exactly the
same published values contain them. Every published value is a union of whole cells, so every
published figure (counts, sums, sums of squares behind an interval, counts of good scores) is a
function of the cells' totals, and so is anything computed from them. A value is published only
when, after adding it, every cell of the values of its time span holds no ratings or ratings from
at least k distinct raters:

* a cell that the new value splits (partly inside it, partly not) becomes two cells, and both
  must pass;
* the atoms of the new value that were in no published value become a cell of their own.

Why that protects every group of 1..k-1 raters: such a group cannot hold a whole non-empty cell, so
it holds part of each cell it touches. Exchanging one score of the group with a different score
elsewhere in the same cell changes the group's total and no cell's total, so the reader sees the
same numbers for two different values of the group. That exchange exists unless every rating of
the cell has the same score: then each of its at least k raters gave that score, which publishing
any value of k agreeing raters says too; the rule does not hide agreement.

Decisions are made once per closed period, in the order periods end, against every value already
published (of any k); a value once published is a cell boundary for ever, so a later or larger k
can only withhold more. Within one period the values are decided in order of importance: the
company, then department totals (busiest first), then pairs (busiest first). A value that would
split a cell too thin is withheld ("hidden to protect a small group"), which is the complementary
suppression of the statistical agencies: the less important values give way.

This module is plain Python (no database, no Flask): releases.py loads the atoms and what was
published, and stores the decisions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from tracker.metrics.results import FEW, PROTECTED

SHOWN = "shown"

Scope = Hashable  # (provider_id, consumer_id) for ratings; (provider_id, tag) for reason tags
Atom = tuple[Scope, dt.date, dt.date]  # (the finest scope, week start, month start)
ValueKey = tuple[str, dt.date, Scope]  # (period kind, period start, scope)


def pair_scopes(scope: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    """The scopes whose values hold a pair's ratings: the pair, the provider's and consumer's totals, the company."""
    provider, consumer = scope
    return (provider, consumer), (provider, 0), (0, consumer), (0, 0)


def single_scope(scope: Scope) -> tuple[Scope, ...]:
    """For values that nest in nothing (a provider's count of one reason tag)."""
    return (scope,)


def atom_periods(week: dt.date, month: dt.date) -> tuple[tuple[str, dt.date], ...]:
    """The week, month and quarter an atom lies in."""
    return ("week", week), ("month", month), ("quarter", dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1))


@dataclass(frozen=True)
class Candidate:
    """A value to decide: its key and how many distinct raters stand behind it."""

    key: ValueKey
    raters: int


class Ledger:
    """The atoms of a span of time, the cells that published values cut them into, and the rule.

    `atoms` maps each atom to the set of raters in it; `published` are the keys of every value
    already published whose period overlaps the span (others cannot share a cell with the span's
    atoms). `scopes_of` names the scopes whose values contain an atom's scope.
    """

    def __init__(self, atoms: dict[Atom, frozenset], published: Iterable[ValueKey], k: int,
                 scopes_of: Callable[[Scope], tuple[Scope, ...]] = pair_scopes) -> None:
        self.k = k
        self.raters = atoms
        published = set(published)
        self.signature: dict[Atom, frozenset] = {}
        self.cells: dict[frozenset, set[Atom]] = defaultdict(set)
        self.members: dict[ValueKey, list[Atom]] = defaultdict(list)
        for atom in atoms:
            scope, week, month = atom
            containing = [(kind, start, outer) for kind, start in atom_periods(week, month)
                          for outer in scopes_of(scope)]
            for key in containing:
                self.members[key].append(atom)
            signature = frozenset(key for key in containing if key in published)
            self.signature[atom] = signature
            self.cells[signature].add(atom)

    def atoms_of(self, key: ValueKey) -> list[Atom]:
        return self.members.get(key, [])

    def raters_of(self, key: ValueKey) -> set:
        """The distinct raters behind a value."""
        found: set = set()
        for atom in self.atoms_of(key):
            found |= self.raters[atom]
        return found

    def _ok(self, atoms: Iterable[Atom]) -> bool:
        """No ratings, or ratings from at least k distinct raters (stops as soon as k are found)."""
        seen: set = set()
        for atom in atoms:
            raters = self.raters[atom]
            if len(raters) >= self.k:
                return True
            seen |= raters
            if len(seen) >= self.k:
                return True
        return not seen

    def allows(self, key: ValueKey) -> bool:
        """Whether publishing `key` leaves every cell empty or behind at least k raters."""
        inside: dict[frozenset, list[Atom]] = defaultdict(list)
        for atom in self.atoms_of(key):
            inside[self.signature[atom]].append(atom)
        for signature, part in inside.items():
            if not self._ok(part):
                return False
            if signature:  # a cell of published values: what stays outside the new value is a cell too
                taken = set(part)
                if len(taken) < len(self.cells[signature]) and not self._ok(
                        a for a in self.cells[signature] if a not in taken):
                    return False
        return True

    def publish(self, key: ValueKey) -> None:
        """Record `key` as published: its atoms move to the cells that include it."""
        for atom in self.atoms_of(key):
            old = self.signature[atom]
            self.cells[old].discard(atom)
            if not self.cells[old]:
                del self.cells[old]
            new = old | {key}
            self.signature[atom] = new
            self.cells[new].add(atom)

    def decide(self, candidates: Iterable[Candidate]) -> dict[ValueKey, str]:
        """SHOWN, FEW or PROTECTED for each candidate, deciding (and publishing) them in the given order."""
        decisions = {}
        for candidate in candidates:
            if candidate.raters < self.k:
                decisions[candidate.key] = FEW
            elif self.allows(candidate.key):
                self.publish(candidate.key)
                decisions[candidate.key] = SHOWN
            else:
                decisions[candidate.key] = PROTECTED
        return decisions


def importance(candidate: Candidate) -> tuple:
    """The order values of one period are decided in: company, department totals, pairs; busiest first."""
    _, _, scope = candidate.key
    provider, consumer = scope
    level = 0 if (provider, consumer) == (0, 0) else 1 if 0 in (provider, consumer) else 2
    return level, -candidate.raters, provider, consumer
