"""How a post reads in the inbox, and which posts a user may see (shared by the views)."""

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from cityux.access import scope_to_user, visible_department_ids
from cityux.admin import forbidden as core_forbidden

from ...loop import asks_not_to_be_contacted
from ...models import SocialPost

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


def forbidden(request, reason=None):
    """The core's 403 page, saying why a post is refused."""
    return core_forbidden(
        request,
        reason
        or _(
            "This post belongs to another department. Posts are shown to the leads of their "
            "department and to city-wide staff only."
        ),
    )


def inbox_refusal(request):
    if not visible_department_ids(request.user):
        return forbidden(
            request, _("The social inbox is shown to department leads and city-wide staff.")
        )
    return None
