"""`{% resume_form_tools page form %}`: save-as-you-type and "continue on another device".

Put it right after a Wagtail form page's `<form>`; it renders nothing without personalisation
consent (or with GPC / DNT), so no draft is ever kept for a resident who did not agree.
"""

from django import template
from django.urls import reverse

from ..caching import mark_personalisable, mark_personalised
from ..drafts import draft_for, is_form_page
from ..profiles import get_profile, personalization_allowed
from ..resume import resume_setting

register = template.Library()


@register.inclusion_tag("cityux_personalize/resume/_form_tools.html", takes_context=True)
def resume_form_tools(context, page, form=None):
    request = context.get("request")
    if request is None or not is_form_page(page):
        return {"enabled": False}
    if not personalization_allowed(request):
        mark_personalisable(request)  # a visitor who consented gets the tools: Vary: Cookie
        return {"enabled": False}
    mark_personalised(request)  # the draft is this visitor's alone: never in a shared cache
    draft = None
    # A form sent back with errors already shows what the resident typed.
    if form is None or not form.is_bound:
        draft = draft_for(get_profile(request), page)
    return {
        "enabled": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "page": page,
        "draft": draft.data if draft else None,
        "draft_url": reverse("cityux_personalize:save_draft", args=[page.pk]),
        "code_url": reverse("cityux_personalize:issue_code", args=[page.pk]),
        "minutes": resume_setting("RESUME_CODE_MINUTES"),
    }
