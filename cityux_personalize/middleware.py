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


class VisitorProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sets_cookie = False
        if personalization_allowed(request):
            try:
                finish_request(request, response)
            except (OperationalError, InterfaceError) as error:
                # The database is locked or gone (the view may have answered 503 already):
                # this request's profile change is dropped rather than the answer made a 500.
                logger.warning("Visitor profile not saved, the database failed: %s", error)
            sets_cookie = VISITOR_COOKIE in response.cookies
        elif VISITOR_COOKIE in request.COOKIES:
            # Consent withdrawn (or GPC / DNT now sent): forget the visitor on this browser.
            response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
            sets_cookie = True
        patch_personalised_response(request, response, sets_visitor_cookie=sets_cookie)
        return response
