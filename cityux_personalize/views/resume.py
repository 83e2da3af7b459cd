"""Resume on any device: save a form's draft, hand out a code, and take it on another device.

Every view needs personalisation consent (and no GPC / DNT): without it nothing is stored and the
resident is told how to turn it on.
"""

import swapper
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cityux.clientip import client_ip
from cityux.conf import cityux_setting
from cityux.unavailable import retry_later_when_unavailable

from .. import drafts, resume
from ..profiles import get_profile, personalization_allowed

NO_CONSENT = gettext_lazy(
    "Saving your progress needs your permission to personalise this website. Turn on "
    "“Personalisation” in Cookie settings, then try again."
)
DRAFT_BODY_LIMIT = 64_000


def _form_page(page_id):
    page_model = swapper.load_model("wagtailcore", "Page")
    page = get_object_or_404(page_model, pk=page_id, live=True).specific
    if not drafts.is_form_page(page):
        raise Http404
    return page


def _error(message, status):
    return JsonResponse({"error": str(message)}, status=status)


@never_cache
@require_POST
@retry_later_when_unavailable
def save_draft(request, page_id):
    """POST {"fields": {name: value}}: keep what the resident typed so far."""
    page = _form_page(page_id)
    if not personalization_allowed(request):
        return _error(NO_CONSENT, 403)
    if len(request.body) > DRAFT_BODY_LIMIT:
        return _error(_("This draft is too long to keep; your answers are still in the form."), 413)
    try:
        drafts.save_draft(get_profile(request), page, drafts.parse_draft(request.body))
    except drafts.DraftTooLarge as error:
        return _error(error, 413)
    except drafts.DraftError as error:
        return _error(error, 400)
    return JsonResponse({"saved": True})


def resume_link(request, code):
    return request.build_absolute_uri(
        f"{reverse('cityux_personalize:resume')}?{urlencode({'code': resume.format_code(code)})}"
    )


@never_cache
@require_POST
@retry_later_when_unavailable
def issue_code(request, page_id):
    """A one-time code and link to continue this form on another device (optionally e-mailed).

    The e-mail address is used to send the message and then forgotten.
    """
    page = _form_page(page_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not personalization_allowed(request):
        return (
            _error(NO_CONSENT, 403) if wants_json else _code_page(request, page, error=NO_CONSENT)
        )
    email = request.POST.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            message = _("“%(email)s” is not an e-mail address. Check it, or leave it empty.") % {
                "email": email[:100]
            }
            return _error(message, 400) if wants_json else _code_page(request, page, error=message)
    profile = get_profile(request)
    try:
        issued = resume.issue_code(profile, page)
    except resume.ResumeError as error:
        return _error(error, 429) if wants_json else _code_page(request, page, error=error)
    link = resume_link(request, issued.code)
    minutes = resume.resume_setting("RESUME_CODE_MINUTES")
    if email:
        send_mail(
            _("Continue “%(form)s” on another device") % {"form": page.title},
            _(
                "Your code is %(code)s. Enter it at %(link)s within %(minutes)d minutes to "
                "continue “%(form)s”. The code works once. If you did not ask for it, ignore "
                "this message."
            )
            % {"code": issued.display, "link": link, "minutes": minutes, "form": page.title},
            None,
            [email],
        )
    result = {"code": issued.display, "link": link, "minutes": minutes, "emailed": bool(email)}
    if wants_json:
        return JsonResponse(result)
    return _code_page(request, page, result=result)


def _code_page(request, page, result=None, error=None):
    context = {
        "page": page,
        "result": result,
        "error": error,
        "base_template": cityux_setting("BASE_TEMPLATE"),
    }
    return render(
        request,
        "cityux_personalize/resume/code.html",
        context,
        status=200 if error is None else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@retry_later_when_unavailable
def enter_code(request):
    """GET: the form to enter a code. POST: take the code, join this device, reopen the form.

    Following the link only fills in the code: a mail scanner that opens links cannot use it.
    """
    code_text = request.POST.get("code") if request.method == "POST" else request.GET.get("code")
    error = None
    if request.method == "POST":
        if not personalization_allowed(request):
            error = NO_CONSENT
        else:
            profile = get_profile(request)
            limits = resume.attempt_limits(client_ip(request), profile.visitor_id)
            try:
                resume_code = resume.redeem_code(code_text, limits)
            except resume.ResumeError as refused:
                error = str(refused)
            else:
                return _continue(request, profile, resume_code)
    return render(
        request,
        "cityux_personalize/resume/enter.html",
        {
            "code": (code_text or "")[:20],
            "error": error,
            "consent": personalization_allowed(request),
            "base_template": cityux_setting("BASE_TEMPLATE"),
        },
        status=400 if error else 200,
    )


def _continue(request, profile, resume_code):
    """This device joins the code's profile; then on to the form, where the draft is restored."""
    resume.join_profiles(request, resume_code.profile, profile)
    page = resume_code.page.specific if resume_code.page_id else None
    return HttpResponseRedirect(page.url if page is not None and page.live else "/")
