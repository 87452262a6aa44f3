"""Settings for the portal, read from the environment.

One module for every place the portal runs. `PORTAL_ENV` says which:
`development` (the default: `make run`, tests) or `production`. Without
`DATABASE_URL` the portal uses SQLite under `var/`; without `REDIS_URL` Celery
runs tasks eagerly and caches stay in memory (the embedded `make run` mode).
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
DEV_FIELD_KEY = "dev-only-insecure-field-key-never-use-in-production"


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


PORTAL_ENV = env_str("PORTAL_ENV", "development")
if PORTAL_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("PORTAL_ENV must be 'development' or 'production'.")
PRODUCTION = PORTAL_ENV == "production"
# The benchmark harness adds a bare reference view; nothing else may turn it on.
BENCHMARK = env_bool("PORTAL_BENCHMARK", False)

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
# Separate key for identifiers at rest, so that rotating SECRET_KEY (sessions,
# signed links) never makes stored PESEL numbers unreadable.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "" if PRODUCTION else DEV_FIELD_KEY)

# Older keys, comma-separated, still accepted for reading while values are re-encrypted.
FIELD_ENCRYPTION_RETIRED_KEYS = env_list("FIELD_ENCRYPTION_RETIRED_KEYS", "")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY to a random value of 50+ characters.")
    if not FIELD_ENCRYPTION_KEY or FIELD_ENCRYPTION_KEY == DEV_FIELD_KEY:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEY to a random value.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies stand in front of the portal and append to
# X-Forwarded-For. 0 means REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "accounts.admin_apps.PortalAdminConfig",  # django.contrib.admin behind the two-step login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "notifications",
    "notifications.sms",
    "payments",
    "invoicing",
    "offers",
    "subscribers",
    "partners",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

# Widgets render through the project's templates, so that templates/django/forms/
# can replace a built-in one (attrs.html: every input's attributes in one pass).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database ------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# `make run` without PostgreSQL: SQLite that holds concurrent requests. WAL lets
# readers go on while one writes; a writer waits (busy timeout) instead of failing
# at once; IMMEDIATE transactions take the write lock at BEGIN, so two writers
# never deadlock upgrading a read lock ("database is locked").
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # Parameters travel apart from the SQL (server-side binding), so a statement is the
    # same text on every request; psycopg prepares one after its 5th run on a connection
    # and PostgreSQL stops parsing and planning it. Prepared statements belong to the
    # database session: behind a pooler in transaction mode set
    # DATABASE_PREPARED_STATEMENTS=0 (a direct connection or session mode keeps them).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
    }
elif PRODUCTION:
    raise ImproperlyConfigured("Set DATABASE_URL (PostgreSQL) in production.")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": dj_database_url.parse(f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, cache, Celery -------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("Set REDIS_URL in production.")
EMBEDDED = not REDIS_URL

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "accounts.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # A Redis that does not answer must not hold a page (accounts.session_store).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", EMBEDDED)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TIMEZONE = "Europe/Warsaw"
# A task is redelivered if not acknowledged within the visibility timeout, so it
# must outlast the longest countdown plus run time (1 h of retry backoff + 90 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
# Publishing must not hang a web request when Redis is down: the outbox row
# is already committed and the beat task re-queues it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "outbox-requeue-stale": {
        "task": "notifications.tasks.outbox_requeue_stale",
        "schedule": 60.0,
    },
    "offers-policies-deliver-pending": {
        "task": "offers.tasks.policies_deliver_pending_task",
        "schedule": 120.0,
    },
    "offers-expire-overdue": {
        "task": "offers.tasks.offers_expire_overdue",
        "schedule": 60.0,
    },
    "offers-send-reminders": {
        "task": "offers.tasks.offers_send_reminders",
        "schedule": 300.0,
    },
    # Asks the provider about payments pending for over 15 minutes, so that a
    # lost webhook never leaves a paid client without what was paid for.
    "payments-reconcile-pending": {
        "task": "payments.tasks.payments_reconcile_pending",
        "schedule": 300.0,
    },
    # Picks up invoices whose e-mail or KSeF submission was lost with a worker.
    "invoicing-sweep": {
        "task": "invoicing.tasks.invoicing_sweep",
        "schedule": 300.0,
    },
    # Tariffs that start, complaints not completed in 7 days, Profit expiry and
    # its reminders 30 and 7 days ahead; every step is done once, so hourly is safe.
    "subscribers-daily": {
        "task": "subscribers.tasks.subscribers_daily",
        "schedule": 3600.0,
    },
}

# Auth and sessions ----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PortalModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Argon2id first (accounts.hashers); PBKDF2 only reads older hashes, which are
# rehashed with Argon2id at the next successful login.
PASSWORD_HASHERS = [
    "accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions are read from the cache (Redis) and written through to the database.
SESSION_ENGINE = "accounts.session_store"  # cached_db that survives a Redis outage
SESSION_COOKIE_AGE = 30 * 60  # idle limit, pushed forward by activity (accounts.sessions)
SESSION_TOUCH_INTERVAL = 60
SESSION_ABSOLUTE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Security headers -----------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if PRODUCTION:
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds every subdomain to HTTPS for good: an explicit decision.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, *env_list("CSP_FORM_ACTION_EXTRA", "")],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("polski")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# Static and media -----------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
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

# E-mail -----------------------------------------------------------------------


def _mailer(url: str) -> dict[str, object]:
    """Turn EMAIL_URL (smtp://user:pass@host:port?tls=1, smtps://…, or console:) into a mailer."""
    if not url or url.startswith("console:"):
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtps:// or console:")
    query = parse_qs(parsed.query)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parsed.hostname or "localhost",
            "port": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_ssl": parsed.scheme == "smtps",
            "use_tls": query.get("tls", ["0"])[0] in {"1", "true"},
            "timeout": 10,
        },
    }


EMAIL_URL = os.environ.get("EMAIL_URL", "")
if PRODUCTION and not EMAIL_URL:
    raise ImproperlyConfigured("Set EMAIL_URL (smtp://…) in production.")
MAILERS = {"default": _mailer(EMAIL_URL)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portal <ubezpieczenia@portal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS ------------------------------------------------------------------------

# "console" writes messages to the log (and the outbox page); "memory" keeps them
# for tests to read; "http" posts them to SMS_GATEWAY_URL with SMS_GATEWAY_TOKEN
# (notifications.gateways lists them; a dotted path selects one's own).
SMS_GATEWAY = env_str("SMS_GATEWAY", "console")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_DEFAULT_SENDER = env_str("SMS_DEFAULT_SENDER", "Bramka SMS")
if PRODUCTION and SMS_GATEWAY in ("console", "memory"):
    raise ImproperlyConfigured("Set SMS_GATEWAY=http with SMS_GATEWAY_URL in production.")

# The SMS module (notifications.sms): price per SMS part, recorded on each debit.
SMS_PRICE_PER_PART = env_str("SMS_PRICE_PER_PART", "0.29")
# Names an agency may pick without authorisation (operators know them already).
SMS_SENDER_PRESETS = env_list("SMS_SENDER_PRESETS", "Ubezpieczen,Polisa,Agent OC,Twoj Agent")
# Messages go out only within this window, Warsaw time; one due at night waits.
SMS_WINDOW_START = env_int("SMS_WINDOW_START", 8)
SMS_WINDOW_END = env_int("SMS_WINDOW_END", 20)
# The secret in the delivery-report URL given to the gateway (…/sms/raport/<secret>/).
SMS_REPORT_SECRET = env_str("SMS_REPORT_SECRET", "" if PRODUCTION else "dev-sms-report-secret")
# SMSAPI.pl (SMS_GATEWAY=smsapi): API address and OAuth token.
SMSAPI_URL = env_str("SMSAPI_URL", "https://api.smsapi.pl")
SMSAPI_TOKEN = os.environ.get("SMSAPI_TOKEN", "")
# Where agencies send transfers, with their registration code in the title.
SMS_BANK_ACCOUNT = env_str("SMS_BANK_ACCOUNT", "76 1140 2004 0000 3502 4346 5646")
SMS_BANK_RECIPIENT = env_str(
    "SMS_BANK_RECIPIENT", "Portal sp. z o.o., ul. Chabrów 35/1, 45-221 Opole"
)
CELERY_BEAT_SCHEDULE["sms-release-due"] = {
    "task": "notifications.sms.tasks.sms_release_due",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["sms-reminders-run"] = {
    "task": "notifications.sms.tasks.sms_reminders_run",
    "schedule": 300.0,
}

# Payments -------------------------------------------------------------------

# "sandbox" (the portal's own hosted test page) or "stripe".
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "sandbox")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # only tests point it elsewhere
SANDBOX_WEBHOOK_SECRET = env_str("SANDBOX_WEBHOOK_SECRET", "whsec_sandbox_development_only")
# How the sandbox delivers its signed webhooks: "internal" hands them to the
# webhook receiver in-process (works with eager tasks and in tests); "http"
# posts them to PORTAL_BASE_URL like an outside provider (a real worker).
SANDBOX_WEBHOOK_DELIVERY = env_str("SANDBOX_WEBHOOK_DELIVERY", "internal")
if SANDBOX_WEBHOOK_DELIVERY not in {"internal", "http"}:
    raise ImproperlyConfigured("SANDBOX_WEBHOOK_DELIVERY must be 'internal' or 'http'.")
if PRODUCTION and PAYMENT_PROVIDER == "sandbox":
    raise ImproperlyConfigured("Set PAYMENT_PROVIDER=stripe with Stripe keys in production.")
if PRODUCTION and PAYMENT_PROVIDER == "stripe" and not STRIPE_WEBHOOK_SECRET:
    # Without it no webhook could be verified: payments would never be confirmed.
    raise ImproperlyConfigured("Set STRIPE_WEBHOOK_SECRET (the webhook endpoint's signing secret).")

# Invoicing ------------------------------------------------------------------

# The seller on every VAT invoice. Development has a demo company (a valid
# NIP and IBAN checksum); production must say who it is.
INVOICE_SELLER_NAME = env_str(
    "INVOICE_SELLER_NAME", None if PRODUCTION else "Portal Demo sp. z o.o."
)
INVOICE_SELLER_NIP = env_str("INVOICE_SELLER_NIP", None if PRODUCTION else "5250001233")
INVOICE_SELLER_ADDRESS = env_str(
    "INVOICE_SELLER_ADDRESS", None if PRODUCTION else "ul. Przykładowa 1, 00-950 Warszawa"
)
INVOICE_SELLER_IBAN = env_str(
    "INVOICE_SELLER_IBAN", None if PRODUCTION else "PL61109010140000071219812874"
)
INVOICE_SELLER_BANK = env_str("INVOICE_SELLER_BANK", "" if PRODUCTION else "Bank Demo S.A.")
INVOICE_SELLER_EMAIL = env_str("INVOICE_SELLER_EMAIL", "")
INVOICE_PLACE = env_str("INVOICE_PLACE", "Warszawa")
INVOICE_NUMBER_PREFIX = env_str("INVOICE_NUMBER_PREFIX", "FV")
# "fake" answers like KSeF without leaving the machine (development, tests);
# "disabled" keeps invoices "not sent" for staff to submit; a dotted path
# names a client of one's own (invoicing.ksef lists them).
KSEF_CLIENT = env_str("KSEF_CLIENT", "disabled" if PRODUCTION else "fake")
# Where the QR code on a printed invoice sends the reader to check it in KSeF.
KSEF_QR_BASE_URL = env_str(
    "KSEF_QR_BASE_URL",
    "https://qr.ksef.mf.gov.pl" if PRODUCTION else "https://qr-test.ksef.mf.gov.pl",
).rstrip("/")
# Seconds between sending an invoice to KSeF and asking for its decision.
KSEF_CHECK_AFTER = env_int("KSEF_CHECK_AFTER", 15)
if PRODUCTION and KSEF_CLIENT == "fake":
    raise ImproperlyConfigured("KSEF_CLIENT=fake accepts nothing for real: not in production.")

# Rate limits ----------------------------------------------------------------

RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)

# Logging --------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "accounts.logging.RedactIdentifiersFilter"},
    },
    "formatters": {
        "utc": {
            "()": "accounts.logging.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "utc",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "portal": {"level": "INFO"},
    },
}

ADMINS = [("Portal", addr) for addr in env_list("ADMIN_EMAILS", "")]

# Subscribers ----------------------------------------------------------------------

# The operator on letters to subscribers (complaint answers sent by post).
SUBSCRIBER_OPERATOR_NAME = env_str(
    "SUBSCRIBER_OPERATOR_NAME", None if PRODUCTION else "Idea — operator sieci komórkowej"
)
SUBSCRIBER_OPERATOR_ADDRESS = env_str(
    "SUBSCRIBER_OPERATOR_ADDRESS", None if PRODUCTION else "ul. Przykładowa 1, 00-950 Warszawa"
)
SUBSCRIBER_OPERATOR_NIP = env_str("SUBSCRIBER_OPERATOR_NIP", "" if PRODUCTION else "5250001233")
SUBSCRIBER_OPERATOR_CONTACT = env_str(
    "SUBSCRIBER_OPERATOR_CONTACT", "" if PRODUCTION else "Biuro Obsługi Klienta, tel. 602 900 000"
)
SUBSCRIBER_LETTER_PLACE = env_str("SUBSCRIBER_LETTER_PLACE", "Warszawa")

# Partners -------------------------------------------------------------------------

# How long the first registration of a customer NIP and program holds it against others.
PARTNER_SALES_HOLD_DAYS = env_int("PARTNER_SALES_HOLD_DAYS", 90)
PARTNER_SUPPORT_EMAIL = os.environ.get("PARTNER_SUPPORT_EMAIL", "pomoc-partnerzy@example.com")
CELERY_BEAT_SCHEDULE["partners-technician-expiry"] = {
    "task": "partners.tasks.technician_expiry_remind",
    "schedule": 6 * 3600.0,  # claimed per notice, so running it more often than daily is harmless
}
CELERY_BEAT_SCHEDULE["partners-technician-expiry-apply"] = {
    "task": "partners.tasks.technician_expiry_apply",
    "schedule": 6 * 3600.0,  # the level changes once, under a row lock: later runs find nothing
}
