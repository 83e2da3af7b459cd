"""A WSGI wrapper that answers tracker batches without the page middleware.

The collect endpoint is the busiest URL of the site: every open page posts a batch every few
seconds. It needs none of what the rest of the site sets up per request (a session, the user,
messages, CSRF, redirects, the personalisation profile, cookie clean-up), so
`CollectFastPath` sends ``POST <collect URL>`` to its own Django handler:

* the same `collect` view, with Django's request/response objects, error pages, logging and
  signals (`request_started` / `request_finished`, so database connections are closed as usual);
* the URL resolved once at start-up instead of on every request;
* the site's ``MIDDLEWARE`` without the ones listed in `IDLE_MIDDLEWARE` below. Any other
  middleware (security headers, a site's own logging or firewall) still runs, view and
  exception hooks included.

Everything else goes to the wrapped application unchanged::

    # wsgi.py
    from django.core.wsgi import get_wsgi_application
    from cityux_analytics.wsgi import CollectFastPath

    application = CollectFastPath(get_wsgi_application())

The fast path is optional: without it the endpoint works the same, only slower.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import resolve, reverse

# Middleware that does nothing useful for a tracker batch. The view reads consent from the
# cookie itself, is CSRF-exempt (sendBeacon cannot send a token; Origin is checked instead)
# and never touches the session, the user or messages. Declined cookies and a withdrawn
# visitor cookie are still removed by the next page response.
IDLE_MIDDLEWARE = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "wagtail.contrib.redirects.middleware.RedirectMiddleware",
        "cookie_consent.middleware.CleanCookiesMiddleware",
        "cityux_personalize.middleware.VisitorProfileMiddleware",
        # Document policies: the empty 204 answer to a beacon is no document to apply them to.
        "cityux.middleware.ContentSecurityPolicyMiddleware",
        "cityux.middleware.PermissionsPolicyMiddleware",
    }
)


def collect_path():
    """The collect URL's path as WSGI's PATH_INFO carries it (without SCRIPT_NAME)."""
    return reverse("cityux_analytics:collect", urlconf=settings.ROOT_URLCONF)


def is_collect_post(environ, path):
    return environ.get("PATH_INFO") == path and environ.get("REQUEST_METHOD") == "POST"


class CollectOnly:
    """Mixin for a Django handler that serves the collect view only, without idle middleware."""

    match = None

    def load_middleware(self, is_async=False):
        self.match = resolve(collect_path(), urlconf=settings.ROOT_URLCONF)
        # BaseHandler builds its chain from settings.MIDDLEWARE; give it the reduced list for
        # the time of the build (once, before the handler serves its first request).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = [path for path in full if path not in IDLE_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full

    def resolve_request(self, request):
        request.resolver_match = self.match
        return self.match


class CollectHandler(CollectOnly, WSGIHandler):
    """Django's WSGI handler for the collect URL: no URL resolution, no idle middleware."""


class CollectFastPath:
    """Route ``POST`` to the collect URL to `CollectHandler`, everything else to `application`."""

    def __init__(self, application):
        self.application = application
        self.path = collect_path()
        self.handler = CollectHandler()

    def __call__(self, environ, start_response):
        if is_collect_post(environ, self.path):
            return self.handler(environ, start_response)
        return self.application(environ, start_response)
