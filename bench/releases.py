"""Time the release job and print the information releases keep, against what k alone would show.

Run from the repository root: `python bench/releases.py` (both databases) or with
`--databases sqlite`. It loads the default demo into a scratch SQLite file, and the large demo
organisation (60 departments, at least 1,000,000 ratings over two years) exactly as
bench/dashboards.py does (the same files and database, reused when they hold data). On each it
forgets the releases made so far and makes them again in order, timing each period's release.

Prints two tables.

* Information kept: for each data set, period kind and level (company, department as provider,
  department as consumer, pair), the values shown, the values k alone would show (at least k
  distinct raters), and the share of ratings whose number is shown against the share k alone
  would show (ratings counted once per value, over the released periods).
* Release time: for each database, the periods released, the whole job in seconds, and the
  median and slowest batch: the periods that fall due at one time, decided together (a month
  with its weeks, and at a quarter's end the quarter too).

`--ratings 300 --departments 4` loads a tiny organisation instead (the smoke test uses it).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_dashboards", ROOT / "bench" / "dashboards.py")
_dashboards = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_dashboards)

LEVELS = ("company", "provider", "consumer", "pair")


def release_again() -> tuple[int, list[float]]:
    """Forget every release and make them again in order; returns the periods and seconds per batch."""
    from tests.factories import forget_releases
    from tracker.extensions import db
    from tracker.metrics.releases import due_batches, due_periods, release_batch

    forget_releases()
    due = due_periods()
    times = []
    for batch in due_batches(due):
        began = time.perf_counter()
        release_batch(batch)
        db.session.flush()
        times.append(time.perf_counter() - began)
    db.session.commit()
    return len(due), times


def information_kept(k: int) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """{(kind, level): (values shown, values k alone shows, ratings shown, ratings k alone shows)}, in SQL."""
    from tracker.extensions import db
    from tracker.metrics.models import MetricPeriod, MetricRelease, MetricReleaseValue

    period, value, release = MetricPeriod, MetricReleaseValue, MetricRelease
    level = sa.case((sa.and_(period.provider_id == 0, period.consumer_id == 0), "company"),
                    (period.consumer_id == 0, "provider"), (period.provider_id == 0, "consumer"), else_="pair")
    alone = period.raters >= k
    kept = sa.and_(alone, value.status == "shown")
    query = (sa.select(period.period_kind, level, sa.func.count().filter(kept), sa.func.count().filter(alone),
                       sa.func.coalesce(sa.func.sum(period.n).filter(kept), 0),
                       sa.func.coalesce(sa.func.sum(period.n).filter(alone), 0))
             .join(release, sa.and_(release.period_kind == period.period_kind,
                                    release.period_start == period.period_start))
             .join(value, sa.and_(value.period_kind == period.period_kind, value.period_start == period.period_start,
                                  value.provider_id == period.provider_id, value.consumer_id == period.consumer_id),
                   isouter=True)
             .where(period.n > 0)
             .group_by(period.period_kind, level))
    return {(kind, name): tuple(figures) for kind, name, *figures in db.session.execute(query)}


def _demo_url(directory: str) -> str:
    from flask_migrate import upgrade

    from tracker.demo.seed import seed_demo

    url = f"sqlite:///{directory}/demo.sqlite"
    with _dashboards._app(url).app_context():
        upgrade()
        seed_demo(progress=lambda _line: None)
    return url


def measure(url: str) -> tuple[tuple[int, list[float]], dict, int]:
    app = _dashboards._app(url)
    with app.app_context():
        timed = release_again()
        k = int(app.config["CONFIDENTIALITY_K"])
        return timed, information_kept(k), k


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=None, help="ratings to load (default: the large scale's)")
    parser.add_argument("--departments", type=int, default=None, help="departments (default: the large scale's)")
    parser.add_argument("--sqlite-path", default=str(_dashboards.DEFAULT_SQLITE))
    parser.add_argument("--pg-url", default=_dashboards.DEFAULT_PG)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()

    kept_rows, time_rows, notes = [], [], _dashboards.machine()
    with tempfile.TemporaryDirectory() as directory:
        _times, kept, k = measure(_demo_url(directory))
        kept_rows.append(("demo", kept))
    for database, url in _dashboards.database_urls(args.databases, args.sqlite_path, args.pg_url, notes):
        _dashboards.build(url, args.ratings, args.departments)
        (count, times), kept, k = measure(url)
        time_rows.append((database, count, times))
        if database == args.databases.split(",")[0]:
            kept_rows.append(("large", kept))

    print(f"information kept (k = {k}): share of ratings whose number is shown, against k alone")
    print(f"{'data':<6} {'kind':<8} {'level':<9} {'shown':>6} {'k alone':>8} {'ratings %':>9}")
    for name, kept in kept_rows:
        for kind in ("quarter", "month", "week"):
            for level in LEVELS:
                shown, alone, shown_n, alone_n = kept.get((kind, level), (0, 0, 0, 0))
                share = "-" if not alone_n else f"{100 * shown_n / alone_n:.1f}"
                print(f"{name:<6} {kind:<8} {level:<9} {shown:6d} {alone:8d} {share:>9}")
    print()
    print(f"{'database':<10} {'periods':>7} {'batches':>7} {'job s':>7} {'batch p50 s':>11} {'batch max s':>11}")
    for database, count, times in time_rows:
        print(f"{database:<10} {count:7d} {len(times):7d} {sum(times):7.1f} {statistics.median(times):11.2f} "
              f"{max(times):11.2f}")
    for note in notes:
        print(f"# {note}")
    return 0 if time_rows else 1


if __name__ == "__main__":
    sys.exit(main())
