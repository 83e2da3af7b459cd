"""Settings shared by every environment of the reference city site."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "cityux-insecure-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    # CityUX: the core first, then the feature apps and the reference site.
    "cityux",
    "cityux_analytics",
    "cityux_personalize",
    "cityux_social",
    "cityux.site",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "cookie_consent",
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (one policy for the site, one for the admin) and Permissions-Policy.
    "cityux.middleware.ContentSecurityPolicyMiddleware",
    "cityux.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Saves a consenting visitor's profile after the response and marks personalised responses
    # private; without personalisation consent it does nothing.
    "cityux_personalize.middleware.VisitorProfileMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cookie_consent.middleware.CleanCookiesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Wagtail's live preview and the page UX report's click map show the site's own pages in a
# same-origin frame; DENY (Django's default) would blank both.
X_FRAME_OPTIONS = "SAMEORIGIN"

# The public site loads only its own scripts; the few inline scripts we write carry the
# request's nonce (`{{ request.csp_nonce }}`). Add the origins of embedded videos or maps here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Wagtail's admin writes inline scripts (date pickers, inline panels) and style attributes, and
# session replays rebuild pages' inline styles, so the admin allows inline code of its own.
# No nonce here: a nonce would make browsers ignore 'unsafe-inline'. The dashboard asks
# releases.wagtail.org for Wagtail's latest version (WAGTAIL_ENABLE_UPDATE_CHECK).
CITYUX_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF, "https://releases.wagtail.org"],
    }
}
# Off by default in cityux.middleware.DEFAULT_PERMISSIONS_POLICY except what pages use: the
# "choose your area" page asks for the resident's location, the replay player goes full screen.
CITYUX_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "fullscreen": ["self"],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

ROOT_URLCONF = "cityux.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cityux.wsgi.application"

# SQLite is the embedded default; DATABASE_URL (e.g. postgres://user@host/db) switches to it.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's threaded server (and the test live server) write from several threads:
    # take the write lock at the start of a transaction and wait for it, never fail at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cityux",
    }
}
if os.environ.get("CACHE_URL", "").startswith("redis://"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CACHE_URL"],
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "City of Riverton")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "txt", "xlsx"]
# No Gravatar: editors' e-mail hashes are not sent to a third party, and the admin's CSP
# loads images from the site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGIN_URL = "wagtailadmin_login"

# django-cookie-consent: opt-in, the consent cookie is read by the server only.
COOKIE_CONSENT_NAME = "cookie_consent"
COOKIE_CONSENT_SAMESITE = "Lax"
COOKIE_CONSENT_LOG_ENABLED = True

# Celery: a broker URL turns on real workers; without one, tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "cityux")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "cityux-analytics-drain-buffer": {
        "task": "cityux_analytics.drain_collect_buffer",
        "schedule": 2.0,
    },
    # Live: a click reaches the dashboards within seconds (cityux_analytics/live.py).
    "cityux-analytics-detect-live": {"task": "cityux_analytics.detect_live", "schedule": 2.0},
    "cityux-analytics-drain-spool": {"task": "cityux_analytics.drain_spool", "schedule": 60.0},
    "cityux-analytics-process-sessions": {
        "task": "cityux_analytics.process_sessions",
        "schedule": 300.0,
    },
    "cityux-analytics-purge": {"task": "cityux_analytics.purge_expired", "schedule": 86400.0},
    "cityux-personalize-purge": {"task": "cityux_personalize.purge_expired", "schedule": 86400.0},
    "cityux-social-scrub-authors": {
        "task": "cityux_social.scrub_author_data",
        "schedule": 86400.0,
    },
    "cityux-purge-tombstones": {"task": "cityux.purge_tombstones", "schedule": 86400.0},
    "cityux-analytics-retrain-worth": {
        "task": "cityux_analytics.retrain_worth_model",
        "schedule": 86400.0,
    },
    "cityux-analytics-weekly-digest": {
        "task": "cityux_analytics.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    "cityux-personalize-flush-exposures": {
        "task": "cityux_personalize.flush_exposures",
        "schedule": 60.0,
    },
    "cityux-social-fetch": {"task": "cityux_social.fetch_sources", "schedule": 60.0},
    "cityux-social-retrain": {"task": "cityux_social.retrain_classifier", "schedule": 3600.0},
    "cityux-social-sync-tickets": {"task": "cityux_social.sync_tickets", "schedule": 300.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
