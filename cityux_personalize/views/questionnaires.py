"""A resident answers a questionnaire; the answer goes into their profile."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityux.conf import cityux_setting

from ..blocks import transparency_links
from ..models import Questionnaire
from ..profiles import get_profile, personalization_allowed, update_profile
from .areas import safe_next


@require_http_methods(["GET", "POST"])
def answer_questionnaire(request, slug):
    questionnaire = get_object_or_404(Questionnaire, slug=slug)
    allowed = personalization_allowed(request)
    error = None
    status = 200
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        if not allowed:
            error, status = _("Allow personalised content first, in Cookie settings."), 403
        elif answer not in dict(questionnaire.choice_list):
            error, status = _("Please choose one of the answers."), 400
        else:
            update_profile(request, answers={questionnaire.slug: answer})
            messages.success(request, questionnaire.get_thank_you_message())
            return HttpResponseRedirect(safe_next(request, request.path))
    profile = get_profile(request) if allowed else None
    return render(
        request,
        "cityux_personalize/questionnaire_page.html",
        {
            "questionnaire": questionnaire,
            "allowed": allowed,
            "answer": profile.answers.get(questionnaire.slug) if profile else None,
            "error": error,
            "next_url": safe_next(request, ""),
            "links": transparency_links(),
            "base_template": cityux_setting("BASE_TEMPLATE"),
        },
        status=status,
    )
