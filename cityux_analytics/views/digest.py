"""The weekly digest's admin preview: pick a department, see the e-mail as it will be sent.

Leads see only their departments' digests (403 otherwise); "Send me a test copy" e-mails the
digest to the signed-in user alone.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cityux.access import can_see_department, departments_for_user
from cityux.admin import forbidden
from cityux.models import Department

from .. import digest


@require_http_methods(["GET"])
def digest_index(request):
    """The departments whose digest the user may preview; `?department=<id>` opens one."""
    departments = departments_for_user(request.user)
    if not departments.exists():
        return forbidden(request, _("The weekly digest is shown to department leads."))
    chosen = request.GET.get("department", "")
    if chosen:
        if not chosen.isdigit() or not departments.filter(pk=chosen).exists():
            return forbidden(
                request,
                _("You asked for a department whose digest you cannot see."),
            )
        return redirect("cityux_analytics_reports:digest_preview", int(chosen))
    return TemplateResponse(
        request,
        "cityux_analytics/digest/index.html",
        {"departments": departments.order_by("name"), "header_title": _("Weekly digest")},
    )


@require_http_methods(["GET", "POST"])
def digest_preview(request, department_id):
    """The e-mail of one department for the last full week; POST sends a test copy."""
    department = get_object_or_404(Department, pk=department_id)
    if not can_see_department(request.user, department):
        return forbidden(
            request,
            _("The digest of %(department)s is shown to its leads and city-wide analysts only.")
            % {"department": department.name},
        )
    week = digest.digest_week()
    if request.method == "POST":
        return send_test_copy(request, department, week)
    found = digest.build_digest(department, week)
    subject, text, html = digest.render_digest(found)
    return TemplateResponse(
        request,
        "cityux_analytics/digest/preview.html",
        {
            "department": department,
            "digest": found,
            "subject": subject,
            "text": text,
            "html": html,
            "recipients": digest.recipients(department),
            "sent": digest.sent_record(department, week),
            "departments": departments_for_user(request.user).order_by("name"),
            "index_url": reverse("cityux_analytics_reports:digest"),
            "header_title": _("Weekly digest"),
        },
    )


def send_test_copy(request, department, week):
    url = reverse("cityux_analytics_reports:digest_preview", args=[department.pk])
    if not request.user.email:
        messages.error(
            request,
            _("Your account has no e-mail address: add one in your account settings first."),
        )
        return redirect(url)
    digest.send_test_copy(department, week, request.user)
    messages.success(
        request, _("A test copy was sent to %(email)s.") % {"email": request.user.email}
    )
    return redirect(url)
