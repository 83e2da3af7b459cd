"""System checks that tell a city's IT team, in plain words, what is missing."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_consent_gate(app_configs, **kwargs):
    problems = []
    if not apps.is_installed("cookie_consent"):
        problems.append(
            Error(
                "CityUX needs django-cookie-consent for its consent gate.",
                hint='Add "cookie_consent" to INSTALLED_APPS and run migrate.',
                id="cityux.E001",
            )
        )
    if "cookie_consent.middleware.CleanCookiesMiddleware" not in settings.MIDDLEWARE:
        problems.append(
            Warning(
                "Cookies of declined consent groups are not cleaned up.",
                hint='Add "cookie_consent.middleware.CleanCookiesMiddleware" to MIDDLEWARE.',
                id="cityux.W001",
            )
        )
    return problems


@register()
def check_request_context(app_configs, **kwargs):
    processors = [
        p
        for engine in settings.TEMPLATES
        for p in engine.get("OPTIONS", {}).get("context_processors", [])
    ]
    if "django.template.context_processors.request" not in processors:
        return [
            Error(
                "The consent banner and {% ifconsent %} need the request in template context.",
                hint='Add "django.template.context_processors.request" to context_processors.',
                id="cityux.E002",
            )
        ]
    return []


def _serious(message, hint, number):
    """Error in production, Warning while DEBUG is on (a developer may not run a worker yet)."""
    if settings.DEBUG:
        return Warning(message, hint=hint, id=f"cityux.W{number}")
    return Error(message, hint=hint, id=f"cityux.E{number}")


def _celery_app():
    """The Celery app this process would send tasks to, or None without a configured one."""
    from celery import _state, current_app

    app = current_app._get_current_object()
    if app is _state.default_app and app.main == "default":
        return None  # Celery's own fallback: the site never created (or imported) its app
    return app


@register()
def check_celery(app_configs, **kwargs):
    app = _celery_app()
    if app is None:
        return [
            _serious(
                "No Celery app is configured: each analytics batch waits for a broker that is "
                "not there and lands in the spool, and nothing runs CityUX's beat schedule.",
                "Create your site's Celery app (config_from_object('django.conf:settings', "
                "namespace='CELERY'), autodiscover_tasks()), import it in your project "
                "package's __init__.py and set CELERY_BROKER_URL; see cityux.celery.",
                "003",
            )
        ]
    if not app.conf.task_always_eager and not app.conf.broker_url:
        return [
            _serious(
                "CELERY_BROKER_URL is not set: Celery would send CityUX's tasks to an AMQP "
                "server on localhost.",
                "Set CELERY_BROKER_URL (redis://…, or any broker kombu supports), or "
                "CELERY_TASK_ALWAYS_EAGER = True to run tasks in the web process.",
                "004",
            )
        ]
    return []


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register()
def check_shared_cache(app_configs, **kwargs):
    app = _celery_app()
    if app is None or app.conf.task_always_eager:
        return []  # no separate worker process
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is per process, but the Celery "
            "worker is another process: it keeps a stale page → department map (visits to a "
            "newly assigned page are stored with no department) and the exposure flush reads "
            "its own empty cache (personalisation exposures are never counted).",
            hint="Use a shared cache for CACHES['default'], e.g. "
            "django.core.cache.backends.redis.RedisCache.",
            id="cityux.W007",
        )
    ]


@register()
def check_companion_apps(app_configs, **kwargs):
    problems = []
    if apps.is_installed("cityux_analytics"):
        if not apps.is_installed("django.contrib.humanize"):
            problems.append(
                Error(
                    "cityux_analytics needs django.contrib.humanize: the digest preview and the "
                    "weekly digest e-mail fail without it.",
                    hint='Add "django.contrib.humanize" to INSTALLED_APPS.',
                    id="cityux.E005",
                )
            )
        uses_header = "django.middleware.clickjacking.XFrameOptionsMiddleware" in (
            settings.MIDDLEWARE
        )
        if uses_header and getattr(settings, "X_FRAME_OPTIONS", "DENY") != "SAMEORIGIN":
            problems.append(
                Warning(
                    "X_FRAME_OPTIONS is not SAMEORIGIN: the page UX report's click map shows the "
                    "page in a same-origin frame, which the browser then leaves blank.",
                    hint='Set X_FRAME_OPTIONS = "SAMEORIGIN".',
                    id="cityux.W005",
                )
            )
    if apps.is_installed("cityux_social") and not apps.is_installed("wagtail_modeladmin"):
        problems.append(
            Error(
                "cityux_social needs wagtail_modeladmin: its inbox admin pages fail with "
                "TemplateDoesNotExist without it.",
                hint='Add "wagtail_modeladmin" to INSTALLED_APPS.',
                id="cityux.E006",
            )
        )
    return problems
