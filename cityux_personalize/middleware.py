"""`VisitorProfileMiddleware`: saves the visitor's profile after the response and sets headers.

Place it after AuthenticationMiddleware. It does nothing for a visitor without personalisation
consent (or with GPC / DNT) except removing a visitor cookie left from an earlier consent.
"""

import logging

from django.db import InterfaceError, OperationalError

from .caching import patch_personalised_response
from .conf import VISITOR_COOKIE
from .profiles import finish_request, personalization_allowed

logger = logging.getLogger(__name__)


def save_profile(request, response):
    """Save the visitor's profile after the view; a database that fails drops this request's
    change rather than turning the answer into a 500."""
    if response.status_code == 503:
        return  # the view found the database unavailable: waiting on it again would hang
    try:
        finish_request(request, response)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Visitor profile not saved, the database failed: %s", error)


class VisitorProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sets_cookie = False
        if personalization_allowed(request):
            save_profile(request, response)
            sets_cookie = VISITOR_COOKIE in response.cookies
        elif VISITOR_COOKIE in request.COOKIES:
            # Consent withdrawn (or GPC / DNT now sent): forget the visitor on this browser.
            response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
            sets_cookie = True
        patch_personalised_response(request, response, sets_visitor_cookie=sets_cookie)
        return response
