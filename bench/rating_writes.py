"""Time what one rating write costs: the rollups follow it, and nothing about what may be shown is decided.

Run from the repository root after `python bench/dashboards.py` has loaded the large data:
`python bench/rating_writes.py [--count N] [--databases sqlite,postgresql]`. It re-scores N ratings
of the large demo organisation, picked at random over the two years, one transaction each, the
way the ratings service does (the rollups follow the flush of the changed row), and rolls every
transaction back, so the data stays as it was. Releases decide what may be shown once per closed
period (bench/releases.py times them), so a write only moves sums and rater counts.

Prints: database, what was timed, p50 and p95 in ms, and the count.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_dashboards", ROOT / "bench" / "dashboards.py")
_dashboards = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_dashboards)


def measure(url: str, count: int, seed: int) -> list[tuple[str, float, float, int]]:
    from tracker.extensions import db
    from tracker.models import Rating

    app = _dashboards._app(url)
    timings: dict[str, list[float]] = {"rating write (rollups)": []}
    with app.app_context():
        high = db.session.scalar(sa.select(sa.func.max(Rating.id)))
        rng = random.Random(seed)
        ids = [rng.randint(1, high) for _ in range(count)]
        db.session.rollback()
        for rating_id in ids:
            for label in timings:
                rating = db.session.get(Rating, rating_id)
                if rating is None:
                    db.session.rollback()
                    continue
                rating.satisfaction = 6 - rating.satisfaction if rating.satisfaction != 3 else 4
                started = time.perf_counter()
                db.session.flush()
                timings[label].append((time.perf_counter() - started) * 1000)
                db.session.rollback()
    rows = []
    for label, values in timings.items():
        values.sort()
        rows.append((label, statistics.median(values), values[round(0.95 * (len(values) - 1))], len(values)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="ratings re-scored per database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite-path", default=str(_dashboards.DEFAULT_SQLITE))
    parser.add_argument("--pg-url", default=_dashboards.DEFAULT_PG)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:///{args.sqlite_path}", "postgresql": args.pg_url}
    print(f"{'database':<10} {'timed':<22} {'p50 ms':>7} {'p95 ms':>7} {'n':>5}")
    for database in args.databases.split(","):
        for label, p50, p95, n in measure(urls[database], args.count, args.seed):
            print(f"{database:<10} {label:<22} {p50:7.2f} {p95:7.2f} {n:5d}")
    for note in _dashboards.machine():
        print(f"# {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
