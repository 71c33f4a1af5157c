"""Metric arithmetic against hand-computed values and a brute-force reference."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.metrics import stats


def test_mean_interval_matches_hand_computation():
    # scores 3, 4, 5: mean 4, sd 1, se 1/sqrt(3), t(2) = 4.302653
    interval = stats.mean_interval(3, 12, 50)
    assert interval.value == 4
    assert interval.low == pytest.approx(4 - 4.302653 / math.sqrt(3), abs=1e-6)
    assert interval.high == 5  # clipped to the scale


def test_wilson_interval_matches_hand_computation():
    # 8 of 10: the textbook Wilson interval is 0.4902 .. 0.9433
    interval = stats.wilson_interval(8, 10)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.4902, 0.9433)


def test_t_quantile_joins_the_table_smoothly():
    assert stats.t95(30) == pytest.approx(2.042272, abs=1e-6)
    assert stats.t95(31) == pytest.approx(2.039513, abs=1e-4)
    assert stats.t95(120) == pytest.approx(1.979930, abs=1e-4)


def test_error_budget_and_burn_rate():
    budget = stats.error_budget(met=18, missed=2, target=0.95)
    assert budget.attainment == 0.9
    assert budget.allowed == pytest.approx(1.0)
    assert budget.remaining == pytest.approx(-1.0)
    assert budget.burn_rate == pytest.approx(2.0)


def test_a_change_whose_interval_covers_zero_is_not_a_change():
    assert not stats.is_change(stats.Interval(0.3, -0.1, 0.7))
    assert stats.is_change(stats.Interval(-0.5, -0.9, -0.1))


scores = st.lists(st.integers(1, 5), min_size=2, max_size=200)


@given(scores)
def test_mean_interval_equals_brute_force(values):
    n = len(values)
    interval = stats.mean_interval(n, sum(values), sum(v * v for v in values))
    mean = statistics.fmean(values)
    half = stats.t95(n - 1) * statistics.stdev(values) / math.sqrt(n)
    assert interval.value == pytest.approx(mean)
    assert interval.low == pytest.approx(max(1, mean - half), abs=1e-9)
    assert interval.high == pytest.approx(min(5, mean + half), abs=1e-9)


@given(scores)
def test_wilson_interval_contains_the_share_and_stays_in_0_1(values):
    good = sum(1 for v in values if v >= 4)
    interval = stats.wilson_interval(good, len(values))
    assert 0 <= interval.low <= interval.value <= interval.high <= 1
