"""The threshold rule and the margin rule: what one published number, alone, may stand on.

This module judges a single value and the totals it adds up to, within one period. How values of
overlapping periods (weeks, months, quarters) combine is differencing.py's rule; hidden.py stores
that rule's decisions so that a request reads them instead of deriving them.

Primary suppression: a value is shown only when at least k distinct raters stand behind it.
Margins (a row total, a department total, the company total): a margin is shown only when the
part of it that is hidden (the ratings of its suppressed children) is itself empty or comes from
at least k distinct raters, so that subtracting the visible children from it isolates no
group of 1..k-1 raters.
"""

from __future__ import annotations


def shown(raters: int, k: int) -> bool:
    """Primary rule: enough distinct raters stand behind the value."""
    return raters >= k


def hidden_part_ok(hidden_raters: int, k: int) -> bool:
    """The hidden remainder of a margin is empty or large enough to be published itself."""
    return hidden_raters == 0 or hidden_raters >= k
