"""The demo organisation: a company whose handoffs and ratings tell stories worth finding.

`seed_demo(seed)` loads about 120 people in 12 departments, the service commitments they
publish on a China and a US office calendar, and twelve months of handoffs and ratings.
The data is the same for the same seed *on the same day*: the period ends at midnight UTC of
the current day (or of `today`, when given), so that the inbox and the latest periods always
hold recent work. The period is stretched back, when needed, to hold a whole Spring Festival.

The stories, named in `STORIES` so that tests and documentation can refer to them:

* `improving`: IT's service to Sales rises from about 2.6 to 4.4 over the period;
* `degrading`: Purchasing's service to Engineering falls from about 4.3 to 2.7;
* `spring_festival`: in the weeks around Chinese New Year, deliveries by the China office
  are late and rated lower across the company;
* `on_time_rated_poorly`: Legal meets its deadlines (at least 95 % on time) yet is rated
  about 2.5 for satisfaction and 2.3 for collaboration, tagged attitude, hard-to-reach and
  not-informed;
* `small_pairs`: pairs with so few raters that no dashboard may show a number for them.

Story pairs get more than five distinct raters each month, so their monthly numbers pass the
confidentiality threshold. Handoffs of Sales delivered within the last month are left unrated
by the demo employee, so that their "to rate" inbox has work.

`scale="large"` builds 60 departments, about 1,300 people and at least a million ratings over
two years, for measuring dashboards; rows go in by executemany (SQLite) or COPY (PostgreSQL).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from tracker.auth.services import PASSWORD_METHOD
from tracker.calendars.timecalc import CalendarSpec, due_at
from tracker.demo import catalog
from tracker.demo.bulk import RowBuffer, insert_rows, next_id, reset_sequences
from tracker.demo.catalog import CommitmentText
from tracker.extensions import db
from tracker.messages.digests import write_digests
from tracker.messages.outbox import request_ratings
from tracker.messages.satisfaction import alert_drops
from tracker.metrics.releases import release_due
from tracker.metrics.rollups import bulk_rating_writes
from tracker.models import (
    AuditEvent,
    BusinessCalendar,
    CommitmentConsumer,
    CommitmentVersion,
    Department,
    Handoff,
    HandoffEvent,
    Rating,
    RatingReason,
    ServiceCommitment,
    User,
)
from tracker.ratings.window import window

DEPARTMENTS = catalog.DEPARTMENTS
DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented in the README for the demo data
SIGN_IN_EXAMPLES = {
    "admin": "admin@demo.example",
    "leadership": "ceo@demo.example",
    "lead": "lead.it@demo.example",
    "employee": "employee.sales@demo.example",
}
SCALES = ("demo", "large")
SPRING_FESTIVAL = "Chinese New Year (Spring Festival)"
STORIES = {
    "improving": ("IT", "SALES"),
    "degrading": ("PUR", "ENG"),
    "on_time_rated_poorly": "LEGAL",
    "small_pairs": tuple((provider, consumer) for provider, consumer in (("QA", "FAC"), ("EXEC", "MKT"),
                                                                        ("HR", "LEGAL"))),
    "spring_festival": SPRING_FESTIVAL,
}
# How far the Spring Festival reaches around Chinese New Year's day: the holiday itself and the
# backlog before and after it.
SPRING_FESTIVAL_REACH = timedelta(days=14)
# Ratings are possible for this long after delivery (the product's default rating window).
RATING_WINDOW = timedelta(days=30)
# Handoffs delivered this recently have no rating yet: their raters have not got round to it.
UNRATED_RECENT = timedelta(days=3)
MONTH = timedelta(days=30.44)
# A few recent handoffs are forgotten by their provider and stay open past their due time.
STALLED_WITHIN = timedelta(days=45)


class DemoDataExists(RuntimeError):
    """The database already holds departments, so demo data would clash with it."""


@dataclass(frozen=True)
class _Scale:
    months: int
    size_factor: int
    extra_departments: int
    ratings_target: int | None  # None: the volumes of catalog.FLOWS as written
    chunk: int


_SCALES = {
    "demo": _Scale(months=12, size_factor=1, extra_departments=0, ratings_target=None, chunk=20_000),
    "large": _Scale(months=24, size_factor=2, extra_departments=48, ratings_target=1_000_000, chunk=20_000),
}


def database_is_empty() -> bool:
    """True when no department exists yet (a first run)."""
    return db.session.scalar(select(func.count()).select_from(Department)) == 0


def period_end(today: date | None = None) -> datetime:
    """The instant the demo period ends: midnight UTC at the start of `today` (default: now)."""
    day = today or datetime.now(UTC).date()
    return datetime.combine(day, time(0), UTC)


def spring_festivals(first: date, last: date) -> list[date]:
    """Chinese New Year's days (first day of the Spring Festival) of the years from first to last."""
    found = []
    for year in range(first.year - 1, last.year + 2):
        named = holidays.country_holidays("CN", years=year).get_named(SPRING_FESTIVAL, lookup="exact")
        if named:
            found.append(min(named))
    return sorted(found)


def spring_festival_windows(first: date, last: date) -> list[tuple[date, date]]:
    """The stretches of days around each Chinese New Year that overlap [first, last]."""
    windows = [(day - SPRING_FESTIVAL_REACH, day + SPRING_FESTIVAL_REACH) for day in spring_festivals(first, last)]
    return [(lo, hi) for lo, hi in windows if hi >= first and lo <= last]


def demo_period(scale: str = "demo", today: date | None = None) -> tuple[datetime, datetime]:
    """The [start, end) of the handoffs: whole months back from today, holding a whole Spring Festival.

    The period starts on the first day of the month that lies `months` months before the current
    one, so the dashboards' monthly periods are whole, and ends at midnight UTC today.
    """
    end = period_end(today)
    month_index = end.year * 12 + end.month - 1 - _SCALES[scale].months
    start = datetime(month_index // 12, month_index % 12 + 1, 1, tzinfo=UTC)
    past = [lo for lo, hi in spring_festival_windows(start.date() - timedelta(days=400), end.date())
            if hi < end.date()]
    if past and past[-1] < start.date():
        start = datetime.combine(past[-1] - timedelta(days=7), time(0), UTC)
    return start, end


def seed_demo(seed: int = 2026, password: str = DEMO_PASSWORD, scale: str = "demo",
              progress: Callable[[str], None] = print, *, today: date | None = None,
              ratings_target: int | None = None, departments: int | None = None) -> dict[str, int]:
    """Load the demo organisation; the same seed on the same day gives the same data.

    `today` fixes the day the period ends on. `ratings_target` and `departments` shrink the
    large scale (used by its tests); they are ignored for the demo scale.
    """
    if scale not in _SCALES:
        raise ValueError(f"scale: expected one of {', '.join(SCALES)}, got {scale!r}")
    if not database_is_empty():
        raise DemoDataExists("the database already holds departments; demo data needs an empty database")
    settings = _SCALES[scale]
    if scale == "large":
        extra = settings.extra_departments if departments is None else max(0, departments - len(DEPARTMENTS))
        settings = _Scale(settings.months, settings.size_factor, extra,
                          ratings_target or settings.ratings_target, settings.chunk)
    start, end = demo_period(scale, today)
    builder = _Builder(seed, password, settings, start, end, progress)
    # The rows go in through the database driver, past the ORM: the rollups are rebuilt from
    # them once at the end of the block.
    with bulk_rating_writes():
        summary = builder.run()
        db.session.commit()
        progress("demo: rebuilding the metric rollups")
    db.session.commit()
    progress("demo: metric rollups rebuilt; releasing the closed periods")
    released = release_due()
    progress(f"demo: {len(released)} closed periods released")
    if scale == "demo":
        summary["rating requests"] = _request_recent_ratings(end)
        # What the worker writes when periods are released: the digests and alerts of the latest.
        summary["digests and alerts"] = write_digests(released) + alert_drops(released)
        db.session.commit()
    return summary


def _request_recent_ratings(end: datetime) -> int:
    """The requests that deliveries within the rating window before `end` sent, as messages dated at delivery."""
    recent = db.session.scalars(select(Handoff).where(
        Handoff.status == "delivered", Handoff.delivered_at >= end - window(),
        Handoff.requested_by_id.is_not(None)).options(
        selectinload(Handoff.requested_by), selectinload(Handoff.provider), selectinload(Handoff.consumer),
        selectinload(Handoff.version).selectinload(CommitmentVersion.calendar)).order_by(Handoff.delivered_at))
    return sum(len(request_ratings(handoff, at=handoff.delivered_at)) for handoff in recent)


# ---------------------------------------------------------------------------------------------
# Scores


_SCORE_SPREAD = 0.8


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _clamped_mean(centre: float) -> float:
    """Mean of a normal score around `centre`, rounded and clamped to 1..5."""
    total = 0.0
    for score in range(1, 6):
        lo = -math.inf if score == 1 else (score - 0.5 - centre) / _SCORE_SPREAD
        hi = math.inf if score == 5 else (score + 0.5 - centre) / _SCORE_SPREAD
        total += score * (_phi(hi) - _phi(lo))
    return total


@lru_cache(maxsize=1024)
def _centre_for(mean: float) -> float:
    """The centre whose rounded and clamped scores have the wanted mean (bisection)."""
    lo, hi = -3.0, 9.0
    for _ in range(40):
        middle = (lo + hi) / 2
        if _clamped_mean(middle) < mean:
            lo = middle
        else:
            hi = middle
    return (lo + hi) / 2


def _score(rng: random.Random, mean: float) -> int:
    """A 1..5 score whose expected value is `mean` (within 1..5)."""
    centre = _centre_for(round(min(4.9, max(1.1, mean)), 2))
    return min(5, max(1, round(rng.gauss(centre, _SCORE_SPREAD))))


# ---------------------------------------------------------------------------------------------
# Pair behaviour


@dataclass(frozen=True)
class _Profile:
    """How a provider serves a consumer: mean scores and lateness, from the start (t=0) to the end (t=1)."""

    satisfaction: tuple[float, float]
    collaboration: tuple[float, float]
    late: tuple[float, float]
    tags: tuple[str, ...]
    spring_festival: bool = True  # the provider's people are away around Chinese New Year
    comments: tuple[str, ...] = ()

    @staticmethod
    def at(span: tuple[float, float], t: float) -> float:
        """The value at time t: changes turn mid-period (smoothstep), so the first and last months stand apart."""
        return span[0] + (span[1] - span[0]) * t * t * (3 - 2 * t)


_DEFAULT_TAGS = ("late", "incomplete-or-wrong", "not-informed", "unclear-responsibility", "process-too-complex",
                 "tooling-or-system", "hard-to-reach")


def _profile(provider: str, consumer: str, provider_in_china: bool, rng: random.Random) -> _Profile:
    """The story a pair tells, or an ordinary steady service."""
    if (provider, consumer) == STORIES["improving"]:
        return _Profile((2.6, 4.4), (2.7, 4.1), (0.30, 0.05), ("tooling-or-system", "hard-to-reach", "late"))
    if (provider, consumer) == STORIES["degrading"]:
        # Aimed below 2.7: recent late work is often not delivered (so not rated) yet, which lifts the mean.
        return _Profile((4.4, 2.4), (4.2, 2.6), (0.05, 0.35),
                        ("process-too-complex", "not-informed", "unclear-responsibility"))
    if provider == STORIES["on_time_rated_poorly"]:
        return _Profile((2.5, 2.5), (2.3, 2.3), (0.015, 0.015), ("attitude", "hard-to-reach", "not-informed"),
                        spring_festival=provider_in_china, comments=catalog.COMMENTS_ON_TIME_RATED_POORLY)
    satisfaction = rng.uniform(3.5, 4.3)
    drift = rng.uniform(-0.15, 0.15)
    collaboration = satisfaction + rng.uniform(-0.3, 0.2)
    late = rng.uniform(0.04, 0.14)
    return _Profile((satisfaction, satisfaction + drift), (collaboration, collaboration + drift), (late, late),
                    _DEFAULT_TAGS, spring_festival=provider_in_china)


# ---------------------------------------------------------------------------------------------
# The builder


@dataclass
class _Calendar:
    id: int
    spec: CalendarSpec
    zone: ZoneInfo
    minutes: list[tuple[int, int]]  # working intervals in minutes after local midnight
    always: bool


@dataclass
class _Version:
    id: int
    number: int
    amount: Decimal
    unit: str
    calendar: _Calendar
    published_at: datetime


@dataclass
class _Commitment:
    text: CommitmentText
    id: int
    provider: str
    versions: list[_Version] = field(default_factory=list)
    consumers: tuple[str, ...] = ()
    until: datetime | None = None  # retired then

    def version_at(self, instant: datetime) -> _Version:
        current = self.versions[0]
        for version in self.versions:
            if version.published_at <= instant:
                current = version
        return current


@dataclass
class _Flow:
    commitment: _Commitment
    consumer: str
    count: int
    raters: list[int]
    profile: _Profile
    rng: random.Random
    rated_share: float = 0.85  # of delivered handoffs that get any rating


class _Builder:
    """Builds the organisation and streams its handoffs and ratings into the database."""

    def __init__(self, seed: int, password: str, settings: _Scale, start: datetime, end: datetime,
                 progress: Callable[[str], None]) -> None:
        self.seed = seed
        self.password = password
        self.settings = settings
        self.start = start
        self.end = end
        self.progress = progress
        self.rng = random.Random(f"demo-{seed}")
        self.departments: dict[str, int] = {}
        self.in_china: dict[str, bool] = {}
        self.members: dict[str, list[int]] = {}
        self.leads: dict[str, int] = {}
        self.calendars: dict[str, _Calendar] = {}
        self.commitments: dict[str, _Commitment] = {}
        self.demo_employee = 0
        self.external_numbers: dict[str, int] = {}
        self.festivals = spring_festival_windows(start.date(), end.date())
        self.shanghai = ZoneInfo("Asia/Shanghai")
        self.counts = {"departments": 0, "people": 0, "calendars": 0, "commitments": 0}

    def run(self) -> dict[str, int]:
        self._calendars()
        self._organisation()
        self._commitments()
        flows = self._flows()
        written = self._handoffs(flows)
        reset_sequences([Department.__table__, User.__table__, BusinessCalendar.__table__,
                         ServiceCommitment.__table__, CommitmentVersion.__table__, Handoff.__table__,
                         HandoffEvent.__table__, Rating.__table__, AuditEvent.__table__])
        summary = dict(self.counts)
        summary.update(handoffs=written["handoffs"], events=written["handoff_events"], ratings=written["ratings"],
                       reasons=written["rating_reasons"])
        return summary

    # -- calendars, departments, people --------------------------------------------------------

    def _calendars(self) -> None:
        first = next_id(BusinessCalendar.__table__)
        rows = []
        for offset, plain in enumerate(catalog.CALENDARS):
            spec = CalendarSpec.from_plain(plain["timezone"], plain["weekdays"], plain["hours"],
                                           country=plain["country"], subdivision=plain["subdivision"])
            minutes = [(_minutes(a), 24 * 60 if b == "24:00" else _minutes(b)) for a, b in plain["hours"]]
            self.calendars[plain["key"]] = _Calendar(first + offset, spec, ZoneInfo(plain["timezone"]), minutes,
                                                     always=minutes == [(0, 24 * 60)] and len(plain["weekdays"]) == 7)
            stamp = self.start - timedelta(days=60)
            rows.append((first + offset, plain["name"], plain["timezone"], plain["weekdays"], plain["hours"],
                         plain["country"], plain["subdivision"], [], [], stamp, stamp))
        insert_rows(BusinessCalendar.__table__, ("id", "name", "timezone", "weekdays", "hours", "country",
                                                 "subdivision", "closures", "extra_working_days", "created_at",
                                                 "updated_at"), rows)
        self.counts["calendars"] = len(rows)

    def _department_list(self) -> list[tuple[str, str, str, bool, int]]:
        """(code, name, Chinese name, in China, people) of every department of this scale."""
        factor = self.settings.size_factor
        found = [(code, name, name_zh, code not in catalog.US_DEPARTMENTS, catalog.DEPARTMENT_SIZES[code] * factor)
                 for code, name, name_zh in DEPARTMENTS]
        generated = [(f"{city}-{unit}", f"{city_name} {unit_name}", f"{city_zh}{unit_zh}", china, 21)
                     for city, city_name, city_zh, china in _CITIES for unit, unit_name, unit_zh in _UNITS]
        return found + generated[: self.settings.extra_departments]

    def _organisation(self) -> None:
        first_department = next_id(Department.__table__)
        first_user = next_id(User.__table__)
        password_hash = generate_password_hash(self.password, method=PASSWORD_METHOD)
        stamp = self.start - timedelta(days=60)
        departments, users = [], []
        user_id = first_user

        def person(email: str, name: str, role: str, department_id: int | None) -> int:
            nonlocal user_id
            users.append((user_id, email, name, password_hash, department_id, role, None, True, stamp))
            user_id += 1
            return user_id - 1

        person(SIGN_IN_EXAMPLES["admin"], "Administrator", "admin", None)
        for offset, (code, name, name_zh, china, size) in enumerate(self._department_list()):
            department_id = first_department + offset
            departments.append((department_id, code, name, name_zh, True, stamp))
            self.departments[code] = department_id
            self.in_china[code] = china
            lower = code.lower()
            members = []
            if code == "EXEC":
                person(SIGN_IN_EXAMPLES["leadership"], "Chief Executive", "leadership", department_id)
                members.append(person("coo@demo.example", "Chief Operating Officer", "leadership", department_id))
                size -= 2
            lead = person(f"lead.{lower}@demo.example", self._name(), "lead", department_id)
            self.leads[code] = lead
            members.append(lead)
            for i in range(1, size):
                email = f"employee{'' if i == 1 else i}.{lower}@demo.example"
                members.append(person(email, self._name(), "employee", department_id))
                if email == SIGN_IN_EXAMPLES["employee"]:
                    self.demo_employee = members[-1]
            self.members[code] = members
        insert_rows(Department.__table__, ("id", "code", "name", "name_zh", "active", "created_at"), departments)
        insert_rows(User.__table__, ("id", "email", "display_name", "password_hash", "department_id", "role",
                                     "locale", "active", "created_at"), users)
        self.counts["departments"] = len(departments)
        self.counts["people"] = len(users)
        self.progress(f"demo: {len(departments)} departments, {len(users)} people")

    def _name(self) -> str:
        return f"{self.rng.choice(catalog.GIVEN_NAMES)} {self.rng.choice(catalog.FAMILY_NAMES)}"

    # -- commitments ---------------------------------------------------------------------------

    def _commitment_texts(self) -> list[CommitmentText]:
        texts = list(catalog.COMMITMENTS)
        for code, *_ in self._department_list()[len(DEPARTMENTS):]:
            unit = code.split("-", 1)[1]
            for index, (title, amount, unit_name) in enumerate(_UNIT_COMMITMENTS[unit]):
                texts.append(CommitmentText(
                    f"{code.lower()}-{index}", code, title,
                    f"{title}, for every department that asks.", "A complete request with a contact person.",
                    amount, unit_name, titles=(f"{title}: {{campaign}}", f"{title} for {{person}}"),
                ))
        return texts

    def _commitments(self) -> None:
        first_commitment = next_id(ServiceCommitment.__table__)
        version_id = next_id(CommitmentVersion.__table__)
        audit_id = next_id(AuditEvent.__table__)
        commitments, versions, consumers, audits = [], [], [], []
        span = self.end - self.start
        for offset, text in enumerate(self._commitment_texts()):
            commitment_id = first_commitment + offset
            owner = self.leads[text.provider]
            calendar = self.calendars[text.calendar or ("cn" if self.in_china[text.provider] else "us")]
            created = self.start - timedelta(days=45 + offset % 7)
            retired_at = self.start + span * text.retired_at if text.retired_at is not None else None
            commitment = _Commitment(text, commitment_id, text.provider, consumers=text.consumers, until=retired_at)
            commitments.append((commitment_id, self.departments[text.provider], text.status, created, owner,
                                retired_at))
            drafts = [(text.amount, text.title, created + timedelta(days=2))]
            if text.revised_from is not None:
                old_amount, old_title, when = text.revised_from
                revised = _at_nine(self.start + span * when)
                drafts = [(old_amount, old_title, created + timedelta(days=2)), (text.amount, text.title, revised)]
            for number, (amount, title, published) in enumerate(drafts, start=1):
                published_at = None if text.status == "draft" else published
                versions.append((version_id, commitment_id, number, title, text.description, text.needs,
                                 not text.consumers, Decimal(amount), text.unit, Decimal(text.attainment),
                                 Decimal(text.satisfaction), calendar.id, text.cadence, owner,
                                 created if number == 1 else published, published_at,
                                 owner if published_at else None))
                consumers.extend((version_id, self.departments[code]) for code in text.consumers)
                if published_at is not None:
                    action = "commitment.publish" if number == 1 else "commitment.revise"
                    audits.append((audit_id, published_at, owner, action, "ServiceCommitment", commitment_id,
                                   {"version": number}))
                    audit_id += 1
                commitment.versions.append(_Version(version_id, number, Decimal(amount), text.unit, calendar,
                                                    published_at or published))
                version_id += 1
            if retired_at is not None:
                audits.append((audit_id, retired_at, owner, "commitment.retire", "ServiceCommitment", commitment_id,
                               {}))
                audit_id += 1
            self.commitments[text.key] = commitment
        insert_rows(ServiceCommitment.__table__, ("id", "provider_id", "status", "created_at", "created_by_id",
                                                  "retired_at"), commitments)
        insert_rows(CommitmentVersion.__table__, (
            "id", "commitment_id", "number", "title", "description", "needs_from_consumer", "all_consumers",
            "target_amount", "target_unit", "attainment_target", "satisfaction_target", "calendar_id",
            "review_cadence", "owner_id", "created_at", "published_at", "published_by_id"), versions)
        insert_rows(CommitmentConsumer.__table__, ("version_id", "department_id"), consumers)
        insert_rows(AuditEvent.__table__, ("id", "at", "actor_id", "action", "target_type", "target_id", "details"),
                    audits)
        self.counts["commitments"] = len(commitments)

    # -- flows: who asks whom for what, how often ---------------------------------------------

    def _flow(self, key: str, consumer: str, count: int, raters: list[int] | None = None) -> _Flow:
        commitment = self.commitments[key]
        rng = random.Random(f"demo-{self.seed}-{key}-{consumer}")
        profile = _profile(commitment.provider, consumer, self.in_china[commitment.provider], rng)
        return _Flow(commitment, consumer, count, raters or self.members[consumer], profile, rng)

    def _flows(self) -> list[_Flow]:
        months = (self.end - self.start) / MONTH
        factor = self.settings.size_factor
        flows = [self._flow(key, consumer, round(per_month * months * factor))
                 for key, consumer, per_month in catalog.FLOWS]
        for key, consumer, count, raters in catalog.SMALL_FLOWS:
            pool = random.Random(f"demo-{self.seed}-{key}-pool").sample(self.members[consumer], raters)
            flow = self._flow(key, consumer, count, pool)
            flow.rated_share = 1.0  # so few that each is rated, or the pair would vanish altogether
            flows.append(flow)
        generated = [code for code, *_ in self._department_list()[len(DEPARTMENTS):]]
        if generated:
            small = {(self.commitments[key].provider, consumer) for key, consumer, *_ in catalog.SMALL_FLOWS}
            open_to_all = [c for c in self.commitments.values()
                           if not c.consumers and c.text.status == "published"]
            taken = {(key, consumer) for key, consumer, *_ in catalog.FLOWS}
            for consumer in [code for code, *_ in DEPARTMENTS] + generated:
                rng = random.Random(f"demo-{self.seed}-providers-{consumer}")
                choices = [c for c in open_to_all if c.provider != consumer and (c.provider, consumer) not in small
                           and (c.text.key, consumer) not in taken]
                for commitment in rng.sample(choices, min(10, len(choices))):
                    flows.append(self._flow(commitment.text.key, consumer, round(rng.uniform(4, 12) * months)))
        if self.settings.ratings_target is not None:
            flows = self._scaled(flows)
        return flows

    @staticmethod
    def _ordinary(flows: list[_Flow]) -> list[_Flow]:
        """The flows that are not kept small on purpose."""
        small = {(key, consumer) for key, consumer, *_ in catalog.SMALL_FLOWS}
        return [f for f in flows if (f.commitment.text.key, f.consumer) not in small]

    def _scaled(self, flows: list[_Flow]) -> list[_Flow]:
        """Scale the ordinary flows so that the ratings reach the target (small pairs stay small)."""
        ordinary = self._ordinary(flows)
        # About 0.85 x 1.38 ratings per handoff; aim a little high, then top up if short.
        wanted = self.settings.ratings_target / 1.1
        total = sum(f.count for f in ordinary) or 1
        for f in ordinary:
            f.count = max(1, round(f.count * wanted / total))
        return flows

    # -- handoffs, events, ratings -------------------------------------------------------------

    def _handoffs(self, flows: list[_Flow]) -> dict[str, int]:
        target = self.settings.ratings_target
        next_report = [max(10_000, (target or 0) // 10)]

        def report(written: dict[str, int]) -> None:
            if target and written["ratings"] >= next_report[0]:
                self.progress(f"demo: {written['handoffs']:,} handoffs, {written['ratings']:,} ratings written")
                next_report[0] += max(10_000, target // 10)

        buffer = RowBuffer([(Handoff.__table__, _HANDOFF_COLUMNS), (HandoffEvent.__table__, _EVENT_COLUMNS),
                            (Rating.__table__, _RATING_COLUMNS), (RatingReason.__table__, _REASON_COLUMNS)],
                           self.settings.chunk, report)
        self.ids = {name: next_id(table) for name, table in (
            ("handoff", Handoff.__table__), ("event", HandoffEvent.__table__), ("rating", Rating.__table__))}
        self.ratings_made = 0
        for flow in flows:
            for _ in range(flow.count):
                self._handoff(flow, buffer)
        # Top up the large scale until the ratings reach their target.
        index = 0
        ordinary = self._ordinary(flows)
        while target is not None and self.ratings_made < target:
            self._handoff(ordinary[index % len(ordinary)], buffer)
            index += 1
        buffer.flush()
        self.progress(f"demo: {buffer.written['handoffs']:,} handoffs, {buffer.written['ratings']:,} ratings")
        return buffer.written

    def _handoff(self, flow: _Flow, buffer: RowBuffer) -> None:
        rng = flow.rng
        commitment = flow.commitment
        first = max(self.start, commitment.versions[0].published_at)
        last = commitment.until or self.end
        calendar = commitment.versions[0].calendar
        requested = self._working_instant(rng, calendar, first, last)
        version = commitment.version_at(requested)
        spec = calendar.spec
        amount = float(version.amount)
        unit = version.unit
        t = (requested - self.start) / (self.end - self.start)
        profile = flow.profile
        festive = profile.spring_festival and self._in_spring_festival(requested)
        base_late = profile.at(profile.late, t)
        late = rng.random() < (max(base_late, 0.6) if festive else base_late)

        pause = None
        if rng.random() < 0.08:
            share = rng.uniform(0.1, 0.5)
            pause_start = due_at(requested, amount * share, unit, spec)
            pause = (pause_start, pause_start + timedelta(hours=rng.uniform(2, 72)), share)
        pauses = [(pause[0], pause[1])] if pause else []
        due = due_at(requested, amount, unit, spec, pauses)
        # Where in the target the work is done: before its end when on time, after it when late.
        share = 1 + rng.uniform(0.3, 2.0 if festive else 0.8) if late else rng.uniform(0.2, 0.97)
        if pause:
            share = max(share, pause[2] + 0.02)
        delivered = due_at(requested, amount * share, unit, spec, pauses)
        if requested >= self.end - STALLED_WITHIN and rng.random() < 0.05:
            delivered = self.end + timedelta(days=365)  # forgotten: still open, soon past due
        cancelled = None
        if rng.random() < 0.03:
            cancelled = due_at(requested, amount * rng.uniform(0.1, 0.5), unit, spec)
            if cancelled >= self.end:
                cancelled = None

        requester = rng.choice(flow.raters)
        provider_people = self.members[commitment.provider]
        worker = rng.choice(provider_people)
        handoff_id = self.ids["handoff"]
        self.ids["handoff"] += 1
        events = [("request", requested, None, requester)]
        status, delivered_at, cancelled_at = "open", None, None
        if cancelled is not None:
            status, cancelled_at = "cancelled", cancelled
            events.append(("cancel", cancelled, None, requester))
            pauses = []
        else:
            if pause and pause[0] < self.end:
                events.append(("pause", pause[0], rng.choice(_PAUSE_REASONS), worker))
                if pause[1] < self.end:
                    events.append(("resume", pause[1], None, worker))
                else:
                    status = "paused"
                    pauses = []
            else:
                pauses = []
            if delivered < self.end:
                status, delivered_at = "delivered", delivered
                events.append(("deliver", delivered, None, worker))
        if not pauses and pause:
            due = due_at(requested, amount, unit, spec)
        source = commitment.text.source
        external_source = external_ref = None
        if source is not None and rng.random() < 0.6:
            number = self.external_numbers.get(source[0], 10_000) + 1
            self.external_numbers[source[0]] = number
            external_source, external_ref = source[0], f"{source[1]}{number}"
        title = self._title(rng, commitment.text)
        updated = events[-1][1]
        buffer.add("handoffs", (handoff_id, version.id, self.departments[commitment.provider],
                                self.departments[flow.consumer], title, external_source, external_ref, requester,
                                requested, due, delivered_at, cancelled_at, status, requested, updated))
        for kind, at, reason, by in events:
            buffer.add("handoff_events", (self.ids["event"], handoff_id, kind, at, reason, by, at))
            self.ids["event"] += 1
        if delivered_at is not None:
            self._ratings(flow, buffer, handoff_id, requester, delivered_at, late, base_late, festive, t)

    def _ratings(self, flow: _Flow, buffer: RowBuffer, handoff_id: int, requester: int, delivered: datetime,
                 late: bool, base_late: float, festive: bool, t: float) -> None:
        rng = flow.rng
        if delivered >= self.end - UNRATED_RECENT or rng.random() > flow.rated_share:
            return
        count = 1 if rng.random() < 0.7 else (2 if rng.random() < 0.75 else 3)
        raters = [requester] + [r for r in rng.sample(flow.raters, min(len(flow.raters), count + 1)) if r != requester]
        profile = flow.profile
        lateness = (1 if late else 0) - base_late
        satisfaction_mean = profile.at(profile.satisfaction, t) - 0.9 * lateness - (0.8 if festive else 0)
        collaboration_mean = profile.at(profile.collaboration, t) - 0.4 * lateness - (0.5 if festive else 0)
        provider = self.departments[flow.commitment.provider]
        consumer = self.departments[flow.consumer]
        for rater in raters[:count]:
            created = delivered + timedelta(hours=min(24 * 25, 0.5 + rng.expovariate(1 / 30)))
            if created >= self.end:
                continue
            if rater == self.demo_employee and delivered >= self.end - RATING_WINDOW:
                continue
            satisfaction = _score(rng, satisfaction_mean)
            collaboration = _score(rng, collaboration_mean)
            comment = None
            if rng.random() < 0.2:
                if satisfaction <= 2 and profile.comments:
                    comment = rng.choice(profile.comments)
                else:
                    pool = catalog.COMMENTS_LOW if satisfaction <= 2 else (
                        catalog.COMMENTS_MID if satisfaction == 3 else catalog.COMMENTS_HIGH)
                    comment = rng.choice(pool)
            rating_id = self.ids["rating"]
            self.ids["rating"] += 1
            buffer.add("ratings", (rating_id, handoff_id, rater, rater, provider, consumer, satisfaction,
                                   collaboration, comment, created, created))
            self.ratings_made += 1
            if min(satisfaction, collaboration) <= 2:
                tags = set()
                if late and rng.random() < 0.8:
                    tags.add("late")
                tags.update(rng.sample(profile.tags, 1 if rng.random() < 0.6 else 2))
                for tag in sorted(tags):
                    buffer.add("rating_reasons", (rating_id, tag))

    # -- small helpers -------------------------------------------------------------------------

    def _working_instant(self, rng: random.Random, calendar: _Calendar, first: datetime, last: datetime) -> datetime:
        """A random instant in working time of the calendar within [first, last)."""
        lo = first.astimezone(calendar.zone).date().toordinal()
        hi = last.astimezone(calendar.zone).date().toordinal()
        for _ in range(1000):
            day = date.fromordinal(rng.randint(lo, hi))
            if not calendar.always and not calendar.spec.is_working_day(day):
                continue
            total = sum(b - a for a, b in calendar.minutes)
            minute = rng.randrange(total)
            for a, b in calendar.minutes:
                if minute < b - a:
                    minute += a
                    break
                minute -= b - a
            local = datetime.combine(day, time(minute // 60, minute % 60), calendar.zone)
            instant = local.astimezone(UTC)
            if first <= instant < last:
                return instant
        raise ValueError("no working time in the demo period")

    def _in_spring_festival(self, instant: datetime) -> bool:
        day = instant.astimezone(self.shanghai).date()
        return any(lo <= day <= hi for lo, hi in self.festivals)

    def _title(self, rng: random.Random, text: CommitmentText) -> str:
        pattern = rng.choice(text.titles) if text.titles else text.title
        values = {}
        for name in _FIELD.findall(pattern):
            if name == "person":
                values[name] = self._name_from(rng)
            elif name == "number":
                values[name] = str(rng.randint(1000, 99999))
            elif name == "room":
                values[name] = f"{rng.randint(1, 12)}{rng.randint(1, 40):02d}"
            else:
                values[name] = rng.choice(catalog.FILLERS[name])
        return pattern.format(**values)

    @staticmethod
    def _name_from(rng: random.Random) -> str:
        return f"{rng.choice(catalog.GIVEN_NAMES)} {rng.choice(catalog.FAMILY_NAMES)}"


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _at_nine(instant: datetime) -> datetime:
    """The same UTC day at 01:00 (09:00 in Shanghai): when revisions are published."""
    return datetime.combine(instant.date(), time(1), UTC)


_FIELD = re.compile(r"{(\w+)}")
_PAUSE_REASONS = ("waiting_on_consumer", "waiting_on_consumer", "waiting_on_third_party")
_HANDOFF_COLUMNS = ("id", "commitment_version_id", "provider_id", "consumer_id", "title", "external_source",
                    "external_ref", "requested_by_id", "requested_at", "due_at", "delivered_at", "cancelled_at",
                    "status", "created_at", "updated_at")
_EVENT_COLUMNS = ("id", "handoff_id", "kind", "at", "reason", "by_id", "created_at")
_RATING_COLUMNS = ("id", "handoff_id", "rater_id", "rater_key", "provider_id", "consumer_id", "satisfaction",
                   "collaboration", "comment", "created_at", "updated_at")
_REASON_COLUMNS = ("rating_id", "tag")

# The large scale's regional departments: cities x units.
_CITIES = (
    ("SH", "Shanghai", "上海", True), ("BJ", "Beijing", "北京", True), ("SZ", "Shenzhen", "深圳", True),
    ("GZ", "Guangzhou", "广州", True), ("CD", "Chengdu", "成都", True), ("HZ", "Hangzhou", "杭州", True),
    ("NY", "New York", "纽约", False), ("CHI", "Chicago", "芝加哥", False),
)
_UNITS = (
    ("SALES", "Sales", "销售部"), ("SVC", "Customer Service", "客户服务部"), ("LOG", "Logistics", "物流部"),
    ("WH", "Warehouse", "仓储部"), ("FIN", "Finance", "财务部"), ("HR", "Human Resources", "人力资源部"),
)
_UNIT_COMMITMENTS = {
    "SALES": (("Regional forecast submitted", "3", "business_days"), ("Customer visit report", "2", "business_days")),
    "SVC": (("Customer complaint escalated", "4", "business_hours"), ("Return authorised", "2", "business_days")),
    "LOG": (("Shipment booked", "2", "business_days"), ("Delivery status answered", "4", "business_hours")),
    "WH": (("Stock transfer picked", "1", "business_days"), ("Inventory count", "5", "business_days")),
    "FIN": (("Regional invoices paid", "5", "business_days"), ("Petty cash replenished", "3", "business_days")),
    "HR": (("Local employment contract issued", "3", "business_days"), ("Leave balance corrected", "2",
                                                                         "business_days")),
}
