"""Settings, read from the environment. `APP_ENV` picks the class: development (default),
production or testing. Settings are upper case and grouped by prefix (LABELS_*, IMPORT_*, ...)."""

import os
from datetime import timedelta


def database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means "SQLite under instance/", filled in by create_app once the instance path is known.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", "")) or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    TAG_PREFIX = os.environ.get("TAG_PREFIX", "INV-")
    TAG_DIGITS = int(os.environ.get("TAG_DIGITS", "6"))

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    NOT_SEEN_MONTHS = int(os.environ.get("NOT_SEEN_MONTHS", "12"))  # "forgotten" after this
    PHOTOS_MAX_PER_ITEM = 12
    PHOTOS_MAX_PER_USER_PER_DAY = 200
    PHOTOS_MAX_BYTES_PER_USER = 1_000_000_000  # stored after downscaling, about 3,000 photos
    PHOTOS_MAX_PIXELS = 40_000_000
    # Bytes of decoded photos a process holds at once (a 40-megapixel photo takes 160-240 MB
    # while it is reduced); an upload waits for its share, one larger than all is refused.
    PHOTOS_DECODE_BUDGET = int(os.environ.get("PHOTOS_DECODE_BUDGET_MB", "512")) * 1024 * 1024
    PHOTOS_FULL_SIZE = 1600
    PHOTOS_THUMB_SIZE = 480

    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "50")) * 1024 * 1024
    IMPORT_JOB_STALL_SECONDS = 300  # a job silent this long died with its worker
    # Tasks the background worker runs at once (checks, imports, undos; mail and the tick go
    # first); the others wait their turn on the queue.
    IMPORT_MAX_JOBS = int(os.environ.get("IMPORT_MAX_JOBS", "2"))
    EXPORT_XLSX_MAX_ROWS = int(os.environ.get("EXPORT_XLSX_MAX_ROWS", "50000"))  # CSV: no limit
    IMPORT_WAIT_SECONDS = 2.0  # the page waits this long for a job, so small files need no reload

    # E-mail of notifications through SMTP; no MAIL_SERVER, no mail (the inbox still works).
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "0")) or None  # None: 465 with SSL, else 25
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")

    # Background tasks run at once in the caller instead of in the worker (app/background.py).
    BACKGROUND_IMMEDIATE = False

    ITEMS_PER_PAGE = 50
    # Browser packages installed from the npm registry by `make install` (app/vendor.py).
    VENDOR_DIR = os.environ.get(
        "VENDOR_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_modules")
    )
    # Behind a reverse proxy: how many proxies' X-Forwarded-For to trust for the client's
    # address (login throttle, public rate limits); 0 trusts none, so no header can forge it.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # The outside tiers: partner pages, the public market and the interest form.
    REUSE_PUBLIC_PER_PAGE = 24
    REUSE_PUBLIC_MAX_PER_MINUTE = int(os.environ.get("REUSE_PUBLIC_MAX_PER_MINUTE", "120"))
    # The worker ticks the ladder and its reminders this often, in whole minutes (0: only cron).
    REUSE_TICK_SECONDS = int(os.environ.get("REUSE_TICK_SECONDS", "300"))
    REUSE_INTEREST_MAX_PER_HOUR = int(os.environ.get("REUSE_INTEREST_MAX_PER_HOUR", "5"))
    REUSE_INTEREST_MAX_PER_LISTING_PER_DAY = int(
        os.environ.get("REUSE_INTEREST_MAX_PER_LISTING_PER_DAY", "30")
    )
    REUSE_INTEREST_MIN_SECONDS = 3  # a form sent back faster was not filled in by a person
    REUSE_INTEREST_MAX_AGE = 4 * 3600  # seconds a shown form stays valid
    # Repair jobs: the days a job may stay in each state before it is overdue, and how long a
    # partner's link to a job lives.
    REPAIR_LIMIT_DAYS = {"sent": 5, "quoted": 5, "approved": 14, "repaired": 3}
    REPAIR_LINK_DAYS = int(os.environ.get("REPAIR_LINK_DAYS", "60"))
    # Failed logins (app/auth/throttle.py). One account from one address: LOGIN_FREE_FAILURES,
    # then a wait of LOGIN_FIRST_DELAY, doubled with each further failure up to LOGIN_MAX_DELAY.
    # An address with LOGIN_ADDRESS_LIMIT failures (at any accounts) in LOGIN_ADDRESS_WINDOW
    # has no free failures. An account with LOGIN_LOCK_AFTER failures from anywhere in
    # LOGIN_LOCK_WINDOW is locked for LOGIN_LOCK_FOR, or until an admin unlocks it.
    LOGIN_FREE_FAILURES = 5
    LOGIN_FIRST_DELAY = timedelta(minutes=1)
    LOGIN_MAX_DELAY = timedelta(hours=1)
    LOGIN_PAIR_MEMORY = timedelta(hours=24)
    LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT", "30"))
    LOGIN_ADDRESS_WINDOW = timedelta(minutes=15)
    LOGIN_LOCK_AFTER = int(os.environ.get("LOGIN_LOCK_AFTER", "100"))
    LOGIN_LOCK_WINDOW = timedelta(hours=1)
    LOGIN_LOCK_FOR = timedelta(hours=int(os.environ.get("LOGIN_LOCK_HOURS", "24")))
    PASSWORD_TOKEN_LIFETIME = timedelta(hours=48)

    # The REST API (app/api): requests per token in each window, answered 429 with
    # Retry-After beyond; a token made on the account page lives API_TOKEN_DAYS by default.
    API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "600"))
    API_RATE_WINDOW_SECONDS = 60
    API_PER_PAGE = 50
    API_MAX_PER_PAGE = 200
    # Webhooks (app/webhooks): a receiver that has not answered after this long is tried again.
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))

    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    LANGUAGES = ["en", "sv", "da", "nl"]  # each but English has app/translations/<code>
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Europe/Stockholm")
    SECURITY_HSTS = False


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SECURITY_HSTS = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL", "")) or None
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = None  # tests that mail start their own SMTP server
    REUSE_PUBLIC_MAX_PER_MINUTE = 0  # off: every test comes from 127.0.0.1; one test turns it on
    REUSE_TICK_SECONDS = 0  # tests tick when they mean to
    BACKGROUND_IMMEDIATE = True  # tests that want a queue and a worker say so


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}
