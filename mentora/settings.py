"""Settings for Mentora, read from environment variables only.

Defaults give a working demo on SQLite with nothing configured. Set
MENTORA_PRODUCTION=1 (with MENTORA_SECRET_KEY and MENTORA_ALLOWED_HOSTS) for a
deployment that passes `manage.py check --deploy`.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mentora.env import env_bool, env_int, env_list, env_oidc_providers, env_str, env_web_address

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MENTORA_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("MENTORA_PRODUCTION", False)
DEBUG = env_bool("MENTORA_DEBUG", False)

_DEV_SECRET_KEY = "dev-only-not-secret-mentora-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("MENTORA_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("MENTORA_PRODUCTION=1 needs MENTORA_SECRET_KEY (50+ random chars)")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MENTORA_DEBUG must be off when MENTORA_PRODUCTION=1")

ALLOWED_HOSTS = env_list("MENTORA_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("MENTORA_PRODUCTION=1 needs MENTORA_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("MENTORA_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("MENTORA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A video service where a session gets a room of its own when its program names
# none and its mentor has no link of their own (scheduling/rooms/links.py), e.g.
# https://meet.jit.si/. Blank: no site-wide rooms.
MENTORA_VIDEO_ROOMS_URL = env_web_address("MENTORA_VIDEO_ROOMS_URL")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth.mfa's list of security keys ("last used")
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's docs page from the package's own static files (no CDN)
    "mentora.worker",
    "mentora.accounts",
    "mentora.programs",
    "mentora.scheduling",
    "mentora.mentoring",
    "mentora.matching",
    "mentora.applications",
    "mentora.notifications",
    "mentora.insights",
    "mentora.privacy",
    "mentora.webhooks",
    "mentora.api",
    "mentora.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise, so static files (SVG included) carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentora.inputs.RefuseNulMiddleware",  # a NUL anywhere is a 400 before any lookup
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After auth: logs what a superuser saw of a program through support access.
    "mentora.programs.audit.SupportAccessAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The sign-in pages' policy names the identity providers' origins (form-action).
    "mentora.programs.sso.ProviderFormActionMiddleware",
    # After auth and allauth: keeps each signed-in session's row (device, address,
    # last seen) for the "Where you're signed in" page, at most every few minutes
    # (allauth.usersessions' own middleware writes on every request).
    "mentora.accounts.middleware.SessionActivityMiddleware",
    # After allauth: a person whose role needs a second factor and has none sets one
    # up first (before the welcome steps); Django admin wants one passed in the session.
    "mentora.programs.second_factor.SecondFactorMiddleware",
    # After auth and allauth (it reads request.user, no query): a person who hasn't
    # onboarded is sent to /welcome/ on a GET of a page, before anything else.
    "mentora.home.onboarding.middleware.OnboardingRedirectMiddleware",
    "mentora.accounts.middleware.UserTimezoneMiddleware",
    # Axes must come last: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentora.urls"
WSGI_APPLICATION = "mentora.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mentora" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentora.notifications.context_processors.unread_notifications",
                "mentora.home.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default; PostgreSQL (production) when DATABASE_URL says so.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mentora.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers are
    # serialised instead of failing with "database is locked" half-way through.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Persistent connections: one per worker thread, checked before reuse.
    _db["CONN_MAX_AGE"] = env_int("MENTORA_DB_CONN_MAX_AGE", 600)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# allauth.usersessions: every signed-in session has a row (browser, address, last
# seen), so a person can see where they are signed in and end those sessions. Its
# activity tracking stays off: SessionActivityMiddleware above does it, cheaper.
USERSESSIONS_TRACK_ACTIVITY = False
# Invitations set a password through a one-time link; they are valid this long.
PASSWORD_RESET_TIMEOUT = env_int("MENTORA_INVITE_TIMEOUT_SECONDS", 7 * 24 * 3600)

ACCOUNT_ADAPTER = "mentora.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentora] "
# django-axes owns lockouts after failed logins (per account and per address,
# visible and resettable in the admin); allauth's own failed-login limit would
# pre-empt it.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# Single sign-on through OpenID Connect (mentora/programs/sso.py has the rules: no
# self-sign-up, invitations and per-program providers, email domains and password
# sign-in). Providers come from MENTORA_OIDC_PROVIDERS (README) or Django admin's
# "Social applications" (provider "OpenID Connect", its server_url in Settings).
ACCOUNT_FORMS = {"login": "mentora.programs.sso.LoginForm"}
SOCIALACCOUNT_ADAPTER = "mentora.programs.sso.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": env_oidc_providers("MENTORA_OIDC_PROVIDERS"),
        "OAUTH_PKCE_ENABLED": True,
    }
}
SOCIALACCOUNT_LOGIN_ON_GET = False  # the button POSTs (with its CSRF token)
SOCIALACCOUNT_AUTO_SIGNUP = True  # the adapter has linked or refused before signup
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking by email is the adapter's rule
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider's email_verified is required
SOCIALACCOUNT_STORE_TOKENS = False

# Two-factor sign-in (allauth.mfa): an authenticator app, recovery codes, security
# keys and passkeys. Who must have one is program policy
# (mentora/programs/second_factor.py); wrong codes count with the login lockout
# (mentora/accounts/second_factor.py). WebAuthn over plain http only in DEBUG.
MFA_ADAPTER = "mentora.programs.second_factor.SecondFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a key is a second factor here, never the only one
MFA_TOTP_ISSUER = "Mentora"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_FORMS = {
    "authenticate": "mentora.accounts.second_factor.AuthenticateForm",
    "reauthenticate": "mentora.accounts.second_factor.ReauthenticateForm",
}

# Two limits (mentora/accounts/lockout.py, docs/operations.md): failures per
# account from any address, with a short cool-off so nobody can keep a person out
# for long; and failures per address for any account (a password spray), higher
# and longer. MENTORA_PROXY_COUNT: reverse proxies in front that append the
# client's address to X-Forwarded-For (0: the client is REMOTE_ADDR).
MENTORA_LOCKOUT_ACCOUNT_LIMIT = env_int("MENTORA_LOGIN_FAILURE_LIMIT", 5)
MENTORA_LOCKOUT_ACCOUNT_COOLOFF = timedelta(minutes=env_int("MENTORA_LOGIN_COOLOFF_MINUTES", 15))
MENTORA_LOCKOUT_ADDRESS_LIMIT = env_int("MENTORA_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
MENTORA_LOCKOUT_ADDRESS_COOLOFF = timedelta(
    minutes=env_int("MENTORA_LOGIN_ADDRESS_COOLOFF_MINUTES", 60)
)
MENTORA_PROXY_COUNT = env_int("MENTORA_PROXY_COUNT", 0)
if min(MENTORA_LOCKOUT_ACCOUNT_LIMIT, MENTORA_LOCKOUT_ADDRESS_LIMIT) < 1 or min(
    MENTORA_LOCKOUT_ACCOUNT_COOLOFF, MENTORA_LOCKOUT_ADDRESS_COOLOFF
) < timedelta(minutes=1):
    raise ImproperlyConfigured(
        "MENTORA_LOGIN_FAILURE_LIMIT, MENTORA_LOGIN_ADDRESS_FAILURE_LIMIT and their "
        "*_COOLOFF_MINUTES must be at least 1"
    )
if MENTORA_PROXY_COUNT < 0:
    raise ImproperlyConfigured("MENTORA_PROXY_COUNT must be 0 or more")
AXES_HANDLER = "mentora.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # what the handler counts, each on its own
AXES_FAILURE_LIMIT = MENTORA_LOCKOUT_ACCOUNT_LIMIT  # shown by axes' admin; the handler reads ours
AXES_COOLOFF_TIME = "mentora.accounts.lockout.longest_cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the page's "try again at" holds
AXES_CLIENT_IP_CALLABLE = "mentora.accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "mentora.accounts.adapter.axes_username"
AXES_LOCKOUT_CALLABLE = "mentora.accounts.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "account/locked.html"
AXES_RESET_ON_SUCCESS = True

# --- Internationalisation and time ---------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "mentora" / "static"]
# Uploaded files (agenda documents): an S3-compatible bucket when MENTORA_S3_BUCKET
# is set (every web process and worker sees the same files), local disk otherwise.
# Files are always served through the access-checked view, so the bucket stays private.
MENTORA_S3_BUCKET = env_str("MENTORA_S3_BUCKET")
if MENTORA_S3_BUCKET:
    _DEFAULT_STORAGE: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MENTORA_S3_BUCKET,
            "endpoint_url": env_str("MENTORA_S3_ENDPOINT_URL") or None,
            "access_key": env_str("MENTORA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("MENTORA_S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("MENTORA_S3_REGION") or None,
            "location": env_str("MENTORA_S3_PREFIX"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Outside production, serve straight from the apps' static folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Cache ----------------------------------------------------------------
# Redis when MENTORA_REDIS_URL is set (shared by every web process and worker);
# otherwise each process keeps its own in-memory cache.
MENTORA_REDIS_URL = env_str("MENTORA_REDIS_URL")
if MENTORA_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": MENTORA_REDIS_URL,
            "KEY_PREFIX": env_str("MENTORA_CACHE_PREFIX", "mentora"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email ----------------------------------------------------------------
# SMTP when MENTORA_EMAIL_HOST is set; otherwise mail is written to files under
# var/mail so that nothing leaves the machine in the demo.
EMAIL_HOST = env_str("MENTORA_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("MENTORA_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("MENTORA_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("MENTORA_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("MENTORA_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("MENTORA_EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("MENTORA_EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("MENTORA_DEFAULT_FROM_EMAIL", "Mentora <mentora@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------
# django-tasks with the database backend: `manage.py mentora_worker` runs the
# queue and the periodic jobs (reminders, nudges, digests); see docs/operations.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MENTORA_TASK_MAX_ATTEMPTS = env_int("MENTORA_TASK_MAX_ATTEMPTS", 5)
# A cohort match of more mentees × mentors than this is worked out by the worker.
MENTORA_BULK_MATCH_JOB_PAIRS = env_int("MENTORA_BULK_MATCH_JOB_PAIRS", 2_000_000)
# Publishing a cohort match of more pairs than this is done by the worker (0: always).
MENTORA_BULK_PUBLISH_JOB_PAIRS = env_int("MENTORA_BULK_PUBLISH_JOB_PAIRS", 200)
# Seconds an email may stay "sending" before it is sent again (same Message-ID).
MENTORA_MAIL_SENDING_TIMEOUT = env_int("MENTORA_MAIL_SENDING_TIMEOUT", 600)
# The JSON API (mentora/api/): requests a minute per token (or signed-in person).
MENTORA_API_RATE_PER_MINUTE = env_int("MENTORA_API_RATE_PER_MINUTE", 600)

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Secrets at rest (connected calendars' addresses and passwords): a Fernet key,
# or several comma-separated (the first seals); see mentora/sealed.py. Required
# in production; elsewhere a key is derived from SECRET_KEY.
MENTORA_SECRETS_KEY = env_str("MENTORA_SECRETS_KEY")
# mentora/outbound.py: may an outbound fetch reach http:// and addresses on this
# machine (127.0.0.1, ::1)? Only for development and the tests; private network
# addresses are refused always.
MENTORA_OUTBOUND_ALLOW_LOCAL = env_bool("MENTORA_OUTBOUND_ALLOW_LOCAL", DEBUG and not PRODUCTION)
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything comes from our own origin, and
# no inline script, style or handler runs; pages may not be framed, forms post
# only to us. MENTORA_CSP_REPORT_ONLY=1 sends the same policy as
# Content-Security-Policy-Report-Only, to trial it on a deployment: browsers then
# report violations instead of blocking (docs/operations.md).
MENTORA_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        # mentora/csp_report.py logs what browsers report.
        "report-uri": "/csp-report/",
    }
}
if env_bool("MENTORA_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = MENTORA_CSP
else:
    CONTENT_SECURITY_POLICY = MENTORA_CSP

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("MENTORA_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("MENTORA_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Upload and form limits: bad input gets a clear message, never a 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("MENTORA_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # The caldav package logs server addresses and answers, and a CalDAV
        # address is a secret (mentora/scheduling/calendars/caldav_sync.py).
        "caldav": {"level": "CRITICAL", "propagate": False},
    },
}
