"""Configuration classes; every setting comes from a TRACKER_* environment variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))
MIN_SECRET_KEY_LENGTH = 32
MIN_CONFIDENTIALITY_K = 3
# Reading an open handoff walks its calendar from the due time to now; five years stay inside
# the per-calendar memo of working days (tracker/calendars/timecalc.py DAY_MEMO_SIZE).
MAX_LEAD_BACKDATE_DAYS = 5 * 366
# Chat services a channel may use by default: team chat (Slack, Teams workflows, DingTalk, Feishu,
# Lark, WeCom, Mattermost, Rocket.Chat, Zulip, Discord, Google Chat, Matrix) and generic webhooks.
CHAT_SCHEMES = ("slack", "workflows", "workflow", "dingtalk", "feishu", "lark", "wecombot", "mmost",
                "mmosts", "rocket", "rockets", "zulip", "discord", "gchat", "matrix", "matrixs", "json", "jsons")


class ConfigError(RuntimeError):
    """The configuration would make the application unsafe or unusable."""


def _env_number(name: str, default, parse, what: str):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be {what}, got {raw!r}") from exc


def _env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "a whole number")


def _env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def _env_days(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"{name} must be whole numbers of days separated by commas, got {raw!r}") from exc


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return tuple(dict.fromkeys(item.strip().lower() for item in raw.split(",") if item.strip()))


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret_key() -> str:
    """Return the development secret key kept under instance/, creating it once.

    Every worker and every restart reads the same file, so sessions and CSRF tokens
    survive restarts and work across gunicorn workers.
    """
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # imports of 100,000 rows fit; larger bodies get 413

    API_TITLE = "Service-level tracker API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            }
        },
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    }

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which has its own timeouts
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 0

    BOOTSTRAP_SERVE_LOCAL = True
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh")

    def __init__(self) -> None:
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TRACKER_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite'}"
        )
        self.SECRET_KEY = os.environ.get("TRACKER_SECRET_KEY") or None
        self.CONFIDENTIALITY_K = _env_int("TRACKER_CONFIDENTIALITY_K", 5)
        self.COMPANY_TIMEZONE = os.environ.get("TRACKER_COMPANY_TIMEZONE", "Asia/Shanghai")
        self.RATING_WINDOW_DAYS = _env_int("TRACKER_RATING_WINDOW_DAYS", 30)
        # Who may rate a delivered handoff: any member of the consumer department ("department"), or
        # only those it asked, its requester and participants ("asked").
        self.RATING_BY = os.environ.get("TRACKER_RATING_BY") or "department"
        # Days after a rating request when someone who has not rated is reminded: at most two.
        self.REMINDER_DAYS = _env_days("TRACKER_REMINDER_DAYS", (3, 7))
        # Rating requests one person gets in seven days, across all providers; reminders count too.
        self.REQUESTS_PER_WEEK = _env_int("TRACKER_REQUESTS_PER_WEEK", 10)
        # Of a person's further requests about one commitment within the rating window, the share
        # that is sent (the first is always sent): 1 asks about every handoff.
        self.SAMPLE_RATE = _env_float("TRACKER_SAMPLE_RATE", 1.0)
        # Mail and chat wait for the recipient's working time (tracker/messages/quiet.py).
        self.QUIET_HOURS = _env_bool("TRACKER_QUIET_HOURS", True)
        # A closed period is released this long after it ends (writes begun before the end finish first).
        self.RELEASE_DELAY_MINUTES = _env_int("TRACKER_RELEASE_DELAY_MINUTES", 15)
        # How far back a request or event time may be dated: by anyone, and by the provider's lead,
        # administrators and imports (audited); see tracker/handoffs/fairness.py.
        self.BACKDATE_DAYS = _env_int("TRACKER_BACKDATE_DAYS", 3)
        self.LEAD_BACKDATE_DAYS = _env_int("TRACKER_LEAD_BACKDATE_DAYS", 730)
        self.SESSION_IDLE_MINUTES = _env_int("TRACKER_SESSION_IDLE_MINUTES", 60)
        self.SESSION_ABSOLUTE_HOURS = _env_int("TRACKER_SESSION_ABSOLUTE_HOURS", 12)
        self.REDIS_URL = os.environ.get("TRACKER_REDIS_URL") or None
        # Failed sign-ins; counted in Redis when REDIS_URL is set, else per process (memory).
        self.RATE_LIMITS_ENABLED = _env_bool("TRACKER_RATE_LIMITS_ENABLED", True)
        self.LOGIN_RATE_LIMIT_ADDRESS = os.environ.get("TRACKER_LOGIN_RATE_LIMIT_ADDRESS", "10 per minute")
        self.LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("TRACKER_LOGIN_RATE_LIMIT_ACCOUNT", "5 per minute")
        self.RATE_LIMIT_KEY_PREFIX = os.environ.get("TRACKER_RATE_LIMIT_KEY_PREFIX", "tracker")
        self.SESSION_COOKIE_SECURE = _env_bool("TRACKER_SECURE_COOKIES", False)
        self.TRUSTED_PROXIES = _env_int("TRACKER_TRUSTED_PROXIES", 0)
        self.LOG_LEVEL = os.environ.get("TRACKER_LOG_LEVEL", "INFO")
        # Where links in messages point: the address people open the tracker at.
        self.BASE_URL = (os.environ.get("TRACKER_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
        # smtp://host:port, smtp+starttls://user:password@host:587 or smtps://...; unset keeps every
        # message in the app (each person reads their own on the messages page).
        self.MAIL_URL = os.environ.get("TRACKER_MAIL_URL") or None
        self.MAIL_FROM = os.environ.get("TRACKER_MAIL_FROM") or "Service-level tracker <tracker@localhost>"
        self.MAIL_MAX_ATTEMPTS = _env_int("TRACKER_MAIL_MAX_ATTEMPTS", 8)
        # A message claimed by a worker that died is sent again after this long (with the same Message-ID).
        self.MAIL_LEASE_SECONDS = _env_int("TRACKER_MAIL_LEASE_SECONDS", 300)
        self.MAIL_BATCH_SIZE = _env_int("TRACKER_MAIL_BATCH_SIZE", 200)
        # The chat services a department's channel may use (apprise URL schemes; TRACKER_CHAT_SCHEMES,
        # comma-separated, narrows or widens the list).
        self.CHAT_SCHEMES = _env_list("TRACKER_CHAT_SCHEMES", CHAT_SCHEMES)
        # The job queue: huey on SQLite under instance/, or on Redis when REDIS_URL is set.
        self.JOBS_PATH = os.environ.get("TRACKER_JOBS_PATH") or str(INSTANCE_DIR / "jobs.sqlite")
        self.JOBS_ENQUEUE = _env_bool("TRACKER_JOBS_ENQUEUE", True)

    def finalize(self) -> None:
        """Fill derived settings and refuse unsafe ones."""
        if self.CONFIDENTIALITY_K < MIN_CONFIDENTIALITY_K:
            raise ConfigError(
                f"TRACKER_CONFIDENTIALITY_K must be at least {MIN_CONFIDENTIALITY_K}, got {self.CONFIDENTIALITY_K}"
            )
        if not 1 <= self.RELEASE_DELAY_MINUTES <= 24 * 60:
            raise ConfigError("TRACKER_RELEASE_DELAY_MINUTES must be between 1 and 1440")
        if self.RATING_WINDOW_DAYS < 1:
            raise ConfigError("TRACKER_RATING_WINDOW_DAYS must be at least 1")
        days = tuple(self.REMINDER_DAYS)
        if len(days) > 2 or list(days) != sorted(set(days)) or any(not 1 <= d < self.RATING_WINDOW_DAYS for d in days):
            raise ConfigError("TRACKER_REMINDER_DAYS must be at most two different days, in order, each at least 1 and "
                              "within the rating window (TRACKER_RATING_WINDOW_DAYS); empty sends no reminder")
        if self.RATING_BY not in ("department", "asked"):
            raise ConfigError(f"TRACKER_RATING_BY must be department or asked, got {self.RATING_BY!r}")
        if not 0 < self.SAMPLE_RATE <= 1:
            raise ConfigError(f"TRACKER_SAMPLE_RATE must be above 0 and at most 1, got {self.SAMPLE_RATE}")
        if self.REQUESTS_PER_WEEK < 1:
            raise ConfigError("TRACKER_REQUESTS_PER_WEEK must be at least 1")
        if not 0 <= self.BACKDATE_DAYS <= self.LEAD_BACKDATE_DAYS <= MAX_LEAD_BACKDATE_DAYS:
            raise ConfigError("TRACKER_BACKDATE_DAYS must be at least 0, TRACKER_LEAD_BACKDATE_DAYS at least as "
                              f"large and at most {MAX_LEAD_BACKDATE_DAYS}")
        if self.MAIL_URL:
            from tracker.messages.mail import parse_mail_url

            parse_mail_url(self.MAIL_URL)  # refuses a malformed address at start-up, naming it
        if self.MAIL_MAX_ATTEMPTS < 1 or self.MAIL_LEASE_SECONDS < 1 or self.MAIL_BATCH_SIZE < 1:
            raise ConfigError("TRACKER_MAIL_MAX_ATTEMPTS, TRACKER_MAIL_LEASE_SECONDS and TRACKER_MAIL_BATCH_SIZE "
                              "must be at least 1")
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret_key()


class DevelopmentConfig(Config):
    """One machine, SQLite under instance/, a generated secret key kept on disk."""


class ProductionConfig(Config):
    """PostgreSQL behind a load balancer; refuses to start when misconfigured."""

    ENV_NAME = "production"

    def finalize(self) -> None:
        if not self.SECRET_KEY or len(self.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"TRACKER_SECRET_KEY must be set to a random string of at least {MIN_SECRET_KEY_LENGTH} characters"
            )
        if len(set(self.SECRET_KEY)) < 10:
            raise ConfigError("TRACKER_SECRET_KEY is too weak: use a random string")
        if _env_bool("TRACKER_DEBUG", False) or _env_bool("FLASK_DEBUG", False):
            raise ConfigError("debug mode must be off in production")
        super().finalize()


class TestingConfig(Config):
    """Tests: a throwaway database given by the test fixtures."""

    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key-" + "x" * 32
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TRACKER_TEST_DATABASE_URL", "sqlite://")
        self.MAIL_URL = os.environ.get("TRACKER_TEST_MAIL_URL") or None  # never a developer's own server
        self.JOBS_ENQUEUE = False  # tests run the worker's functions themselves, or a worker of their own
        self.QUIET_HOURS = _env_bool("TRACKER_QUIET_HOURS", False)  # mail at any hour, unless a test says otherwise


CONFIGS = {"development": DevelopmentConfig, "production": ProductionConfig, "testing": TestingConfig}


def load_config(name: str | None = None) -> Config:
    """Build the configuration named by TRACKER_ENV (development by default)."""
    name = name or os.environ.get("TRACKER_ENV", "development")
    try:
        config = CONFIGS[name]()
    except KeyError as exc:
        raise ConfigError(f"TRACKER_ENV must be one of {', '.join(CONFIGS)}, got {name!r}") from exc
    return config
