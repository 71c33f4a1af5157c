"""The threshold rule and the margin rule that together stop small groups from being read.

Primary suppression: a value is shown only when at least k distinct raters stand behind it.
Margins (a row total, a department total, the company total): a margin is shown only when the
part of it that is hidden (the ratings of its suppressed children) is itself empty or comes from
at least k distinct raters, so that subtracting the visible children from it isolates no
group of 1..k-1 raters.
"""

from __future__ import annotations

from collections.abc import Iterable


def shown(raters: int, k: int) -> bool:
    """Primary rule: enough distinct raters stand behind the value."""
    return raters >= k


def hidden_part_ok(hidden_raters: int, k: int) -> bool:
    """The hidden remainder of a margin is empty or large enough to be published itself."""
    return hidden_raters == 0 or hidden_raters >= k


def margin_shown(total_raters: int, hidden_raters: int, k: int) -> bool:
    """A margin is shown when it passes the threshold and its hidden remainder does too."""
    return shown(total_raters, k) and hidden_part_ok(hidden_raters, k)


def hidden_raters(children: Iterable[tuple[set, bool]]) -> int:
    """Distinct raters in the children that are not shown: [(rater set, shown?)] -> count."""
    hidden: set = set()
    for raters, visible in children:
        if not visible:
            hidden |= raters
    return len(hidden)
