"""The log of replies sent to residents, filtered and exportable."""

import django_filters
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from cityux.access import departments_for_user, scope_to_user
from cityux.exports import FormulaSafeExportMixin

from ...tickets.models import Reply
from .common import (
    inbox_refusal,
)

# -- the replies log ----------------------------------------------------------------------------


class ReplyFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Reply.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Reply"), choices=Reply.Kind.choices)
    department = django_filters.ModelChoiceFilter(
        field_name="post__department",
        label=_("Department"),
        queryset=lambda request: departments_for_user(request.user),
    )

    class Meta:
        model = Reply
        fields = []


def reply_post_url(reply):
    return reverse("cityux_social_inbox:post", args=[reply.post_id])


class ReplyLogView(FormulaSafeExportMixin, ReportView):
    """Every reply to a resident, sent or not, and why not: the close-the-loop log."""

    page_title = _("Replies to residents")
    header_icon = "comment"
    index_url_name = "cityux_social_inbox:replies"
    index_results_url_name = "cityux_social_inbox:replies_results"
    filterset_class = ReplyFilterSet
    export_filename = "cityux-social-replies"
    columns = [
        Column(
            "created_at",
            label=_("Queued"),
            accessor=lambda reply: date_format(localtime(reply.created_at), "j M Y H:i"),
        ),
        TitleColumn(
            "post",
            label=_("To"),
            accessor=lambda reply: reply.post.author_handle,
            get_url=reply_post_url,
        ),
        Column("kind", label=_("Reply"), accessor="get_kind_display"),
        Column("text", label=_("Text")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("error", label=_("Why not sent")),
    ]
    list_export = [
        "created_at",
        "sent_at",
        "post_id",
        "author",
        "source",
        "kind",
        "status",
        "text",
        "error",
        "external_id",
    ]
    export_headings = {
        "created_at": _("Queued at"),
        "sent_at": _("Sent at"),
        "post_id": _("Post"),
        "author": _("To"),
        "source": _("Source"),
        "kind": _("Reply"),
        "status": _("Status"),
        "text": _("Text"),
        "error": _("Why not sent"),
        "external_id": _("Id on the network"),
    }

    def dispatch(self, request, *args, **kwargs):
        return inbox_refusal(request) or super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        replies = Reply.objects.select_related("post__source").order_by("-created_at", "-pk")
        return scope_to_user(replies, self.request.user, "post__department")

    def to_row_dict(self, reply):
        values = {
            "created_at": reply.created_at,
            "sent_at": reply.sent_at,
            "post_id": reply.post_id,
            "author": reply.post.author_handle,
            "source": reply.post.source.name,
            "kind": reply.get_kind_display(),
            "status": reply.get_status_display(),
            "text": reply.text,
            "error": reply.error,
            "external_id": reply.external_id,
        }
        return {field: values[field] for field in self.list_export}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": reverse("cityux_social_inbox:index"), "label": _("Social inbox")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def no_results_message(self):
        return _("No reply has been sent to a resident yet.")
