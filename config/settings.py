"""One env-driven settings module.

With no variable set, everything runs in-process: SQLite, local-memory cache, Celery eager,
in-memory channel layer. `DATABASE_URL` switches to PostgreSQL; `REDIS_URL` switches the cache,
the Celery broker/results and the channel layer to Redis. `DJANGO_ENV=production` turns on
the production checks (secret key required, DEBUG off, HTTPS-only cookies, HSTS).
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default


ENV = os.environ.get("DJANGO_ENV", "development").lower()
PRODUCTION = ENV == "production"

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY (at least 50 random characters) in the environment."
        )
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 30)
    DEBUG = env_bool("DEBUG", True)

# Demo mode: /demo/, one-click persona sign-in and the settable demo clock. Never in production.
DEMO_MODE = False if PRODUCTION else env_bool("DEMO_MODE", True)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "apps.core.admin_config.AdminConfig",  # django.contrib.admin, JSON boxes refusing deep nesting
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "channels",
    "apps.core",
    "apps.accounts",
    "apps.tracking",
    "apps.catalogue",
    "apps.recommendations",
    "apps.artwork",
    "apps.browse",
    "apps.experiments",
    "apps.onboarding",
    "apps.playback",
    "apps.ratings",
    "apps.subscriptions",
    "apps.engagement",
    "apps.parties",
    "apps.recap",
    "apps.support",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "apps.core.middleware.PrivatePagesMiddleware",
    # Every page asks for the window's width, so the homepage rarely has to (its Critical-CH).
    "apps.core.middleware.ViewportHintMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.StoredLanguageMiddleware",
    "apps.accounts.middleware.CurrentProfileMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # htmx meeting the sign-in page or "Who's watching?" goes there as a whole page.
    "apps.accounts.middleware.HtmxWholePageRedirectMiddleware",
    # After the middleware the site's 400 page needs (session, language, user, htmx), before
    # any that reads the query or form and before every view (its docstring says why).
    "apps.core.middleware.RequestSanityMiddleware",
    "apps.tracking.middleware.VisitorMiddleware",
    "apps.accounts.middleware.NotOnThisProfileMiddleware",
    "apps.accounts.middleware.StaleProfileMiddleware",
    "apps.core.middleware.MethodNotAllowedPageMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server after collectstatic (behind a CDN or proxy);
    # in development runserver serves them.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.site",
                "apps.tracking.context_processors.consent",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # No persistent connections: under ASGI every request runs in its own thread, and a
    # connection kept per thread is never reused, so they pile up until PostgreSQL refuses
    # more (Django's docs: disable them under ASGI). DB_POOL_MAX_SIZE > 0 instead keeps a
    # bounded psycopg pool per process: processes x pool size <= max_connections - reserve.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", 0))
    if DB_POOL_MAX_SIZE > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", 10)),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / os.environ.get("SQLITE_PATH", "db.sqlite3"),
            # WAL + a busy timeout let the demo server, eager tasks and a shell write together.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A test database file per test process (not in-memory): the browser tests' live
            # server and the test thread then use separate connections, as in production,
            # instead of sharing one in-memory connection across threads.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"sf-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery, channels ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test processes each get their own Redis database: a test's cache.clear()
    # (FLUSHDB) must not empty the cache under another process's test.
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw") or 0)
    _base, _slash, _db = REDIS_URL.rstrip("/").rpartition("/")
    REDIS_URL = f"{_base}/{(int(_db) if _db.isdigit() else 0) + 1 + _worker}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            # A dead or hung Redis costs a request at most this long per call, then it is a miss.
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", 0.5)),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", 0.5)),
            },
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sf"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, the same 5 s channels-redis
            # blocks for in BZPOPMIN while a socket waits for messages: the read lost that race
            # now and then and the consumer died (the host stopped following a seek). Reads wait
            # longer than the blocking pop; a dead Redis still fails within 15 s.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker killed mid-task (kill -9, OOM) puts its message back at once instead of acking it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis redelivers an unacknowledged message after this long (Redis' default is an hour); it
# must exceed the longest task (CELERY_TASK_TIME_LIMIT) or a running task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
    "socket_keepalive": True,
    "socket_connect_timeout": 5,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"timeout": 5.0}}
# A lost broker connection is retried for ever (with backoff), at start-up too, never fatal.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
# A notice not sent this long after it was recorded or claimed is sent again by the sweeper
# (with the same Message-ID); longer than any SMTP send may take.
NOTICE_SWEEP_AFTER_SECONDS = int(os.environ.get("NOTICE_SWEEP_AFTER_SECONDS", 300))
# Engagement frequency caps: marketing messages per profile, across campaigns and channels.
ENGAGEMENT_CAP_PER_DAY = int(os.environ.get("ENGAGEMENT_CAP_PER_DAY", 1))
ENGAGEMENT_CAP_PER_WEEK = int(os.environ.get("ENGAGEMENT_CAP_PER_WEEK", 3))
WORKER_HEARTBEAT_STALE_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", 300))
# Watch parties: how many members a party holds (the host included).
PARTY_MAX_MEMBERS = int(os.environ.get("PARTY_MAX_MEMBERS", 8))
# Contact requests one account may send in any 24 hours (apps/support/services.py).
SUPPORT_TICKETS_PER_DAY = int(os.environ.get("SUPPORT_TICKETS_PER_DAY", 5))
# Signed-out contact requests from one network (REMOTE_ADDR) in any 24 hours.
SUPPORT_SIGNED_OUT_PER_NETWORK = int(os.environ.get("SUPPORT_SIGNED_OUT_PER_NETWORK", 20))

CELERY_BEAT_SCHEDULE = {
    "parties-purge-chat": {
        # Chat and voice messages of parties that ended more than 24 h ago (demo clock).
        "task": "apps.parties.tasks.purge_party_chat",
        "schedule": timedelta(minutes=30),
    },
    "recommendations-train": {
        "task": "apps.recommendations.tasks.train_recommender",
        "schedule": timedelta(hours=6),
    },
    "recommendations-weekly-mix": {
        # "Your weekly mix" of the profiles whose local time is Monday 06:xx (idempotent).
        "task": "apps.recommendations.tasks.build_weekly_mixes",
        "schedule": timedelta(hours=1),
    },
    "recommendations-global-lists": {
        "task": "apps.recommendations.tasks.refresh_global_lists",
        "schedule": timedelta(hours=1),
    },
    "subscriptions-renew": {
        # Renewals and retries due as of clock.now(); idempotent per (subscription, period).
        "task": "apps.subscriptions.tasks.renew_due_subscriptions",
        "schedule": timedelta(minutes=15),
    },
    "subscriptions-reminders": {
        # The e-mail three days before each charge, once per charge date.
        "task": "apps.subscriptions.tasks.send_charge_reminders",
        "schedule": timedelta(hours=1),
    },
    "subscriptions-student-reminders": {
        # 30 and 7 days before a student status lapses, once each.
        "task": "apps.subscriptions.tasks.send_student_reminders",
        "schedule": timedelta(hours=6),
    },
    "browse-announce-released-episodes": {
        # episode_released, once per episode, when its availability date passes on the clock.
        "task": "apps.browse.tasks.announce_released_episodes",
        "schedule": timedelta(minutes=15),
    },
    "browse-announce-released-titles": {
        # title_released, once per title, for the profiles that asked "Remind me" on its page.
        "task": "apps.browse.tasks.announce_released_titles",
        "schedule": timedelta(minutes=15),
    },
    "engagement-requested-reminders": {
        # "Remind me": the in-app notice for each episode or title just announced (after the
        # lines above: the demo clock runs them in this order at a release's moment).
        "task": "apps.engagement.tasks.deliver_requested_reminders",
        "schedule": timedelta(minutes=5),
    },
    "artwork-refresh-policy": {
        "task": "apps.artwork.tasks.refresh_artwork_policy",
        "schedule": timedelta(minutes=15),
    },
    "artwork-refresh-tastes": {
        "task": "apps.artwork.tasks.refresh_recent_tastes",
        "schedule": timedelta(minutes=10),
    },
    "artwork-attribute-plays": {
        "task": "apps.artwork.tasks.attribute_recent_plays",
        "schedule": timedelta(minutes=10),
    },
    "artwork-flush-impressions": {
        "task": "apps.artwork.tasks.flush_impressions",
        "schedule": timedelta(minutes=1),
    },
    "subscriptions-sweep-notices": {
        # E-mails whose task was lost (a Redis restart) or whose sender died mid-send.
        "task": "apps.subscriptions.tasks.sweep_unsent_notices",
        "schedule": timedelta(minutes=2),
    },
    "tracking-refresh-attributes": {
        # Computed customer attributes of the profiles active in the last 90 minutes.
        "task": "apps.tracking.tasks.refresh_computed_attributes",
        "schedule": timedelta(hours=1),
    },
    "engagement-triggers": {
        # Live campaigns' triggers (new episodes, unfinished titles, checkouts, inactivity).
        "task": "apps.engagement.tasks.run_campaign_triggers",
        "schedule": timedelta(minutes=5),
    },
    "engagement-conversions": {
        # message_converted, once per send whose conversion event came inside its window.
        "task": "apps.engagement.tasks.record_conversions",
        "schedule": timedelta(hours=1),
    },
    "engagement-deliver": {
        # Sends due by now, at each profile's hour and outside its quiet hours; idempotent.
        "task": "apps.engagement.tasks.deliver_due_messages",
        "schedule": timedelta(minutes=5),
    },
    "core-worker-heartbeat": {
        # /healthz says "degraded" when no worker has run this for WORKER_HEARTBEAT_STALE_SECONDS.
        "task": "apps.core.tasks.worker_heartbeat",
        "schedule": timedelta(minutes=1),
    },
    "core-clear-expired-sessions": {
        "task": "apps.core.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=6),
    },
    "engagement-sweep-messages": {
        # Messages (in-app, e-mail, push) whose sender died or failed between claim and stamp.
        "task": "apps.engagement.channels.tasks.sweep_unsent_messages",
        "schedule": timedelta(minutes=2),
    },
    "support-sweep-replies": {
        # Support replies whose e-mail task was lost or whose sender died mid-send.
        "task": "apps.support.tasks.sweep_unsent_replies",
        "schedule": timedelta(minutes=2),
    },
    "tracking-expire-events": {
        # Raw events past EVENT_RETENTION_DAYS become daily counts (apps/tracking/retention.py).
        "task": "apps.tracking.tasks.expire_old_events",
        "schedule": timedelta(hours=6),
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's model backend with the per-request user read from the cache (apps/accounts/cached.py).
AUTHENTICATION_BACKENDS = ["apps.accounts.cached.CachedModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profiles"
LOGOUT_REDIRECT_URL = "accounts:login"
# Argon2id first; older hashes (PBKDF2 from before, or other Argon2 parameters) still check and
# are rewritten with the first hasher at the next sign-in (Django does that on a match).
PASSWORD_HASHERS = [
    "apps.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: failures per account and per client address within the window lock out
# further attempts until the window (the cool-off) has passed.
LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 20))
LOGIN_COOLOFF_SECONDS = int(os.environ.get("LOGIN_COOLOFF_SECONDS", 15 * 60))
MAX_PROFILES_PER_ACCOUNT = 5

# Receipts (apps/subscriptions/receipts.py): the seller printed on invoices, and the VAT rate
# per buyer country in percent (prices include VAT; an unknown country pays the seller's).
INVOICE_SELLER = {
    "name": "Streamfront SAS",
    "address": ["1 rue de la Démo", "75000 Paris", "France"],
    "vat_id": "FR00 000000000",
    "country": "FR",
}
VAT_RATES = {
    "FR": 20.0, "BE": 21.0, "DE": 19.0, "ES": 21.0, "IT": 22.0, "NL": 21.0, "LU": 17.0,
    "PT": 23.0, "IE": 23.0, "AT": 20.0, "CH": 8.1, "GB": 20.0, "CA": 5.0,
}  # fmt: skip
if os.environ.get("VAT_RATES"):  # "FR=20,BE=21": replaces the table
    VAT_RATES = {
        code.strip().upper(): float(rate)
        for code, rate in (part.split("=", 1) for part in os.environ["VAT_RATES"].split(","))
    }

# First-party collection (POST /t/events, apps/tracking/collect.py) and consent. Raising
# CONSENT_VERSION asks everyone again (older choices count as none).
TRACKING_MAX_EVENTS_PER_BATCH = int(os.environ.get("TRACKING_MAX_EVENTS_PER_BATCH", 50))
TRACKING_MAX_BATCH_BYTES = int(os.environ.get("TRACKING_MAX_BATCH_BYTES", 64 * 1024))
TRACKING_EVENTS_PER_MINUTE = int(os.environ.get("TRACKING_EVENTS_PER_MINUTE", 600))
# Raw events older than this are folded into anonymous daily counts and deleted (13 months).
EVENT_RETENTION_DAYS = int(os.environ.get("EVENT_RETENTION_DAYS", 396))
CONSENT_VERSION = os.environ.get("CONSENT_VERSION", "1")

# Django 6.1 mailers. Development prints e-mails on the console (or writes files when
# EMAIL_FILE_PATH is set); production sends through SMTP (EMAIL_SMTP_HOST, default a local relay).
if PRODUCTION or os.environ.get("EMAIL_SMTP_HOST"):
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_SMTP_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_SMTP_PORT", 25)),
            "username": os.environ.get("EMAIL_SMTP_USER", ""),
            "password": os.environ.get("EMAIL_SMTP_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_SMTP_TLS", False),
        },
    }
elif os.environ.get("EMAIL_FILE_PATH"):
    _mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": os.environ["EMAIL_FILE_PATH"]},
    }
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
if os.environ.get("EMAIL_BACKEND"):  # any other backend by dotted path (the fault suite's)
    _mailer = {"BACKEND": os.environ["EMAIL_BACKEND"]}
if DEMO_MODE:
    # Demo mode dates every e-mail on the demo clock and keeps it for the outbox on
    # /demo/outbox/, then delivers it with the mailer chosen above.
    _mailer = {"BACKEND": "apps.demo.mail.OutboxBackend", "OPTIONS": {"deliver_with": _mailer}}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Streamfront <hello@streamfront.test>")
# Where someone without an account writes to us (a deleted account's confirmation names it).
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "help@streamfront.test")
# The site's public address, for links in e-mails and push (a worker has no request to ask).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Web Push (engagement channels): base64url keys; without them DEBUG/demo keeps a generated pair
# in VAPID_KEY_FILE, and production has no push.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:hello@streamfront.test")
VAPID_KEY_FILE = Path(os.environ.get("VAPID_KEY_FILE", BASE_DIR / "var" / "vapid.json"))
# Where browsers' push subscriptions may point (the server POSTs there): the vendors' services.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    ["fcm.googleapis.com", "push.services.mozilla.com", "notify.windows.com", "push.apple.com"],
)
# A message claimed this long ago and never stamped is sent again, CHANNEL_MAX_ATTEMPTS in all.
CHANNEL_SWEEP_AFTER_SECONDS = int(os.environ.get("CHANNEL_SWEEP_AFTER_SECONDS", 300))
CHANNEL_MAX_ATTEMPTS = int(os.environ.get("CHANNEL_MAX_ATTEMPTS", 3))

# --- Security -------------------------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A page left open from before signing in again (the token rotated) gets the site's own page.
CSRF_FAILURE_VIEW = "apps.core.views.csrf_failure"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# Sessions are read from the cache (Redis when configured) and written through to the database
# (Django's cached_db, refusing cookies that cannot be a session key: apps/core/sessions.py).
SESSION_ENGINE = "apps.core.sessions"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Named date formats per language (ABBR_DATE_FORMAT...), over Django's own.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` writes (production serves from here through WhiteNoise); outside the
# checkout in production, e.g. STATIC_ROOT=/srv/streamfront/static.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Artwork uploads: checked by content, size and pixel count before Pillow decodes them fully.
ARTWORK_MAX_UPLOAD_BYTES = int(os.environ.get("ARTWORK_MAX_UPLOAD_BYTES", 8 * 1024 * 1024))
ARTWORK_MAX_PIXELS = int(os.environ.get("ARTWORK_MAX_PIXELS", 40_000_000))
# Artwork impressions are buffered in the cache and written in bulk every N page views (and
# before a play is attributed, and every minute by beat).
ARTWORK_IMPRESSIONS_FLUSH_EVERY = int(os.environ.get("ARTWORK_IMPRESSIONS_FLUSH_EVERY", 50))
# Share of artwork impressions chosen uniformly at random (logged as such) for offline replay.
ARTWORK_EXPLORATION = float(os.environ.get("ARTWORK_EXPLORATION", 0.05))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Payments: the gateway class (a dotted path). The built-in test gateway behaves like a card
# processor's test mode; set a real adapter before taking real money.
SUBSCRIPTIONS_GATEWAY = os.environ.get(
    "SUBSCRIPTIONS_GATEWAY", "apps.subscriptions.gateway.TestGateway"
)
# Student plans: university domains accepted besides .edu, .ac.xx and .edu.xx addresses
# (comma-separated, e.g. "univ-paris.fr,tum.de"; subdomains count).
SUBSCRIPTIONS_STUDENT_DOMAINS = tuple(
    d.strip()
    for d in os.environ.get(
        "SUBSCRIPTIONS_STUDENT_DOMAINS",
        "univ-paris.fr,sorbonne-universite.fr,tum.de,uni-heidelberg.de",
    ).split(",")
    if d.strip()
)
