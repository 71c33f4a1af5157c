"""Time due-time computation over mixed working calendars and print the figures.

Run from the repository root: `python bench/due_times.py [--count N] [--seed S]`.
Requests start at random instants over 2024-2026 on Chinese, US and German calendars; half ask
for 1..40 business hours, half for 1..10 business days, and a further tenth of the count asks
for 1..72 calendar hours. Caches start cold, so the figures include building them.
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.calendars.timecalc import CalendarSpec, due_at

CALENDARS = (
    CalendarSpec.from_plain("Asia/Shanghai", range(5), [["09:00", "12:00"], ["13:00", "18:00"]], country="CN"),
    CalendarSpec.from_plain("America/New_York", range(5), [["09:00", "17:00"]], country="US", subdivision="NY"),
    CalendarSpec.from_plain("Europe/Berlin", range(5), [["08:00", "16:30"]], country="DE", subdivision="BE"),
)
FIRST = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2027, 1, 1, tzinfo=UTC) - FIRST).total_seconds())


def requests(count: int, seed: int) -> list[tuple[datetime, int, str, CalendarSpec]]:
    """Draw the requests up front so that only due-time computation is timed."""
    rng = random.Random(seed)
    drawn = []
    for index in range(count):
        start = FIRST + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        if index % 2:
            drawn.append((start, rng.randint(1, 10), "business_days", rng.choice(CALENDARS)))
        else:
            drawn.append((start, rng.randint(1, 40), "business_hours", rng.choice(CALENDARS)))
    for _ in range(count // 10):
        start = FIRST + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        drawn.append((start, rng.randint(1, 72), "calendar_hours", rng.choice(CALENDARS)))
    return drawn


def main() -> None:
    """Time every request, then print count, total seconds and microseconds per call."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="business-unit requests (default 100000)")
    parser.add_argument("--seed", type=int, default=20250127)
    args = parser.parse_args()

    totals: dict[str, list[float]] = {}
    for start, amount, unit, spec in requests(args.count, args.seed):
        began = time.perf_counter()
        due_at(start, amount, unit, spec)
        totals.setdefault(unit, []).append(time.perf_counter() - began)

    rows = [(unit, len(times), sum(times)) for unit, times in totals.items()]
    business = [row for row in rows if row[0] != "calendar_hours"]
    rows.append(("business units", sum(row[1] for row in business), sum(row[2] for row in business)))
    rows.append(("overall", sum(row[1] for row in rows[:-1]), sum(row[2] for row in rows[:-1])))
    print(f"{'unit':<16}{'count':>10}{'seconds':>10}{'us/call':>10}")
    for unit, count, seconds in rows:
        print(f"{unit:<16}{count:>10}{seconds:>10.3f}{seconds / count * 1e6:>10.1f}")


if __name__ == "__main__":
    main()
