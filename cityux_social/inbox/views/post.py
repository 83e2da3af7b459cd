"""One post: its card, accept / dismiss / assign, its ticket and the replies; bulk actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ... import decisions
from ...models import SocialPost
from ...tickets.models import Ticket
from ..forms import AcceptForm, AssignForm, BulkForm, DismissForm, RetryForm
from .common import (
    UNDECIDED,
    decorate,
    forbidden,
    inbox_refusal,
    scoped_posts,
)

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
        ticket = Ticket.objects.filter(post=self.post_object).first()
        if ticket is not None and ticket.status == Ticket.Status.FAILED:
            forms["retry_form"] = RetryForm(ticket=ticket)
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
            attributes=data["attributes"],
            address_id=data["address_id"],
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
        ticket = Ticket.objects.filter(post=self.post_object).first()
        attributes = None
        if ticket is not None and ticket.status == Ticket.Status.FAILED:
            form = RetryForm(self.request.POST, ticket=ticket)
            if not form.is_valid():
                messages.error(self.request, _("Not sent: correct the details below."))
                return self.render(status=400, retry_form=form)
            if form.group is not None:
                attributes = form.cleaned_data["attributes"]
        ticket = decisions.retry_ticket(self.post_object, self.request.user, attributes=attributes)
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
