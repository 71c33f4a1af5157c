"""Time the company matrix and a two-year pair trend over HTTP, against a raw GROUP BY.

Run from the repository root: `python bench/dashboards.py` (both databases) or with
`--databases sqlite`. For each database it loads the large demo organisation once, exactly as
`flask --app wsgi demo seed --scale large` does (60 departments, at least 1,000,000 ratings over
two years), or reuses it when the database already holds departments; the SQLite file lives under
bench/data/ (not in git), the PostgreSQL database is tracker_bench_large. It then starts gunicorn
as a 2-core deployment would (production settings, 3 workers), signs in as the demo's leadership
account, warms up, and asks each endpoint --requests times, one request at a time, for at most
--seconds seconds per endpoint. The raw reference is the median time of the direct GROUP BY over
the ratings (and handoffs) tables that computes the same numbers, on one open connection, no HTTP.

Prints: database, endpoint, p50, p95 (ms, over HTTP), the raw SQL reference (ms, median), ratio.
The "floor" row is the smallest signed-in API answer (/api/v1/me): what HTTP, gunicorn, the
bearer-token check and JSON cost before any metric is read.
`--ratings 300 --departments 12` loads a tiny organisation instead (the smoke test uses it).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import platform
import re
import secrets
import sqlite3
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from tests.live import LiveServer  # noqa: E402

DEFAULT_SQLITE = ROOT / "bench" / "data" / "large.sqlite"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/tracker_bench_large"
LEADER = "ceo@demo.example"


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


def database_urls(databases: str, sqlite_path: str, pg_url: str, notes: list[str]):
    """(name, URL) of each database asked for ("sqlite,postgresql") that answers; notes get PostgreSQL's version."""
    for database in databases.split(","):
        if database == "sqlite":
            Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
            yield database, f"sqlite:///{sqlite_path}"
        elif _prepare_pg(pg_url):
            notes.append(f"PostgreSQL {_pg_version(pg_url)}")
            yield database, pg_url


def build(url: str, ratings: int | None, departments: int | None) -> None:
    """Load the large demo organisation unless the database already holds one."""
    from flask_migrate import upgrade

    from tracker.demo.seed import DEMO_PASSWORD, database_is_empty, seed_demo
    from tracker.extensions import db
    from tracker.models import Department, Rating

    app = _app(url)
    with app.app_context():
        upgrade()
        if not database_is_empty():
            have = db.session.scalar(sa.select(sa.func.count()).select_from(Rating))
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Department))
            print(f"reusing {count} departments and {have:,} ratings in {sa.make_url(url).render_as_string()}",
                  file=sys.stderr)
            return
        started = time.perf_counter()
        seed_demo(password=DEMO_PASSWORD, scale="large", ratings_target=ratings, departments=departments,
                  progress=lambda line: print(line, file=sys.stderr))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        print(f"loaded the large demo organisation in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def targets(url: str) -> dict:
    """An API token of the leadership account, the last complete quarter, the first week of the
    two years, and the busiest pair."""
    from tracker.auth.services import create_token
    from tracker.extensions import db
    from tracker.metrics import periods as P
    from tracker.models import Department, Rating, User

    app = _app(url)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == LEADER))
        _token, secret = create_token(user, name="bench")
        db.session.commit()
        zone = ZoneInfo(app.config["COMPANY_TIMEZONE"])
        quarter = P.previous_start(P.current_start("quarter", zone), "quarter")
        first_week = P.period_start((datetime.now(zone) - timedelta(days=728)).date(), "week")
        provider, consumer = db.session.execute(
            sa.select(Rating.provider_id, Rating.consumer_id).group_by(Rating.provider_id, Rating.consumer_id)
            .order_by(sa.func.count().desc(), Rating.provider_id, Rating.consumer_id).limit(1)).one()
        codes = {d.id: d.code for d in db.session.scalars(sa.select(Department))}
        return {"secret": secret, "zone": zone, "quarter": quarter, "first_week": first_week, "provider": provider,
                "consumer": consumer, "p_code": codes[provider], "c_code": codes[consumer],
                "quarter_label": P.label(quarter, "quarter"), "week_label": P.label(first_week, "week")}


def raw_references(url: str, t: dict, repeats: int) -> dict:
    """Median time of the direct GROUP BYs over ratings (and handoffs) that compute the same numbers.

    matrix: per pair in the quarter, n, distinct raters and the sums the mean, its interval and
    CSAT need (the page also shows margins; those would only add to this reference).
    pair: per ISO week over two years, for the pair and its reverse, the same for satisfaction and
    collaboration, plus met and missed handoffs per week of their due time (attainment).
    """
    from tracker.metrics import periods as P
    from tracker.metrics.sqlperiods import period_column

    engine = sa.create_engine(url)
    dialect = engine.dialect.name
    zone = t["zone"]
    lower, upper = P.utc_bounds(t["quarter"], "quarter", zone)
    week_lower, _ = P.utc_bounds(t["first_week"], "week", zone)
    week_upper = datetime.now(zone).astimezone(week_lower.tzinfo) + timedelta(days=7)

    def bound(value: datetime):
        return value.replace(tzinfo=None).isoformat(" ") if dialect == "sqlite" else value

    rating_week = period_column(dialect, "week", zone, "created_at", week_lower, week_upper)
    due_week = period_column(dialect, "week", zone, "due_at", week_lower, week_upper)
    matrix = sa.text(
        "SELECT provider_id, consumer_id, COUNT(*), COUNT(DISTINCT rater_key), SUM(satisfaction), "
        "SUM(satisfaction * satisfaction), SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END) FROM ratings "
        "WHERE created_at >= :lower AND created_at < :upper GROUP BY provider_id, consumer_id")
    pair_ratings = sa.text(
        f"SELECT provider_id, consumer_id, {rating_week}, COUNT(*), COUNT(DISTINCT rater_key), SUM(satisfaction), "
        "SUM(satisfaction * satisfaction), SUM(collaboration), SUM(collaboration * collaboration), "
        "SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END) FROM ratings "
        "WHERE ((provider_id = :p AND consumer_id = :c) OR (provider_id = :c AND consumer_id = :p)) "
        f"AND created_at >= :lower AND created_at < :upper GROUP BY provider_id, consumer_id, {rating_week}")
    pair_attainment = sa.text(
        f"SELECT provider_id, consumer_id, {due_week}, "
        "SUM(CASE WHEN delivered_at IS NOT NULL AND delivered_at <= due_at THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN delivered_at > due_at OR (delivered_at IS NULL AND due_at < :now) THEN 1 ELSE 0 END) "
        "FROM handoffs WHERE ((provider_id = :p AND consumer_id = :c) OR (provider_id = :c AND consumer_id = :p)) "
        f"AND due_at >= :lower AND due_at < :upper AND cancelled_at IS NULL "
        f"GROUP BY provider_id, consumer_id, {due_week}")
    pair_params = {"p": t["provider"], "c": t["consumer"], "lower": bound(week_lower), "upper": bound(week_upper),
                   "now": bound(datetime.now(zone))}
    plans = {"matrix": [(matrix, {"lower": bound(lower), "upper": bound(upper)})],
             "pair": [(pair_ratings, pair_params), (pair_attainment, pair_params)]}
    result = {}
    with engine.connect() as conn:
        for name, statements in plans.items():
            for statement, params in statements:
                conn.execute(statement, params).all()
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                for statement, params in statements:
                    conn.execute(statement, params).all()
                times.append((time.perf_counter() - started) * 1000)
            result[name] = statistics.median(times)
    engine.dispose()
    return result


def signed_in_opener(server_url: str, password: str) -> urllib.request.OpenerDirector:
    """A client holding the leadership session cookie (pages need a browser session)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(server_url + "/login", timeout=30) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": LEADER, "password": password})
    with opener.open(server_url + "/login", data=form.encode(), timeout=30) as response:
        response.read()
    return opener


def measure(opener, server_url: str, path: str, secret: str, count: int, seconds: float,
            warm_up: int) -> tuple[float, float, int]:
    """p50 and p95 in ms of `count` sequential requests (fewer when `seconds` run out), and how many."""
    headers = {"Authorization": f"Bearer {secret}"} if path.startswith("/api/") else {}
    request = urllib.request.Request(server_url + path, headers=headers)  # noqa: S310 - loopback http only
    for _ in range(warm_up):
        with opener.open(request, timeout=60) as response:
            response.read()
    times = []
    deadline = time.monotonic() + seconds
    while len(times) < count and (len(times) < 5 or time.monotonic() < deadline):
        started = time.perf_counter()
        with opener.open(request, timeout=60) as response:
            if response.status != 200 or response.url != server_url + path:
                raise RuntimeError(f"{path} answered {response.status} at {response.url}")
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], len(times)


def machine() -> list[str]:
    """What the numbers were measured on."""

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return [f"{os.cpu_count()} CPUs ({cpu}), {memory:,} MiB memory, {platform.platform()}",
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"]


def _pg_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SHOW server_version")).scalar()
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=None, help="ratings to load (default: the large scale's)")
    parser.add_argument("--departments", type=int, default=None, help="departments (default: the large scale's)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per endpoint")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long per endpoint")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()

    from tracker.demo.seed import DEMO_PASSWORD

    rows, notes = [], machine()
    load_before = os.getloadavg()
    for database, url in database_urls(args.databases, args.sqlite_path, args.pg_url, notes):
        build(url, args.ratings, args.departments)
        t = targets(url)
        q, w = t["quarter_label"], t["week_label"]
        pair = f"{t['p_code']}/{t['c_code']}"
        endpoints = (
            ("matrix", "API", f"/api/v1/metrics/pairs?metric=satisfaction&period=quarter&from={q}&to={q}"),
            ("matrix", "page", f"/dashboards?metric=satisfaction&period=quarter&at={q}"),
            ("pair", "API", f"/api/v1/metrics/pairs/{pair}?period=week&from={w}"),
            ("pair", "page", f"/dashboards/pairs/{pair}?period=week&from={w}"),
            ("floor", "API", "/api/v1/me"),
        )
        raw = raw_references(url, t, repeats=max(5, min(args.requests, 30)))
        server = LiveServer(url, workers=args.workers, env={
            "TRACKER_ENV": "production", "TRACKER_SECRET_KEY": secrets.token_urlsafe(48),
            "TRACKER_LOG_LEVEL": "WARNING"}).start(timeout=60)
        try:
            opener = signed_in_opener(server.url, DEMO_PASSWORD)
            for name, kind, path in endpoints:
                p50, p95, count = measure(opener, server.url, path, t["secret"], args.requests, args.seconds,
                                          warm_up=2 * args.workers + 1)
                reference = raw.get(name)
                rows.append((database, f"{name} ({kind})", path.split("?")[0], p50, p95, reference,
                             None if reference is None else p50 / reference, count))
        finally:
            server.stop()

    print(f"{'database':<10} {'endpoint':<13} {'path':<38} {'p50 ms':>7} {'p95 ms':>7} {'raw SQL ms':>10} "
          f"{'p50/raw':>7} {'n':>4}")
    for database, name, path, p50, p95, raw_ms, ratio, count in rows:
        raw_text = "-" if raw_ms is None else f"{raw_ms:.1f}"
        ratio_text = "-" if ratio is None else f"{ratio:.2f}"
        print(f"{database:<10} {name:<13} {path:<38} {p50:7.1f} {p95:7.1f} {raw_text:>10} {ratio_text:>7} {count:4d}")
    load_after = os.getloadavg()
    notes.append(f"gunicorn --workers {args.workers}; load average (1, 5, 15 min) before "
                 f"{', '.join(f'{x:.2f}' for x in load_before)}, after {', '.join(f'{x:.2f}' for x in load_after)}")
    for note in notes:
        print(f"# {note}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
