"""The threshold rule: a value is shown only when at least k distinct raters stand behind it.

This is the first test of every value; the release rule (release_rule.py) decides, against
everything already released, whether a value that passes it may be published as well.
"""

from __future__ import annotations


def shown(raters: int, k: int) -> bool:
    """Primary rule: enough distinct raters stand behind the value."""
    return raters >= k
