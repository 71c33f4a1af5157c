"""A small rated organisation, the five dashboard pages, and a reader of a page's figure data."""

from __future__ import annotations

import json
import re

from tests.factories import Org, at
from tracker.extensions import db


def rated_org() -> Org:
    org = Org()
    for i in range(6):
        org.rate("FIN", "HR", i, 4, 4, at(2026, 1, 10))
        org.rate("FIN", "HR", i, 2, 3, at(2025, 12, 10))
    for i in range(2):
        org.rate("HR", "FIN", i, 1, 1, at(2026, 1, 10))
    # A third pair, so that the company total (released first) minus FIN -> HR is not HR -> FIN alone.
    for i in range(6):
        for when in (at(2026, 1, 10), at(2025, 12, 10)):
            org.rate("OPS", "SALES", i, 3, 3, when)
    db.session.commit()
    return org


def figure(html: str, element_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{element_id}-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


PAGES = ("/dashboards?metric=satisfaction&period=month&at=2026-01",
         "/dashboards/pairs/FIN/HR?period=month&from=2025-12&to=2026-01",
         "/dashboards/departments/FIN?period=month&from=2025-12&to=2026-01",
         "/dashboards/flows?period=month&from=2025-12&to=2026-01",
         "/dashboards/movers?period=month&at=2026-01")

