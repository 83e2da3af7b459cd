"""`VisitorProfileMiddleware`: saves the visitor's profile after the response and sets headers.

Place it after AuthenticationMiddleware. It does nothing for a visitor without personalisation
consent (or with GPC / DNT) except removing a visitor cookie left from an earlier consent.
"""

from .caching import patch_personalised_response
from .conf import VISITOR_COOKIE
from .profiles import finish_request, personalization_allowed


class VisitorProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        sets_cookie = False
        if personalization_allowed(request):
            finish_request(request, response)
            sets_cookie = VISITOR_COOKIE in response.cookies
        elif VISITOR_COOKIE in request.COOKIES:
            # Consent withdrawn (or GPC / DNT now sent): forget the visitor on this browser.
            response.delete_cookie(VISITOR_COOKIE, samesite="Lax")
            sets_cookie = True
        patch_personalised_response(request, response, sets_visitor_cookie=sets_cookie)
        return response
