"""Time the company matrix and a two-year pair trend over HTTP, against a raw GROUP BY.

Run from the repository root: `python bench/dashboards.py [--ratings 1000000] [--departments 60]`.
For each database (SQLite file, and PostgreSQL when --pg-url answers) it builds the data set once
(departments, raters, one commitment per provider, one delivered handoff per rating, ratings spread
over the last two years; bulk INSERTs, then rebuild_rollups()), or reuses it when it already holds
that many ratings; starts gunicorn (2 workers); asks each endpoint --requests times with a bearer
token; and times the direct GROUP BY over the ratings table that computes the same numbers.
Prints: database, endpoint, p50, p95 (ms, over HTTP), the raw SQL reference (ms, median), ratio.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.live import LiveServer  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench_dashboards"
RATERS_PER_DEPARTMENT = 25
CHUNK = 20_000
PASSWORD = "bench-password"  # noqa: S105 - a throwaway account on a throwaway database


def _app(url: str):
    from tracker import create_app
    from tracker.config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    return create_app(config)


def _prepare_pg(url: str) -> bool:
    parsed = sa.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": parsed.database}).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
        return True
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL not reachable at {url}: {exc.orig}", file=sys.stderr)
        return False
    finally:
        admin.dispose()


def build(url: str, ratings: int, departments: int, seed: int) -> None:
    """Create the data set unless the database already holds at least `ratings` ratings."""
    from flask_migrate import upgrade

    from tracker.extensions import db
    from tracker.metrics.rollups import rebuild_rollups
    from tracker.models import BusinessCalendar, CommitmentVersion, Department, Handoff, Rating, ServiceCommitment, User

    app = _app(url)
    with app.app_context():
        upgrade()
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Rating))
        if have >= ratings and db.session.scalar(sa.select(sa.func.count()).select_from(Department)) == departments:
            print(f"reusing {have} ratings in {sa.make_url(url).render_as_string()}", file=sys.stderr)
            return
        from tests.conftest import empty_all_tables

        empty_all_tables()
        started = time.perf_counter()
        rng = random.Random(seed)
        now = datetime.now(UTC)
        db.session.execute(sa.insert(Department), [
            {"id": i + 1, "code": f"D{i + 1:02d}", "name": f"Department {i + 1}"} for i in range(departments)])
        users = [{"id": i + 1, "email": f"bench{i + 1}@example.test", "display_name": f"Person {i + 1}",
                  "department_id": i // RATERS_PER_DEPARTMENT + 1, "role": "employee"}
                 for i in range(departments * RATERS_PER_DEPARTMENT)]
        from werkzeug.security import generate_password_hash

        users.append({"id": len(users) + 1, "email": "leader@example.test", "display_name": "Leader",
                      "department_id": None, "role": "leadership",
                      "password_hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")})
        db.session.execute(sa.insert(User), users)
        db.session.execute(sa.insert(BusinessCalendar), [{"id": 1, "name": "Bench", "timezone": "Asia/Shanghai",
                           "weekdays": [0, 1, 2, 3, 4], "hours": [["09:00", "18:00"]], "closures": [],
                           "extra_working_days": []}])
        db.session.execute(sa.insert(ServiceCommitment), [
            {"id": d + 1, "provider_id": d + 1, "status": "published"} for d in range(departments)])
        db.session.execute(sa.insert(CommitmentVersion), [
            {"id": d + 1, "commitment_id": d + 1, "number": 1, "title": f"Service {d + 1}", "all_consumers": True,
             "target_amount": Decimal(2), "target_unit": "business_days", "attainment_target": Decimal("0.95"),
             "satisfaction_target": Decimal("4.0"), "calendar_id": 1, "review_cadence": "month",
             "owner_id": d * RATERS_PER_DEPARTMENT + 1, "published_at": now} for d in range(departments)])
        db.session.commit()
        span = 730 * 86400
        for offset in range(0, ratings, CHUNK):
            handoffs, rows = [], []
            for i in range(offset + 1, min(ratings, offset + CHUNK) + 1):
                provider = rng.randrange(departments) + 1
                consumer = rng.randrange(departments - 1) + 1
                consumer += consumer >= provider
                created = now - timedelta(seconds=rng.randrange(span))
                requested = created - timedelta(days=3)
                delivered = requested + timedelta(hours=rng.choice((20, 30, 40, 60)))
                handoffs.append({"id": i, "commitment_version_id": provider, "provider_id": provider,
                                 "consumer_id": consumer, "title": f"Handoff {i}", "requested_at": requested,
                                 "due_at": requested + timedelta(days=2), "delivered_at": delivered,
                                 "status": "delivered"})
                rater = (consumer - 1) * RATERS_PER_DEPARTMENT + rng.randrange(RATERS_PER_DEPARTMENT) + 1
                rows.append({"id": i, "handoff_id": i, "rater_id": rater, "rater_key": rater,
                             "provider_id": provider, "consumer_id": consumer,
                             "satisfaction": rng.choices((1, 2, 3, 4, 5), (1, 2, 4, 6, 4))[0],
                             "collaboration": rng.choices((1, 2, 3, 4, 5), (1, 2, 5, 6, 3))[0],
                             "created_at": created, "updated_at": created})
            db.session.execute(sa.insert(Handoff), handoffs)
            db.session.execute(sa.insert(Rating), rows)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("departments", "users", "business_calendars", "service_commitments",
                          "commitment_versions", "handoffs", "ratings"):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
        loaded = time.perf_counter()
        counts = rebuild_rollups()
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        print(f"built {ratings} ratings in {loaded - started:.0f} s, rollups {counts} in "
              f"{time.perf_counter() - loaded:.0f} s", file=sys.stderr)


def token_and_targets(url: str):
    """A leadership API token, the last complete quarter and the busiest pair."""
    from tracker.auth.services import create_token
    from tracker.extensions import db
    from tracker.metrics import periods as P
    from tracker.models import Department, Rating, User

    app = _app(url)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "leader@example.test"))
        _token, secret = create_token(user, name="bench")
        db.session.commit()
        zone = ZoneInfo(app.config["COMPANY_TIMEZONE"])
        quarter = P.previous_start(P.current_start("quarter", zone), "quarter")
        first_week = P.period_start((datetime.now(zone) - timedelta(days=728)).date(), "week")
        provider, consumer = db.session.execute(
            sa.select(Rating.provider_id, Rating.consumer_id).group_by(Rating.provider_id, Rating.consumer_id)
            .order_by(sa.func.count().desc()).limit(1)).one()
        codes = {d.id: d.code for d in db.session.scalars(sa.select(Department))}
        return secret, zone, quarter, first_week, codes[provider], codes[consumer], provider, consumer


def raw_references(url: str, zone, quarter, first_week, provider_id, consumer_id, repeats: int) -> dict:
    """Median time of the direct GROUP BY over ratings that computes the same numbers."""
    from tracker.metrics import periods as P
    from tracker.metrics.sqlperiods import period_column

    engine = sa.create_engine(url)
    dialect = engine.dialect.name
    lower, upper = P.utc_bounds(quarter, "quarter", zone)
    week_lower, _ = P.utc_bounds(first_week, "week", zone)
    week = period_column(dialect, "week", zone, "created_at")

    def bound(value: datetime):
        return value.replace(tzinfo=None).isoformat(" ") if dialect == "sqlite" else value

    matrix = sa.text(
        "SELECT provider_id, consumer_id, COUNT(*), COUNT(DISTINCT rater_key), SUM(satisfaction), "
        "SUM(satisfaction * satisfaction), SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END) FROM ratings "
        "WHERE created_at >= :lower AND created_at < :upper GROUP BY provider_id, consumer_id")
    pair = sa.text(
        f"SELECT {week}, COUNT(*), COUNT(DISTINCT rater_key), SUM(satisfaction), SUM(satisfaction * satisfaction), "
        "SUM(collaboration), SUM(collaboration * collaboration), SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END) "
        "FROM ratings WHERE provider_id IN (:p, :c) AND consumer_id IN (:p, :c) AND created_at >= :lower "
        f"GROUP BY provider_id, consumer_id, {week}")
    result = {}
    with engine.connect() as conn:
        for name, statement, params in (
                ("matrix", matrix, {"lower": bound(lower), "upper": bound(upper)}),
                ("pair", pair, {"p": provider_id, "c": consumer_id, "lower": bound(week_lower)})):
            conn.execute(statement, params).all()
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                conn.execute(statement, params).all()
                times.append((time.perf_counter() - started) * 1000)
            result[name] = statistics.median(times)
    engine.dispose()
    return result


def signed_in_opener(server_url: str) -> urllib.request.OpenerDirector:
    """A client holding the leadership session cookie (pages need a browser session)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(server_url + "/login", timeout=30) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": "leader@example.test", "password": PASSWORD})
    with opener.open(server_url + "/login", data=form.encode(), timeout=30) as response:
        response.read()
    return opener


def measure(opener, server_url: str, path: str, secret: str, count: int) -> tuple[float, float]:
    headers = {"Authorization": f"Bearer {secret}"} if path.startswith("/api/") else {}
    request = urllib.request.Request(server_url + path, headers=headers)  # noqa: S310 - loopback http only
    for _ in range(3):
        with opener.open(request, timeout=60) as response:
            response.read()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        with opener.open(request, timeout=60) as response:
            if response.status != 200 or response.url != server_url + path:
                raise RuntimeError(f"{path} answered {response.status} at {response.url}")
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, default=60)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite-path", default=str(Path(tempfile.gettempdir()) / "tracker-bench-dashboards.sqlite"))
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()

    rows = []
    for database in args.databases.split(","):
        if database == "sqlite":
            url = f"sqlite:///{args.sqlite_path}"
        elif _prepare_pg(args.pg_url):
            url = args.pg_url
        else:
            continue
        build(url, args.ratings, args.departments, args.seed)
        secret, zone, quarter, first_week, p_code, c_code, p_id, c_id = token_and_targets(url)
        from tracker.metrics import periods as P

        q = P.label(quarter, "quarter")
        w = P.label(first_week, "week")
        endpoints = (
            ("matrix", f"/api/v1/metrics/pairs?metric=satisfaction&period=quarter&from={q}&to={q}", "API"),
            ("matrix", f"/dashboards?metric=satisfaction&period=quarter&at={q}", "page"),
            ("pair", f"/api/v1/metrics/pairs/{p_code}/{c_code}?period=week&from={w}", "API"),
            ("pair", f"/dashboards/pairs/{p_code}/{c_code}?period=week&from={w}", "page"),
        )
        raw = raw_references(url, zone, quarter, first_week, p_id, c_id, repeats=max(5, args.requests // 4))
        server = LiveServer(url, workers=2).start(timeout=60)
        try:
            opener = signed_in_opener(server.url)
            for name, path, kind in endpoints:
                p50, p95 = measure(opener, server.url, path, secret, args.requests)
                rows.append((database, f"{name} ({kind})", path.split("?")[0], p50, p95, raw[name], p50 / raw[name]))
        finally:
            server.stop()

    print(f"{'database':<10} {'endpoint':<13} {'path':<40} {'p50 ms':>8} {'p95 ms':>8} {'raw SQL ms':>10} "
          f"{'p50/raw':>8}")
    for database, name, path, p50, p95, raw_ms, ratio in rows:
        print(f"{database:<10} {name:<13} {path:<40} {p50:8.1f} {p95:8.1f} {raw_ms:10.1f} {ratio:8.2f}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
