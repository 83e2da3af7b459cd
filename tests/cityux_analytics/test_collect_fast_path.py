"""`CollectFastPath`: the shipped WSGI app answers batches without the page middleware."""

import io
import json

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from cityux_analytics.models import RawEvent
from cityux_analytics.wsgi import IDLE_MIDDLEWARE, CollectFastPath
from tests.cityux_analytics.factories import T0, body, click, view

pytestmark = pytest.mark.django_db

SEEN = []


class RecordingMiddleware:
    """A site's own middleware: it must keep running, view and exception hooks included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        SEEN.append(("call", hasattr(request, "session"), hasattr(request, "user")))
        return self.get_response(request)

    def process_view(self, request, view_func, args, kwargs):
        SEEN.append(("view", view_func.__name__))

    def process_exception(self, request, exception):
        SEEN.append(("exception", str(exception)))


@pytest.fixture
def app(settings, city):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RecordingMiddleware"]
    SEEN.clear()
    return CollectFastPath(get_wsgi_application())


def call(app, method, path, data=b"", cookies=""):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "HTTP_ORIGIN": "http://testserver", "HTTP_COOKIE": cookies,
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
        "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }  # fmt: skip
    started = {}
    SEEN.clear()

    def start_response(status, headers, exc_info=None):
        started.update(status=int(status.split()[0]), headers=dict(headers))

    # As Django's test client does: the test's transaction must outlive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = app(environ, start_response)
        content = b"".join(result)
        result.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return started["status"], started["headers"], content


@pytest.fixture
def consent_cookie(client, city):
    client.post("/cityux/cookies/", {"action": "accept_all"})
    return f"cookie_consent={client.cookies['cookie_consent'].value}"


def test_a_batch_skips_the_idle_middleware_but_not_the_sites_own(app, consent_cookie):
    status, headers, _ = call(
        app, "POST", "/cityux/collect/", body([view("/"), click(T0 + 5)]), consent_cookie
    )
    assert status == 204
    assert RawEvent.objects.count() == 2
    # No session, no user: SessionMiddleware and AuthenticationMiddleware did not run ...
    assert SEEN == [("call", False, False), ("view", "collect")]
    # ... but the kept ones did (SecurityMiddleware's header).
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_other_request_goes_through_the_whole_site(app, consent_cookie):
    status, _, _ = call(app, "GET", "/cityux/collect/", cookies=consent_cookie)
    assert status == 405
    assert SEEN[0] == ("call", True, True)
    status, _, _ = call(app, "POST", "/cityux/cookies/", cookies=consent_cookie)
    assert SEEN[0] == ("call", True, True)


def test_bad_input_gets_the_same_json_400(app, consent_cookie):
    status, headers, content = call(app, "POST", "/cityux/collect/", b"{nope", consent_cookie)
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert "not valid JSON" in json.loads(content)["error"]
    assert RawEvent.objects.count() == 0


def test_an_exception_in_the_view_is_a_500_seen_by_exception_middleware(
    app, consent_cookie, monkeypatch
):
    def broken(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("cityux_analytics.views.collect.enqueue_batch", broken)
    status, _, _ = call(app, "POST", "/cityux/collect/", body([view("/")]), consent_cookie)
    assert status == 500
    assert ("exception", "disk on fire") in SEEN


def test_the_shipped_application_uses_the_fast_path():
    from cityux.site.wsgi import application

    assert isinstance(application, CollectFastPath)
    assert application.path == "/cityux/collect/"


def test_the_idle_list_names_middleware_that_exists():
    from django.utils.module_loading import import_string

    for path in IDLE_MIDDLEWARE:
        import_string(path)
