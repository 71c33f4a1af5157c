"""Time a bulk import of handoffs and report its peak memory.

Run from the repository root: `python bench/import_handoffs.py [--rows N] [--via service|cli]`.
Writes an N-row CSV (default 100,000) under /tmp, imports it into a fresh SQLite database
through the import service (streamed, in chunks), imports it a second time to show that
nothing changes, and prints rows, seconds, rows/s and peak memory (tracemalloc for Python
allocations, getrusage for the whole process).
"""

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write_csv(path: Path, rows: int, commitment_ids: list[int], consumers: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    # Relative to today: imports may date handoffs back TRACKER_LEAD_BACKDATE_DAYS (730) at most.
    start = datetime.now(UTC) - timedelta(days=620)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["commitment", "consumer", "title", "requested_at", "delivered_at", "external_ref"])
        for n in range(rows):
            requested = start + timedelta(minutes=rng.randrange(60 * 24 * 600))
            delivered = requested + timedelta(hours=rng.randrange(1, 120)) if rng.random() < 0.8 else None
            writer.writerow([rng.choice(commitment_ids), rng.choice(consumers), f"Ticket {n}: laptop for a new hire",
                             requested.isoformat(), delivered.isoformat() if delivered else "", f"INC{n:07d}"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--via", choices=("service", "cli"), default="service")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also trace Python allocations (peak memory; makes the import about 2x slower)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ["TRACKER_INSTANCE_DIR"] = str(workdir)
    os.environ["TRACKER_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite'}"
    from flask_babel import force_locale
    from flask_migrate import upgrade

    from tests import factories
    from tracker import create_app
    from tracker.extensions import db
    from tracker.handoffs import imports

    app = create_app()
    with app.app_context():
        upgrade()
        provider = factories.make_department(code="IT")
        consumers = [factories.make_department(code=c) for c in ("SALES", "FIN", "HR", "ENG")]
        commitments = [factories.make_commitment(provider=provider, calendar=factories.make_calendar(
            country="CN", hours=(("09:00", "12:00"), ("13:00", "18:00")))) for _i in range(3)]
        admin = factories.make_user(role="admin")
        db.session.commit()
        path = workdir / "handoffs.csv"
        write_csv(path, args.rows, [c.id for c in commitments], [c.code for c in consumers])
        size_mb = path.stat().st_size / 1e6
        print(f"file: {path} ({args.rows} rows, {size_mb:.1f} MB)")
        for attempt in ("first import", "same file again"):
            if args.via == "cli":
                began = time.perf_counter()
                done = subprocess.run([str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "handoffs",
                                       "import", str(path), "--source", "bench"], cwd=ROOT, env=os.environ,
                                      capture_output=True, text=True, check=True)
                seconds = time.perf_counter() - began
                print(f"{attempt}: {done.stdout.strip()}; {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s")
                continue
            if args.tracemalloc:
                tracemalloc.start()
            began = time.perf_counter()
            with force_locale("en"), path.open(encoding="utf-8-sig", newline="") as text:
                report = imports.import_handoffs(admin, imports.csv_rows(text), source="bench")
            db.session.commit()
            seconds = time.perf_counter() - began
            _current, peak = tracemalloc.get_traced_memory() if args.tracemalloc else (0, 0)
            tracemalloc.stop()
            maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{attempt}: created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
                  f"errors {len(report.errors)}; {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s, "
                  f"process max RSS {maxrss:.0f} MB" + (f", peak traced Python memory {peak / 1e6:.1f} MB"
                                                       if args.tracemalloc else ""))


if __name__ == "__main__":
    main()
