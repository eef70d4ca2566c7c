"""Django settings for Praja.

Everything that differs between a laptop demo and a district server comes from the environment:

- ``DATABASE_URL``: PostgreSQL (``postgres://user@host:5432/name``); default SQLite under ``var/``.
- ``PRAJA_VAR_DIR``: where the SQLite database and uploads live (default ``./var``).
- ``PRAJA_SECRET_KEY``: required in production (``praja.settings_production``).
- ``PRAJA_TILE_URL``: a base-map tile URL template for Leaflet; empty means no tiles (offline).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("PRAJA_VAR_DIR", Path.cwd() / "var")).resolve()
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("PRAJA_VAR_DIR"):
    # `make test` runs the suite in parallel workers (pytest-xdist): each gets a var dir of its own, so that the
    # test database, the file cache every test empties, uploads, job files and the audit anchor are never shared
    # by two tests running at once. (A server or command a test starts is given its PRAJA_VAR_DIR: kept as is.)
    VAR_DIR = VAR_DIR / f"xdist-{os.environ['PYTEST_XDIST_WORKER']}"
# Public data shipped beside the project (read-only, optional): ../shared/data
SHARED_DATA_DIR = Path(
    os.environ.get("PRAJA_SHARED_DATA", BASE_DIR.parent.parent / "shared" / "data")
).resolve()

SECRET_KEY = os.environ.get("PRAJA_SECRET_KEY", "praja-development-key-not-for-production-use-0123456789")
DEBUG = os.environ.get("PRAJA_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("PRAJA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "praja.base",
    "praja.territory",
    "praja.accounts",
    "praja.risk",
    "praja.deployment",
    "praja.coordination",
    "praja.reports",
    "praja.infowatch",
    "praja.situation",
    "praja.jobqueue",
    "praja.ops",
]

MIDDLEWARE = [
    "praja.uploads.RequestBodyCap",  # a body over PRAJA_MAX_REQUEST_BYTES: 413 before it is read (issue 14)
    "praja.base.nul_guard.RefuseNulInQuery",  # a NUL in the query string: 422 under /api/, else 400
    "django.middleware.security.SecurityMiddleware",
    "praja.base.csp.ContentSecurityPolicy",  # scripts from Praja's origin only (praja/base/csp.py, issue 14)
    "praja.reports.api.IntakeFastPath",  # POST /api/v1/reports without a cookie: straight to its view
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "praja.base.drillctx.DrillMiddleware",  # the drill (latihan) a person views, if any: praja/base/drillctx.py
    "praja.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "praja.accounts.middleware.AuthenticationMiddleware",  # the user, person and roles in one read
    "django_otp.middleware.OTPMiddleware",
    "praja.accounts.middleware.SecondFactorMiddleware",
    "praja.accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "praja.urls"
WSGI_APPLICATION = "praja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "praja.accounts.context_processors.praja",
                "praja.ops.context.drill",  # the LATIHAN banner while a drill runs
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'praja.sqlite3'}",
        conn_max_age=int(os.environ.get("PRAJA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too (not Django's in-memory default), so they see what production sees: WAL,
    # the busy timeout, and writers in several threads or processes waiting for each other.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_praja.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and \
        os.environ.get("PRAJA_DB_SERVER_BINDING", "1") == "1":
    # Parameters bound by the server, and a statement the connection has run PRAJA_DB_PREPARE_THRESHOLD times
    # prepared (psycopg): PostgreSQL then parses and plans Praja's repeated statements (the signed-in identity,
    # the report's one statement) once per connection, not on every request. PostgreSQL CPU per officer's report
    # 1.30 -> 0.68 ms, per public report 0.56 -> 0.38 (docs/reports-performance.md, run 5). Prepared statements
    # live in one server connection: behind a PgBouncer in transaction mode set PRAJA_DB_SERVER_BINDING=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "server_side_binding": True,
        "prepare_threshold": int(os.environ.get("PRAJA_DB_PREPARE_THRESHOLD", "5")),
    })

# A cache every web process shares (the map payloads and their version key): files under var/
# by default; point PRAJA_CACHE_DIR elsewhere, or use Redis on a multi-machine deployment.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PRAJA_CACHE_DIR", str(VAR_DIR / "cache")),
        "TIMEOUT": 3600,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The audit log's head is appended to this file after every seal (outside the database: `praja audit
# verify` compares the database's head with the last line anchored here). Put it on other storage, or
# ship its lines elsewhere, in production.
AUDIT_ANCHOR_FILE = Path(os.environ.get("PRAJA_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchor.log")))
# `praja serve` seals pending audit entries in the background every this many seconds (0: never; then
# schedule `praja audit seal` yourself).
AUDIT_SEAL_INTERVAL = float(os.environ.get("PRAJA_AUDIT_SEAL_INTERVAL", "5"))

# --- authentication -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "situation:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock a username+address pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PRAJA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PRAJA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Praja"

SESSION_ENGINE = "praja.accounts.signin_read"  # the database store, read without the ORM
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12  # one working shift
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (praja/base/csp.py): "enforce", "report-only" or "off"; extra sources per directive as JSON.
PRAJA_CSP = os.environ.get("PRAJA_CSP", "enforce")
PRAJA_CSP_EXTRA: dict[str, list[str]] = json.loads(os.environ.get("PRAJA_CSP_EXTRA", "{}") or "{}")
# Where the Django admin and the interactive API docs live (issue 14: not at their well-known defaults in
# production). PRAJA_API_DOCS_PATH is under /api/v1/; empty turns the docs and /api/v1/openapi.json off (the
# production default, praja/settings_production.py).
PRAJA_ADMIN_PATH = os.environ.get("PRAJA_ADMIN_PATH", "admin/").strip("/") + "/"
PRAJA_API_DOCS_PATH = os.environ.get("PRAJA_API_DOCS_PATH", "docs").strip("/")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"  # WIB; stored in UTC, shown in the region's zone
USE_TZ = True

# Behind reverse proxies: PRAJA_TRUSTED_PROXY=1 and the number of proxies in front of Praja; the client is then
# the X-Forwarded-For entry that many places from the right, never the leftmost (praja/accounts/middleware.py).
PRAJA_TRUSTED_PROXY = os.environ.get("PRAJA_TRUSTED_PROXY", "0") == "1"
PRAJA_TRUSTED_PROXY_COUNT = int(os.environ.get("PRAJA_TRUSTED_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "praja.accounts.middleware.client_address"  # login throttling counts the same address

# The whole request body: over this (bytes, from Content-Length) a request is answered 413 unread (praja/uploads.py).
PRAJA_MAX_REQUEST_BYTES = int(os.environ.get("PRAJA_MAX_REQUEST_BYTES", str(52 * 1024 * 1024)))

# --- static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Only `collectstatic` needs STATIC_ROOT; WhiteNoise serves from the finders (below) without it.
STATIC_ROOT = os.environ.get("PRAJA_STATIC_ROOT") or None
STATICFILES_DIRS: list[Any] = [BASE_DIR / "static"]
# Leaflet and its marker clusters come from their PyPI packages (XStatic), never copied into the repo.
try:
    import xstatic.pkg.leaflet as _xs_leaflet
    import xstatic.pkg.leaflet_markercluster as _xs_cluster

    STATICFILES_DIRS += [
        ("vendor/leaflet", _xs_leaflet.BASE_DIR),
        ("vendor/leaflet-markercluster", _xs_cluster.BASE_DIR),
    ]
except ImportError:  # pragma: no cover - the packages are hard dependencies
    pass
# Serve straight from the finders: `praja serve` needs no collectstatic step and writes nothing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = VAR_DIR / "media"

# --- Praja settings (defaults from mission/DOMAIN.md; each can be changed per district) ----------
PRAJA = {
    # Base-map tiles: empty means none (the map draws boundaries on a plain background, offline).
    "TILE_URL": os.environ.get("PRAJA_TILE_URL", ""),
    "TILE_ATTRIBUTION": os.environ.get("PRAJA_TILE_ATTRIBUTION", ""),
    # TPS validation bounds (DOMAIN.md section 5: up to 600 voters per TPS; the import accepts 1..1000).
    "TPS_MIN_VOTERS": int(os.environ.get("PRAJA_TPS_MIN_VOTERS", "1")),
    "TPS_MAX_VOTERS": int(os.environ.get("PRAJA_TPS_MAX_VOTERS", "1000")),
    "TPS_LEGAL_MAX_VOTERS": int(os.environ.get("PRAJA_TPS_LEGAL_MAX_VOTERS", "600")),
    # `praja deployment plan` from files (issue 18): rows of one TPS file; how far a TPS may be from its desa.
    "DEPLOYMENT_MAX_ROWS": int(os.environ.get("PRAJA_DEPLOYMENT_MAX_ROWS", "2000000")),
    "DEPLOYMENT_MAX_KM_FROM_DESA": float(os.environ.get("PRAJA_DEPLOYMENT_MAX_KM_FROM_DESA", "15")),
}

# Background jobs (praja/jobs.py): in-process unless a Celery broker is given (deployment, issue 3).
PRAJA_CELERY_BROKER_URL = os.environ.get("PRAJA_CELERY_BROKER_URL", "")
PRAJA_CELERY_RESULT_BACKEND = os.environ.get("PRAJA_CELERY_RESULT_BACKEND", "")
PRAJA_CELERY_QUEUE = os.environ.get("PRAJA_CELERY_QUEUE", "praja")
# The durable job queue (praja/jobqueue): a running job without a heartbeat for this long, on a worker this
# host cannot see, is taken as lost; `praja serve` starts this many worker processes next to gunicorn.
PRAJA_JOBS_STALE_S = int(os.environ.get("PRAJA_JOBS_STALE_S", "60"))
PRAJA_JOBS_WORKERS = int(os.environ.get("PRAJA_JOBS_WORKERS", "2"))
# Local processes one command uses to map a pure task (e.g. `praja deployment plan` without --workers and
# without a broker); 1 = in this process. Not the job-queue workers above.
PRAJA_MAP_WORKERS = int(os.environ.get("PRAJA_MAP_WORKERS", "1"))
PRAJA_JOBS_MODULES = os.environ.get("PRAJA_JOBS_MODULES", "")
PRAJA_JOBS_EAGER = os.environ.get("PRAJA_JOBS_EAGER", "") == "1"
# A request that starts an export waits this long for it before showing the job's progress page.
PRAJA_JOBS_INLINE_WAIT_S = float(os.environ.get("PRAJA_JOBS_INLINE_WAIT_S", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal": {"()": "praja.base.masking.MaskPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PRAJA_LOG_LEVEL", "WARNING")},
}

# --- Reports (issue 4). Deadlines in calendar days (DOMAIN.md section 4); every one can be changed. ---------
PRAJA_REPORTS = {
    # A report must be filed within this many days of the offence being known (Perppu 1/2014 art. 134).
    "FILING_WINDOW_DAYS": int(os.environ.get("PRAJA_REPORTS_FILING_WINDOW_DAYS", "7")),
    # Legal-path stages: (stage key, days). Bawaslu decides in 3 days (+2 for more information); police
    # investigation to prosecutor 14 days; prosecutor to court 5; court decision 7; appeal 3; high court 7.
    "DEADLINES": {
        "bawaslu_review": 3,
        "bawaslu_extension": 2,
        "police_investigation": 14,
        "prosecutor_return": 3,
        "police_resubmit": 3,
        "prosecutor_to_court": 5,
        "court_decision": 7,
        "appeal_filing": 3,
        "high_court_decision": 7,
        # paths outside Gakkumdu: the recipient's own handling time (no statutory figure in DOMAIN.md)
        "administrative": 7,
        "ethics": 14,
        "civil_servant": 14,
        "police": 14,
        "military": 14,
        "village_head": 14,
    },
    "DUE_SOON_HOURS": int(os.environ.get("PRAJA_REPORTS_DUE_SOON_HOURS", "24")),
    # A NEW report counts as overdue for verification this many hours after it was received (0: off).
    "VERIFY_HOURS": int(os.environ.get("PRAJA_REPORTS_VERIFY_HOURS", "24")),
    # Duplicates: same TPS (or desa) and category within this many hours; near-identical text above this.
    "DUPLICATE_WINDOW_HOURS": int(os.environ.get("PRAJA_REPORTS_DUPLICATE_WINDOW_HOURS", "6")),
    "DUPLICATE_TEXT_SIMILARITY": float(os.environ.get("PRAJA_REPORTS_DUPLICATE_TEXT_SIMILARITY", "0.85")),
    # Attachments: size limit and accepted types.
    "ATTACHMENT_MAX_BYTES": int(os.environ.get("PRAJA_REPORTS_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
    "ATTACHMENT_TYPES": ["image/jpeg", "image/png", "image/webp", "video/mp4", "video/3gpp", "application/pdf"],
    "ATTACHMENTS_PER_REPORT": 5,
    # Rate limits: (requests, seconds); 0 requests lifts the limit (a benchmark does that with
    # PRAJA_REPORTS_PUBLIC_RATE=0). Sized for voting day (issue 14, docs/security.md): a mobile carrier puts
    # thousands of phones behind one address (CGNAT), so the per-address limits are wide and only stop floods;
    # the signed per-device token (DEVICE_RATE, praja/reports/device.py) and the phone number (PHONE_RATE) do
    # the fine-grained work.
    "PUBLIC_RATE": (int(os.environ.get("PRAJA_REPORTS_PUBLIC_RATE", "300")), 600),
    "DEVICE_RATE": (int(os.environ.get("PRAJA_REPORTS_DEVICE_RATE", "5")), 600),
    "PHONE_RATE": (int(os.environ.get("PRAJA_REPORTS_PHONE_RATE", "10")), 3600),
    "FOLLOW_RATE": (int(os.environ.get("PRAJA_REPORTS_FOLLOW_RATE", "300")), 600),
    # A receipt locks after this many wrong PINs, from any address, for PIN_LOCK_HOURS (0: never locks); the
    # follow page then tells the sender how to get help.
    "PIN_LOCK_AFTER": int(os.environ.get("PRAJA_REPORTS_PIN_LOCK_AFTER", "5")),
    "PIN_LOCK_HOURS": int(os.environ.get("PRAJA_REPORTS_PIN_LOCK_HOURS", "24")),
    # Images are refused above this many pixels, read from their header before decoding (issue 14).
    "IMAGE_MAX_PIXELS": int(os.environ.get("PRAJA_REPORTS_IMAGE_MAX_PIXELS", "50000000")),
    # The SMS/WhatsApp webhook per sending address (the gateway's own: high; 0 lifts it).
    "GATEWAY_RATE": (int(os.environ.get("PRAJA_REPORTS_GATEWAY_RATE", "600")), 60),
    # Identity access approved by a custodian is valid for this many hours.
    "IDENTITY_ACCESS_HOURS": int(os.environ.get("PRAJA_REPORTS_IDENTITY_ACCESS_HOURS", "24")),
    # Public intake (praja/reports/views_public.py, webhook.py): the regencies the public form offers (codes,
    # comma-separated; empty: every regency loaded), this site's address in SMS answers, and the gateways'
    # secrets (empty: that webhook refuses every message).
    "PUBLIC_REGENCIES": os.environ.get("PRAJA_REPORTS_PUBLIC_REGENCIES", ""),
    "PUBLIC_URL": os.environ.get("PRAJA_PUBLIC_URL", ""),
    "WEBHOOK_TOKEN": os.environ.get("PRAJA_REPORTS_WEBHOOK_TOKEN", ""),
    "TWILIO_AUTH_TOKEN": os.environ.get("PRAJA_TWILIO_AUTH_TOKEN", ""),
    "TWILIO_WEBHOOK_URL_BASE": os.environ.get("PRAJA_TWILIO_WEBHOOK_URL_BASE", ""),
    # Handling (praja/reports/handling.py): a verified report of these categories at a TPS or desa becomes an
    # incident of the risk index, weighted by severity (report's 1-4 -> the risk module's scale: 1 minor,
    # 2 serious, 3 violent); the board refreshes every this many seconds.
    "RISK_CATEGORIES": ["keamanan", "kekerasan", "politik_uang", "sara", "netralitas", "hak_pilih"],
    "RISK_SEVERITY": {1: 0.5, 2: 1.0, 3: 2.0, 4: 3.0},
    "BOARD_REFRESH_SECONDS": int(os.environ.get("PRAJA_REPORTS_BOARD_REFRESH_SECONDS", "20")),
    # After-intake work (routing, duplicates, hoax forwarding; praja/reports/afterwork.py), off the sender's
    # request: "thread" (a worker thread per server process), "celery" (a task; needs PRAJA_CELERY_BROKER_URL)
    # or "inline" (in the request, on commit). Reports whose work was never done (a killed server) are swept
    # every AFTER_INTAKE_SWEEP_S seconds once older than AFTER_INTAKE_GRACE_S; BATCH reports per transaction.
    "AFTER_INTAKE": os.environ.get("PRAJA_REPORTS_AFTER_INTAKE", "thread"),
    "AFTER_INTAKE_SWEEP_S": int(os.environ.get("PRAJA_REPORTS_AFTER_INTAKE_SWEEP_S", "60")),
    "AFTER_INTAKE_GRACE_S": int(os.environ.get("PRAJA_REPORTS_AFTER_INTAKE_GRACE_S", "30")),
    "AFTER_INTAKE_BATCH": int(os.environ.get("PRAJA_REPORTS_AFTER_INTAKE_BATCH", "20")),
}
# The key that seals reporters' identities lives outside the database (praja/reports/sealing.py).
PRAJA_REPORTS_SEAL_KEY = os.environ.get("PRAJA_REPORTS_SEAL_KEY", "")
PRAJA_REPORTS_SEAL_KEY_FILE = os.environ.get("PRAJA_REPORTS_SEAL_KEY_FILE", "")
# Earlier keys, kept for reading while `praja reports rotate-seal-key` re-seals (comma-separated; the command also
# keeps them in <key file>.old). Outside production a missing key file is created on first use; production
# settings turn that off and `praja manage check --deploy` fails without a key (praja/reports/sealing.py).
PRAJA_REPORTS_SEAL_OLD_KEYS = os.environ.get("PRAJA_REPORTS_SEAL_OLD_KEYS", "")
PRAJA_REPORTS_SEAL_KEY_AUTOCREATE = os.environ.get("PRAJA_REPORTS_SEAL_KEY_AUTOCREATE", "1") == "1"

# The situation picture (praja/situation): the kondusif index (praja/situation/kondusif.py, docs/kondusif-index.md),
# the dashboard and the daily lapsit.
PRAJA_SITUATION = {
    # Weights of the index's parts (renormalised over the parts that have data).
    "KONDUSIF_WEIGHTS": {"kerawanan": 0.35, "laporan": 0.30, "hoaks": 0.15, "pos": 0.20},
    # Weighted open reports per TPS at which the open load of the reports part is full (0.25: 25 per 100 TPS; one
    # part alone now caps the index, so the point is set where a kecamatan is truly overloaded).
    "KONDUSIF_REPORTS_SATURATION_PER_TPS": 0.25,
    # A severe open report (severity >= SEVERE_MIN) counts 1 + this.
    "KONDUSIF_SEVERE_FACTOR": 2.0,
    # Growing hoax narratives naming a kecamatan at which the hoax part is full.
    "KONDUSIF_HOAX_SATURATION": 3,
    # Index below these: waspada, siaga (else kondusif).
    "KONDUSIF_THRESHOLDS": {"waspada": 70, "siaga": 45},
    # Pressure (0..1) at which one part alone makes a kecamatan waspada / siaga (None: never on its own).
    "KONDUSIF_PART_TRIGGERS": {"kerawanan": {"waspada": 0.8, "siaga": None}, "laporan": {"waspada": 0.5, "siaga": 0.8},
                               "hoaks": {"waspada": 0.66, "siaga": None}, "pos": {"waspada": 0.2, "siaga": 0.5}},
    # A surge: reports of the last window against the kecamatan's own normal (its reports per hour over the
    # baseline days before), never below the floor per TPS; fewer than the minimum in the window is no surge;
    # at the full ratio the reports part is full.
    "KONDUSIF_SURGE_WINDOW_HOURS": 1,
    "KONDUSIF_SURGE_MIN_REPORTS": 5,
    "KONDUSIF_SURGE_FLOOR_PER_TPS_HOUR": 0.005,
    "KONDUSIF_SURGE_FULL_RATIO": 10,
    "KONDUSIF_BASELINE_DAYS": 7,
    # Posts stand from this many days before voting day to this many after: a missing plan then counts as every
    # post uncovered. On voting day posts report manned by this local time (the TPS open at 07:00).
    "POSTS_DUE_DAYS_BEFORE": 3,
    "POSTS_DUE_DAYS_AFTER": 1,
    "POSTS_REPORT_BY": "06:30",
    # Who signs the lapsit: {"35.07": {"name": ..., "rank": ..., "position": "Kapolres Malang"}} (by regency or
    # any enclosing code, "*" for all); else the person holding one of these roles at the regency.
    "LAPSIT_SIGNATORY": {},
    "LAPSIT_SIGNATORY_ROLES": ["polres_leader"],
    # Report severity from which a report is severe (reports.Severity: 3 tinggi, 4 kritis).
    "SEVERE_MIN": 3,
    # A narrative is growing when its growth (last window / the one before) is at least this and it was seen
    # within HOAX_RECENT_HOURS.
    "HOAX_GROWTH_MIN": 1.5,
    "HOAX_RECENT_HOURS": 72,
    # Days in the dashboard's trend charts; seconds between the dashboard's polls for new events.
    "TREND_DAYS": 14,
    "POLL_SECONDS": int(os.environ.get("PRAJA_SITUATION_POLL_SECONDS", "30")),
    # Besides coordination.manage (Bag Ops), these roles may issue the daily lapsit (the commander writes its notes).
    "LAPSIT_ISSUER_ROLES": ["polres_leader"],
    # The public page's SMS/WhatsApp number for reports (empty: the line is not shown).
    "PUBLIC_SMS_NUMBER": os.environ.get("PRAJA_PUBLIC_SMS_NUMBER", ""),
}

# Infowatch (hoax monitoring): the fact-checkers' feeds `praja infowatch fetch` reads on its schedule, as JSON in
# PRAJA_INFOWATCH_FACTCHECK_FEEDS ([{"name", "url", "publisher", "verdict"}], "[]" for none); the defaults are
# the publishers' public addresses as known when written (check them: publishers move feeds). Every feed fetch
# goes to public addresses only; PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS (comma-separated host or host:port) exempts
# inside hosts such as a mirror (docs/infowatch.md).
PRAJA_INFOWATCH_FACTCHECK_FEEDS = json.loads(os.environ.get("PRAJA_INFOWATCH_FACTCHECK_FEEDS", "null") or "null") or [
    {"name": "TurnBackHoax (Mafindo)", "url": "https://turnbackhoax.id/feed/", "publisher": "Mafindo", "verdict": ""},
    {"name": "Cek Fakta (cekfakta.com)", "url": "https://cekfakta.com/feed", "publisher": "CekFakta", "verdict": ""},
    {"name": "Komdigi: laporan isu hoaks", "url": "https://www.komdigi.go.id/berita/berita-hoaks/rss",
     "publisher": "Komdigi", "verdict": "hoaks"},
]
PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS = os.environ.get("PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS", "")
