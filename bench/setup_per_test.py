"""Time the per-test database set-up of the test suite and print the figures.

Run from the repository root: `python bench/setup_per_test.py [--count N] [--seconds S]`.
For SQLite and, when TRACKER_TEST_DATABASE_URL names one (or a server answers on
127.0.0.1:5432), PostgreSQL, it migrates one database as a test process does, then repeats what
the `app` fixture does before each test: build the application and empty every table. Each
backend stops after N repetitions or S seconds, whichever comes first.

Prints: database, p50 and p95 in ms, and the count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/tracker_test"


def _pg_url() -> str | None:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or DEFAULT_PG
    engine = sa.create_engine(sa.make_url(url).set(database="postgres"))
    try:
        with engine.connect():
            return url
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()


def measure(backend: str, count: int, seconds: float) -> tuple[float, float, int]:
    from tests import databases
    from tracker.extensions import db

    url = databases.prepared_database_url(backend)
    timings = []
    deadline = time.monotonic() + seconds
    while len(timings) < count and time.monotonic() < deadline:
        started = time.perf_counter()
        app = databases.make_app(url)
        with app.app_context():
            databases.empty_all_tables()
            db.session.remove()
            db.engine.dispose()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[round(0.95 * (len(timings) - 1))], len(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="set-ups per database")
    parser.add_argument("--seconds", type=float, default=60.0, help="time cap per database")
    args = parser.parse_args()
    pg_url = _pg_url()
    if pg_url:
        os.environ["TRACKER_TEST_DATABASE_URL"] = pg_url
    from tests import databases

    print(f"{'database':<10} {'p50 ms':>7} {'p95 ms':>7} {'n':>5}")
    try:
        for backend in ("sqlite", "postgresql") if pg_url else ("sqlite",):
            p50, p95, n = measure(backend, args.count, args.seconds)
            print(f"{backend:<10} {p50:>7.1f} {p95:>7.1f} {n:>5}")
    finally:
        state = databases.BACKEND_STATES.get("postgresql")
        if state is not None and state.url:
            databases.drop_pg_database(state.url)
    if not pg_url:
        print("postgresql: no server answered; set TRACKER_TEST_DATABASE_URL to include it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
