"""Pure arithmetic: means with t intervals, Wilson intervals, attainment and error budgets.

Inputs are sums that SQL computes (n, sum, sum of squares, count of good scores); nothing
here touches the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054
# Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom.
_T95 = (12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
        2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
        2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272)


def t95(df: int) -> float:
    """The 97.5 % quantile of Student's t with df degrees of freedom (Cornish-Fisher above 30)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    if df <= len(_T95):
        return _T95[df - 1]
    z = Z95
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float


def mean_interval(n: int, total: int, squares: int, lowest: float = 1, highest: float = 5) -> Interval | None:
    """Mean of n scores with its 95 % t interval, clipped to the scale; None when n is 0."""
    if n <= 0:
        return None
    mean = total / n
    if n == 1:
        return Interval(mean, lowest, highest)
    # n * sum(x^2) - sum(x)^2 is exact in integers, so rounding never makes it negative.
    variance = max(n * squares - total * total, 0) / (n * (n - 1))
    half = t95(n - 1) * math.sqrt(variance / n)
    return Interval(mean, max(lowest, mean - half), min(highest, mean + half))


def wilson_interval(good: int, n: int) -> Interval | None:
    """Share good/n with the Wilson 95 % score interval; None when n is 0."""
    if n <= 0:
        return None
    p = good / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # The interval always holds p; at p = 0 or 1 rounding could otherwise put p just outside.
    return Interval(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))


def difference_interval(before: Interval, n_before: int, after: Interval, n_after: int) -> Interval:
    """after - before with a 95 % interval from the two standard errors (Welch, normal quantile).

    Each side's standard error is recovered from its own interval's half-width.
    """
    def standard_error(interval: Interval, n: int) -> float:
        if n < 2:
            return math.inf
        return (interval.high - interval.low) / 2 / t95(n - 1)

    se = math.hypot(standard_error(before, n_before), standard_error(after, n_after))
    change = after.value - before.value
    return Interval(change, change - Z95 * se, change + Z95 * se)


def is_change(interval: Interval) -> bool:
    """A change is called a change only when its interval excludes zero."""
    return interval.low > 0 or interval.high < 0


@dataclass(frozen=True)
class Budget:
    due: int
    met: int
    missed: int
    attainment: float | None
    allowed: float
    remaining: float
    burn_rate: float | None


def error_budget(met: int, missed: int, target: float) -> Budget:
    """Attainment, the misses the target allows, what remains and the burn rate."""
    due = met + missed
    allowed = (1 - target) * due
    attainment = met / due if due else None
    burn = (missed / due) / (1 - target) if due else None
    return Budget(due, met, missed, attainment, allowed, allowed - missed, burn)
