"""The inbox listing and its "needs review" queue, filtered and exportable."""

import django_filters
from django.db.models import F, Func, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from cityux.access import departments_for_user
from cityux.exports import FormulaSafeExportMixin

from ...models import SocialPost, Source
from ..forms import BulkForm, request_types_for
from .common import (
    TO_DO,
    UNDECIDED,
    Status,
    decorate,
    inbox_refusal,
    scoped_posts,
)

# -- the listing --------------------------------------------------------------------------------


def percent_filter(lookup):
    """A filter method comparing the confidence (0-1) with a percentage."""

    def method(queryset, name, value):
        return queryset.filter(**{f"confidence__{lookup}": value / 100})

    return method


class InboxFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("all", _("Any status")), *Status.choices],
        empty_label=_("To do: new, needs review, ticket failed"),
        method="filter_status",
    )
    request_type = django_filters.ModelChoiceFilter(
        label=_("Type of request"),
        queryset=lambda request: request_types_for(request.user),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=lambda request: departments_for_user(request.user)
    )
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=Source.objects.all())
    posted_from = django_filters.DateFilter(
        field_name="posted_at",
        lookup_expr="date__gte",
        label=_("Posted from"),
        widget=AdminDateInput,
    )
    posted_to = django_filters.DateFilter(
        field_name="posted_at",
        lookup_expr="date__lte",
        label=_("Posted until"),
        widget=AdminDateInput,
    )
    confidence_from = django_filters.NumberFilter(
        label=_("Confidence from (%)"), method=percent_filter("gte")
    )
    confidence_to = django_filters.NumberFilter(
        label=_("Confidence up to (%)"), method=percent_filter("lte")
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[("me", _("To me")), ("nobody", _("To nobody"))],
        method="filter_assigned",
    )

    class Meta:
        model = SocialPost
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_to=self.request.user)
        return queryset.filter(assigned_to__isnull=True)


class InboxView(FormulaSafeExportMixin, ReportView):
    template_name = "cityux_social/inbox/index.html"
    results_template_name = "cityux_social/inbox/results.html"
    page_title = _("Social inbox")
    header_icon = "mail"
    index_url_name = "cityux_social_inbox:index"
    index_results_url_name = "cityux_social_inbox:index_results"
    filterset_class = InboxFilterSet
    paginate_by = 25
    export_filename = "cityux-social-inbox"
    queue = "all"
    list_export = [
        "id",
        "posted_at",
        "source",
        "author_handle",
        "author_followers",
        "text",
        "url",
        "place",
        "latitude",
        "longitude",
        "request_type",
        "department",
        "confidence",
        "status",
        "assigned_to",
        "decided_by",
        "decided_at",
        "dismiss_reason",
        "ticket",
        "ticket_status",
        "ticket_error",
    ]
    export_headings = {
        "id": _("Post"),
        "posted_at": _("Posted at"),
        "source": _("Source"),
        "author_handle": _("Author"),
        "author_followers": _("Followers"),
        "text": _("Text"),
        "url": _("Link"),
        "place": _("Place"),
        "latitude": _("Latitude"),
        "longitude": _("Longitude"),
        "request_type": _("Type of request"),
        "department": _("Department"),
        "confidence": _("Confidence (0-1)"),
        "status": _("Status"),
        "assigned_to": _("Assigned to"),
        "decided_by": _("Decided by"),
        "decided_at": _("Decided at"),
        "dismiss_reason": _("Dismiss reason"),
        "ticket": _("Request number"),
        "ticket_status": _("Ticket status"),
        "ticket_error": _("Ticket error"),
    }

    def dispatch(self, request, *args, **kwargs):
        return inbox_refusal(request) or super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        posts = scoped_posts(self.request.user)
        if not self.request.GET.get("status"):
            posts = posts.filter(status__in=TO_DO)
        return posts.order_by("-fetched_at", "-pk")

    def decorate_paginated_queryset(self, posts):
        if self.is_export:
            return posts
        now = timezone.now()
        return [decorate(post, now) for post in posts]

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": "", "label": self.get_page_title()},
        ]

    def to_row_dict(self, post):
        ticket = getattr(post, "ticket", None)  # None when the post has no ticket
        values = {
            "id": post.pk,
            "posted_at": post.posted_at,
            "source": post.source.name,
            "author_handle": post.author_handle,
            "author_followers": post.author_followers,
            "text": post.text,
            "url": post.url,
            "place": post.place,
            "latitude": post.latitude,
            "longitude": post.longitude,
            "request_type": post.request_type.name if post.request_type else "",
            "department": post.department.name if post.department else "",
            "confidence": None if post.confidence is None else round(post.confidence, 3),
            "status": post.get_status_display(),
            "assigned_to": post.assigned_to.get_username() if post.assigned_to else "",
            "decided_by": post.decided_by.get_username() if post.decided_by else "",
            "decided_at": post.decided_at,
            "dismiss_reason": post.dismiss_reason,
            "ticket": ticket.reference if ticket else "",
            "ticket_status": ticket.get_status_display() if ticket else "",
            "ticket_error": ticket.last_error if ticket else "",
        }
        return {field: values[field] for field in self.list_export}

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return _("No post matches these filters.")
        return _("Nothing to triage: every post of your departments has been decided.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["queue"] = self.queue
        if not self.is_export:
            posts = context["object_list"]
            context["bulk_form"] = BulkForm(
                user=self.request.user, posts=scoped_posts(self.request.user)
            )
            context["next_url"] = self.request.get_full_path().replace("/results/", "/", 1)
            context["has_posts"] = bool(posts)
        return context


class Uncertainty(Func):
    """|confidence − 0.5|: 0 when the model cannot tell, 0.5 when it is sure."""

    function = "ABS"


class NeedsReviewView(InboxView):
    """Posts waiting for a decision, those the model is least sure about first."""

    page_title = _("Needs review")
    index_url_name = "cityux_social_inbox:review"
    index_results_url_name = "cityux_social_inbox:review_results"
    queue = "review"

    def get_queryset(self):
        posts = scoped_posts(self.request.user).filter(status__in=UNDECIDED)
        posts = posts.annotate(uncertainty=Uncertainty(F("confidence") - Value(0.5)))
        return posts.order_by(F("uncertainty").asc(nulls_first=True), "fetched_at", "pk")

    @cached_property
    def no_results_message(self):
        return _("No post is waiting for review.")
