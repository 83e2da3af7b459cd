"""The inbox's admin views: the listing (and its "needs review" queue), one post, bulk actions.

Every queryset goes through `cityux.access.scope_to_user`: a lead sees and acts on the posts of
their departments only; another department's post answers 403. Posts are shown as cards whose
text is always escaped by the template engine; links are shown only for http(s) addresses.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Func, Value
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from cityux.access import departments_for_user, scope_to_user, visible_department_ids
from cityux.exports import FormulaSafeExportMixin

from .. import decisions
from ..loop import asks_not_to_be_contacted
from ..models import SocialPost, Source
from ..tickets.models import Reply, Ticket
from .forms import AcceptForm, AssignForm, BulkForm, DismissForm, request_types_for

Status = SocialPost.Status
TO_DO = (Status.NEW, Status.NEEDS_REVIEW, Status.TICKET_FAILED)
UNDECIDED = (Status.NEW, Status.NEEDS_REVIEW)


# -- how a post reads ---------------------------------------------------------------------------


def safe_link(url):
    """`url` if it is an http(s) address, else "" (never a `javascript:` link)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def rule_reasons(post):
    """Every reason the rules gave, in order, without repeats."""
    reasons = []
    for match in post.rule_matches or []:
        for reason in match.get("reasons", []) if isinstance(match, dict) else []:
            if isinstance(reason, str) and reason not in reasons:
                reasons.append(reason)
    return reasons


def confidence_display(confidence):
    return "" if confidence is None else f"{round(confidence * 100)}%"


def queue_started(post):
    return post.fetched_at or post.posted_at


def time_in_queue(post, now=None):
    """How long the post waited (until decided) or has been waiting, in words."""
    start = queue_started(post)
    if start is None:
        return ""
    end = post.decided_at if post.status not in UNDECIDED and post.decided_at else now
    return timesince(start, end or timezone.now(), depth=1)


def decorate(post, now=None):
    post.link = safe_link(post.url)
    post.reasons = rule_reasons(post)
    post.confidence_text = confidence_display(post.confidence)
    post.waited = time_in_queue(post, now)
    post.no_contact = post.do_not_contact or asks_not_to_be_contacted(post.text)
    return post


def scoped_posts(user):
    return scope_to_user(
        SocialPost.objects.select_related(
            "source", "request_type", "department", "assigned_to", "ticket"
        ),
        user,
    )


FORBIDDEN_TEMPLATE = "cityux_social/inbox/forbidden.html"


def forbidden(request, reason=None):
    """A 403 page that says why (Wagtail would turn PermissionDenied into a redirect)."""
    reason = reason or _(
        "This post belongs to another department. Posts are shown to the leads of their "
        "department and to city-wide staff only."
    )
    return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)


def inbox_refusal(request):
    if not visible_department_ids(request.user):
        return forbidden(
            request, _("The social inbox is shown to department leads and city-wide staff.")
        )
    return None


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


# -- one post -----------------------------------------------------------------------------------


class PostView(WagtailAdminTemplateMixin, View):
    """One post: its card, accept / dismiss / assign, its ticket and the replies sent."""

    template_name = "cityux_social/inbox/post.html"
    header_icon = "mail"
    actions = ("accept", "dismiss", "assign", "retry", "fixed", "contact")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.post_object = get_object_or_404(
            SocialPost.objects.select_related("source", "request_type", "department"),
            pk=kwargs["pk"],
        )

    def dispatch(self, request, *args, **kwargs):
        refusal = inbox_refusal(request)
        if refusal is not None:
            return refusal
        if not decisions.may_act_on(request.user, self.post_object):
            return forbidden(request)
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:  # e.g. a department the user may not choose
            return forbidden(request)

    def get_page_title(self):
        return _("Social inbox")

    def get_page_subtitle(self):
        post = self.post_object
        return _("Post by %(author)s") % {"author": post.author_handle or post.author_name}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": reverse("cityux_social_inbox:index"), "label": _("Social inbox")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    @cached_property
    def next_url(self):
        return get_valid_next_url_from_request(self.request) or reverse("cityux_social_inbox:index")

    def accept_initial(self):
        post = self.post_object
        return {
            "request_type": post.request_type_id,
            "department": post.department_id,
            "description": post.description or post.text,
            "latitude": post.latitude,
            "longitude": post.longitude,
            "place": post.place,
        }

    def forms(self, bound=None):
        user = self.request.user
        forms = {
            "accept_form": AcceptForm(user=user, initial=self.accept_initial()),
            "dismiss_form": DismissForm(),
            "assign_form": AssignForm(
                user=user, initial={"assignee": self.post_object.assigned_to_id}
            ),
        }
        forms.update(bound or {})
        return forms

    def get(self, request, *args, **kwargs):
        return self.render()

    def render(self, status=200, **bound):
        post = decorate(self.post_object)
        ticket = Ticket.objects.filter(post=post).first()
        context = self.get_context_data(
            post=post,
            ticket=ticket,
            replies=post.replies.order_by("created_at"),
            undecided=post.status in UNDECIDED,
            next_url=self.next_url,
            **self.forms(bound),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in self.actions:
            messages.error(request, _("Unknown action."))
            return self.render(status=400)
        try:
            return getattr(self, f"do_{action}")()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render(status=400)

    def done(self, message):
        messages.success(self.request, message)
        return redirect(self.next_url)

    def do_accept(self):
        form = AcceptForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            messages.error(self.request, _("The post was not accepted: correct the form below."))
            return self.render(status=400, accept_form=form)
        data = form.cleaned_data
        ticket = decisions.accept(
            self.post_object,
            self.request.user,
            data["request_type"],
            data["department"],
            data["description"],
            data["latitude"],
            data["longitude"],
            data["place"],
        )
        ticket.refresh_from_db()
        if ticket.status == Ticket.Status.FAILED:
            messages.warning(
                self.request,
                _("Accepted, but the ticket could not be sent: %(error)s Use “Send again”.")
                % {"error": ticket.last_error},
            )
            return redirect(reverse("cityux_social_inbox:post", args=[self.post_object.pk]))
        if ticket.reference:
            return self.done(_("Accepted as request #%(ref)s.") % {"ref": ticket.reference})
        return self.done(_("Accepted. The ticket is being sent to the city's request system."))

    def do_dismiss(self):
        form = DismissForm(self.request.POST)
        if not form.is_valid():
            return self.render(status=400, dismiss_form=form)
        decisions.dismiss(self.post_object, self.request.user, form.cleaned_data["reason"])
        return self.done(_("Dismissed: %(reason)s.") % {"reason": form.cleaned_data["reason"]})

    def do_assign(self):
        form = AssignForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            return self.render(status=400, assign_form=form)
        assignee = form.cleaned_data["assignee"]
        decisions.assign(self.post_object, self.request.user, assignee)
        if assignee is None:
            return self.done(_("Nobody is assigned now."))
        return self.done(_("Assigned to %(user)s.") % {"user": assignee.get_username()})

    def do_retry(self):
        ticket = decisions.retry_ticket(self.post_object, self.request.user)
        ticket.refresh_from_db()
        if ticket.status == Ticket.Status.FAILED:
            messages.error(
                self.request,
                _("The ticket failed again: %(error)s") % {"error": ticket.last_error},
            )
        else:
            messages.success(self.request, _("The ticket was sent again."))
        return redirect(reverse("cityux_social_inbox:post", args=[self.post_object.pk]))

    def do_fixed(self):
        decisions.mark_fixed(self.post_object, self.request.user)
        return self.done(_("Marked as fixed; the resident is told."))

    def do_contact(self):
        value = self.request.POST.get("do_not_contact") == "1"
        decisions.set_do_not_contact(self.post_object, self.request.user, value)
        if value:
            return self.done(_("This resident will not be contacted."))
        return self.done(_("This resident may be contacted again."))


# -- bulk ---------------------------------------------------------------------------------------


class BulkActionView(View):
    def post(self, request):
        refusal = inbox_refusal(request)
        if refusal is not None:
            return refusal
        next_url = get_valid_next_url_from_request(request) or reverse("cityux_social_inbox:index")
        form = BulkForm(request.POST, user=request.user, posts=scoped_posts(request.user))
        if not form.is_valid():
            errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
            messages.error(request, _("Nothing was changed: %(errors)s") % {"errors": errors})
            return redirect(next_url)
        data = form.cleaned_data
        posts = list(data["post"])
        if data["action"] == "accept":
            result = decisions.bulk_accept(posts, request.user)
        elif data["action"] == "dismiss":
            if not data["reason"]:
                messages.error(request, _("Nothing was changed: choose a dismiss reason."))
                return redirect(next_url)
            result = decisions.bulk_dismiss(posts, request.user, data["reason"])
        else:
            result = decisions.bulk_assign(posts, request.user, data["assignee"])
        if result.done:
            messages.success(
                request,
                ngettext("%(count)d post done.", "%(count)d posts done.", len(result.done))
                % {"count": len(result.done)},
            )
        if result.skipped:
            detail = "; ".join(f"#{post.pk}: {reason}" for post, reason in result.skipped)
            messages.warning(request, _("Left as they were: %(detail)s") % {"detail": detail})
        return redirect(next_url)


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
