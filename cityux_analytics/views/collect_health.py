"""Collect health: city IT sees whether accepted batches are stored, and retries dead letters."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from cityux.exports import FormulaSafeExportMixin

from ..collect_health import collect_health
from ..dead_letters import retry_dead_letters
from ..models import DeadLetteredBatch

permission_policy = ModelPermissionPolicy(DeadLetteredBatch)
RETRY_AT_ONCE = 500  # a request retries this many at most; the command retries any number


def body_preview(row, length=120):
    """The first characters of the batch, for a glance at what it was."""
    return bytes(row.body)[:length].decode(errors="replace")


class CollectHealthView(FormulaSafeExportMixin, ReportView):
    page_title = _("Collect health")
    header_icon = "tasks"
    template_name = "cityux_analytics/collect_health/index.html"
    index_url_name = "cityux_analytics_collect_health:index"
    index_results_url_name = "cityux_analytics_collect_health:index_results"
    permission_policy = permission_policy
    permission_required = "view"
    model = DeadLetteredBatch
    export_filename = "cityux-dead-lettered-batches"
    columns = [
        Column("pk", label=_("#")),
        DateColumn("failed_at", label=_("Last failed")),
        Column("source", label=_("Waited in"), accessor="get_source_display"),
        Column("attempts", label=_("Attempts")),
        Column("error", label=_("Error")),
        Column("body", label=_("Batch (start)"), accessor=body_preview),
    ]
    list_export = ["pk", "failed_at", "received_at", "source", "attempts", "error", "body"]
    export_headings = {
        "pk": _("Dead letter"),
        "failed_at": _("Last failed"),
        "received_at": _("Received"),
        "source": _("Waited in"),
        "attempts": _("Attempts"),
        "error": _("Error"),
        "body": _("Batch"),
    }
    custom_field_preprocess = {
        "body": {
            ReportView.FORMAT_CSV: lambda body: bytes(body).decode(errors="replace"),
            ReportView.FORMAT_XLSX: lambda body: bytes(body).decode(errors="replace"),
        }
    }

    def get_queryset(self):
        return DeadLetteredBatch.objects.order_by("-failed_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["health"] = collect_health()
        context["may_retry"] = permission_policy.user_has_permission(self.request.user, "change")
        return context


@require_POST
def retry(request):
    """Ingest the dead letters again (the oldest RETRY_AT_ONCE), then back to the page."""
    if not permission_policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    rows = DeadLetteredBatch.objects.order_by("pk")[:RETRY_AT_ONCE]
    stored, failed = retry_dead_letters(rows)
    messages.success(
        request,
        ngettext(
            "%(stored)d batch stored; %(failed)d still failing.",
            "%(stored)d batches stored; %(failed)d still failing.",
            stored,
        )
        % {"stored": stored, "failed": failed},
    )
    return redirect("cityux_analytics_collect_health:index")
