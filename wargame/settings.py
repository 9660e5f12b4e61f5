"""The one settings module: every knob comes from the environment, with embedded defaults.

``WARGAME_ENV=dev`` (the default) runs on SQLite, an in-memory channel layer and an embedded Celery
broker on its own SQLite file, so one command starts a playable server. ``WARGAME_ENV=production``
requires PostgreSQL, Redis and real secrets, and refuses to start without them.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from wargame.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_required,
    env_str,
)
from wargame.languages import LANGUAGE_NAMES
from wargame.languages import LANGUAGES as LANGUAGE_CODES

BASE_DIR = Path(__file__).resolve().parent.parent
WARGAME_ENV = env_choice("WARGAME_ENV", "dev", ("dev", "production"))
PRODUCTION = WARGAME_ENV == "production"

# Files that runs create (databases, the generated key, the broker) live here, never in git.
VAR_DIR = Path(env_str("WARGAME_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def _dev_secret_key() -> str:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY", why="WARGAME_ENV=production signs sessions with it")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ConfigurationError("ALLOWED_HOSTS must be set (WARGAME_ENV=production).")
    if "*" in ALLOWED_HOSTS:
        # A wildcard would also let any Origin through the WebSocket check
        # (docs/interface.md#connecting).
        raise ConfigurationError("ALLOWED_HOSTS must not contain '*' in production.")
    DATABASE_URL = env_required("DATABASE_URL", why="production runs on PostgreSQL")
    REDIS_URL: str | None = env_required(
        "REDIS_URL", why="production fans events out and queues tasks through Redis"
    )
else:
    SECRET_KEY = env_str("SECRET_KEY") or _dev_secret_key()
    # The demo prints links on the host it binds, so loopback in every spelling is allowed.
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'wargame.sqlite3'}"
    REDIS_URL = env_str("REDIS_URL") or None

DEBUG = env_bool("DEBUG", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "wargame.exercises",
    "wargame.api",
    "wargame.realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wargame.logs.ExerciseLogContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "wargame.api.middleware.RequestSizeLimitMiddleware",
    "wargame.api.input_limits.OversizedIdMiddleware",
    "wargame.api.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wargame.api.signin_throttle.SignInThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "wargame.urls"
ASGI_APPLICATION = "wargame.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wargame.web.scenario_notice.scenario_language",
            ],
            "libraries": {
                "words": "wargame.web.template_words",
                "regions": "wargame.web.regions.tags",
            },
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A server, a worker and beat share the file: WAL lets readers run beside the writer,
        # IMMEDIATE takes the write lock up front so two writers queue instead of deadlocking,
        # and the timeout makes them wait rather than fail with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        # Under ASGI each request may run on another thread: persistent connections would leak
        # one per thread (channels#871, #1206).
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    return config


DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CHANNEL_LAYERS: dict[str, Any] = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": env_int("CHANNEL_LAYER_CAPACITY", 1000, minimum=1),
                # Each live hub rejoins its group every half of this; a process that died stops
                # receiving (and Redis stops keeping) its doorbells after it, not after a day.
                "group_expiry": env_int("CHANNEL_LAYER_GROUP_EXPIRY", 300, minimum=20),
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": env_int("CHANNEL_LAYER_CAPACITY", 1000, minimum=1)},
        }
    }

# Celery: Redis in production; otherwise kombu's SQLAlchemy transport on its own SQLite file, so
# the embedded profile needs no Redis and never contends with the application database.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or (
    REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (
    REDIS_URL or f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING below, so their lines are structured like the servers'.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# kombu's SQLAlchemy transport hands its options to create_engine, which rejects this one.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)}
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else {}
)
# kombu's Redis transport with the repair that keeps a worker alive when Redis goes (broker.py).
if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "wargame.broker:Transport"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# In dev and tests WhiteNoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
# The bundled CJK fonts (static/fonts/); WhiteNoise's own table lacks the type. In production
# CompressedManifestStaticFilesStorage also stores them compressed (Brotli: a fifth smaller).
WHITENOISE_MIMETYPES = {".otf": "font/otf"}

# Bodies over 256 KiB are refused with 413 before anything reads them
# (docs/interface.md#rest-conventions).
MAX_REQUEST_BODY_BYTES = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wargame.api.errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wargame.api.auth.ParticipantAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["wargame.api.input_limits.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "wargame API",
    "DESCRIPTION": (
        "The public REST interface of wargame, a multiplayer tabletop-exercise server for "
        "Korean-peninsula crisis games. WebSocket: /ws/exercises/{id}/?since={seq}."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several shapes have a "status": each set of values keeps its own name.
    "ENUM_NAME_OVERRIDES": {
        "ExerciseStatusEnum": "wargame.exercises.shapes.EXERCISE_STATUSES",
        "ReportJobStatusEnum": "wargame.exercises.shapes.REPORT_JOB_STATUSES",
    },
}

# Security headers. TLS terminates at the proxy in production; it tells us via X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])
    # /healthz is probed over plain HTTP by load balancers inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every asset is served by the project itself (no CDN): the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# json: one object a line for log shippers (the production default); plain: for people.
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if PRODUCTION else "plain", ("json", "plain"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "wargame.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "wargame.logs.JsonFormatter"},
        "plain": {"()": "wargame.logs.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # channels_redis reports dropped group messages only at INFO; we want to see them.
        "channels_redis": {"level": "INFO"},
        # The report's font subsetting logs every glyph list it computes at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Join codes: wrong guesses allowed per client address and in total, per sliding minute.
JOIN_FAILURES_PER_ADDRESS = env_int("JOIN_FAILURES_PER_ADDRESS", 10, minimum=1)
JOIN_FAILURES_IN_TOTAL = env_int("JOIN_FAILURES_IN_TOTAL", 600, minimum=1)

# The sweep re-checks every running exercise's timers: the bound on how late a lost task makes a
# deadline (docs/reliability.md#r3).
TIMERS_SWEEP_SECONDS = env_int("TIMERS_SWEEP_SECONDS", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "timers-sweep": {"task": "wargame.timers_sweep", "schedule": float(TIMERS_SWEEP_SECONDS)},
}

# Bot-played teams move this long after deliberation opens, so the room does not feel automated.
BOT_DELAY_SECONDS = env_int("BOT_DELAY_SECONDS", 5, minimum=0)
# How long a bot team takes to answer a message on a hotline or an allied line.
BOT_REPLY_SECONDS = env_int("BOT_REPLY_SECONDS", 3, minimum=0)
# Solo practice exercises one client address may create per hour (POST /api/v1/practice/).
PRACTICE_PER_ADDRESS = env_int("PRACTICE_PER_ADDRESS", 10, minimum=1)
# Practice games started per hour on the whole server, from any address (each runs four bots).
PRACTICE_IN_TOTAL = env_int("PRACTICE_IN_TOTAL", 200, minimum=1)

# Frames a slow socket may have queued before it is closed with 4409 and resumes from its seq.
WS_SEND_BUFFER = env_int("WS_SEND_BUFFER", 1000, minimum=10)

# Benchmarks and tests only: count template renders per process and serve the counts at
# /_bench/renders (the screens benchmark's "renders per event"). Never in production.
RENDER_COUNTER = env_bool("RENDER_COUNTER", default=False)
if RENDER_COUNTER and PRODUCTION:
    raise ConfigurationError("RENDER_COUNTER is for benchmarks and tests, not production.")
