"""Public endpoints answer 503 with Retry-After while the database or Redis is unavailable.

A locked or unreachable database, or a Redis that is down, is not the resident's fault and
not a bug: the tracker, the replay uploader and the survey widget retry on 5xx, and a person
is told to try again in a minute. Decorate each resident-facing view::

    @csrf_exempt
    @require_POST
    @retry_later_when_unavailable
    def upload_replay(request): ...

While the view runs, a row or table lock is waited for at most `CITYUX_LOCK_WAIT_SECONDS`
(SQLite's busy timeout, PostgreSQL's `lock_timeout`), so a request never hangs for the
database's own timeout first. Errors of the input or of our code are not caught here.
"""

import contextlib
import functools
import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views import defaults

from .conf import cityux_setting

logger = logging.getLogger(__name__)


@functools.cache
def unavailable_errors():
    """The exceptions that mean "a backing service is unavailable", not "a bug"."""
    errors = [OperationalError, InterfaceError]
    try:
        from kombu.exceptions import OperationalError as BrokerUnavailable
        from redis.exceptions import ConnectionError as RedisDown
        from redis.exceptions import TimeoutError as RedisTimeout
    except ImportError:  # pragma: no cover - celery[redis] is a dependency of the core
        pass
    else:
        errors += [RedisDown, RedisTimeout, BrokerUnavailable]
    return tuple(errors)


def retry_later_when_unavailable(view):
    """Answer 503 with Retry-After when `view` finds the database or Redis unavailable."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        wait = ShortLockWait()
        # A plain append / remove rather than connection.execute_wrapper(): this runs on every
        # collect request, most of which never touch the database.
        wrappers = connection.execute_wrappers
        wrappers.append(wait)
        try:
            return view(request, *args, **kwargs)
        except unavailable_errors() as error:
            logger.warning("%s answered 503: %s", request.path, error)
            return retry_later(request)
        finally:
            wrappers.remove(wait)
            wait.restore()

    return wrapped


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """`handler500`: a service found unavailable outside any view answers 503 as well.

    A middleware can be the first to need a backing service (django-cookie-consent reads the
    cache on every response), where no view decorator sees it; any other error is Django's 500.
    """
    if isinstance(sys.exc_info()[1], unavailable_errors()):
        logger.warning("%s answered 503: %s", request.path, sys.exc_info()[1])
        return retry_later(request)
    return defaults.server_error(request, template_name)


def retry_later(request):
    """The 503 answer: JSON for scripts, a short page for a browser's form post."""
    message = _("This service is busy right now. Please try again in a minute.")
    if "text/html" in request.headers.get("Accept", ""):
        response = HttpResponse(f"<!doctype html><p>{escape(message)}</p>", status=503)
    else:
        response = JsonResponse({"error": message}, status=503)
    response["Retry-After"] = str(cityux_setting("RETRY_AFTER_SECONDS"))
    response["Cache-Control"] = "no-store"
    return response


# Savepoint statements run while a transaction may be aborted, where even a SET fails.
_TRANSACTION_CONTROL = ("SAVEPOINT", "ROLLBACK", "RELEASE")


class ShortLockWait:
    """A database execute wrapper: wait at most LOCK_WAIT_SECONDS for a lock, then restore."""

    def __init__(self):
        self.reset = None
        self.settled = False

    def __call__(self, execute, sql, params, many, context):
        if not self.settled and not sql.startswith(_TRANSACTION_CONTROL):
            database = context["connection"]
            wait = cityux_setting("LOCK_WAIT_SECONDS")
            self.reset = _shorten(database, wait) or self.reset
            # PostgreSQL undoes a SET made in a transaction that rolls back (a lock timeout
            # does): set it again before each query until one was set outside a transaction.
            self.settled = database.vendor != "postgresql" or not database.in_atomic_block
        return execute(sql, params, many, context)

    def restore(self):
        """Set the connection's own lock wait back, if a query changed it."""
        if self.reset is not None:
            with contextlib.suppress(Exception):  # a broken connection is closed anyway
                self.reset()


def _shorten(database, seconds):
    """Set the lock wait of `database`'s open connection; return how to set it back."""
    raw = database.connection
    milliseconds = int(seconds * 1000)
    if database.vendor == "sqlite":
        previous = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute(f"PRAGMA busy_timeout = {milliseconds}")
        return lambda: raw.execute(f"PRAGMA busy_timeout = {int(previous)}")
    if database.vendor == "postgresql":
        try:
            with raw.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {milliseconds}")
        except Exception:  # an aborted transaction: the query itself will say so
            return None

        def reset():
            with raw.cursor() as cursor:
                cursor.execute("RESET lock_timeout")

        return reset
    return lambda: None
