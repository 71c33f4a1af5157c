"""The published values' own shapes: a withheld value carries no number at all."""

from __future__ import annotations

from tracker.metrics.results import FEW, PROTECTED, Attainment, PairPoint, Published


def test_a_withheld_value_has_no_value_raters_or_interval_in_its_shape():
    withheld = Published.withheld(FEW)
    assert (withheld.shown, withheld.as_dict()) == (False, {"suppressed": True, "reason": "few"})
    assert Published.withheld(PROTECTED).as_dict() == {"suppressed": True, "reason": "protected"}
    assert withheld.n is None and withheld.raters is None  # not even how many ratings stand behind it
    shown = Published(n=7, raters=6, value=4.2, low=3.8, high=4.6)
    assert shown.shown and shown.as_dict() == {"n": 7, "raters": 6, "value": 4.2, "low": 3.8, "high": 4.6}
    assert shown.estimate() == {"value": 4.2, "low": 3.8, "high": 4.6}


def test_attainment_is_never_withheld_and_has_no_value_when_nothing_was_due():
    assert Attainment(n=0).as_dict() == {"n": 0, "value": None}
    assert (Attainment(n=0).shown, Attainment(n=0).suppressed, Attainment(n=0).raters) == (False, False, None)
    done = Attainment(n=4, met=3, missed=1, value=75.0, low=30.1, high=95.4)
    assert done.shown and done.as_dict()["met"] == 3


def test_a_withheld_period_of_a_pair_lists_no_count_no_raters_and_no_estimates():
    point = PairPoint(period="2026-01", start="2026-01-01", n=None, suppressed=True, attainment=Attainment(n=0),
                      reason=FEW)
    assert point.as_dict() == {"period": "2026-01", "start": "2026-01-01", "satisfaction": None,
                               "collaboration": None, "csat": None, "suppressed": True, "reason": "few",
                               "attainment": {"n": 0, "value": None}}
    shown = Published(n=7, raters=6, value=4.2, low=3.8, high=4.6)
    point = PairPoint(period="2026-02", start="2026-02-01", n=7, suppressed=False, attainment=Attainment(n=0),
                      raters=6, satisfaction=shown)
    assert (point.as_dict()["raters"], point.as_dict()["satisfaction"], point.metric("csat")) == (
        6, shown.estimate(), None)
