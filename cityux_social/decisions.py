"""Staff decisions on posts: accept (a ticket follows), dismiss, assign, retry a failed ticket.

Every function checks that the user may act on the post's department (PermissionDenied, a 403,
otherwise) and records who decided when. Accepting saves the decision and a pending ticket in
one transaction and only then hands the ticket to Celery: whatever the ticket backend does
later, the decision is kept. The decided posts are the classifier's training set.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from cityux.access import can_see_department, sees_every_department

from .models import SocialPost
from .tickets.choices import TicketBackendChoice
from .tickets.models import Ticket

logger = logging.getLogger(__name__)
Status = SocialPost.Status
UNDECIDED = (Status.NEW, Status.NEEDS_REVIEW)


def may_act_on(user, post):
    """Whether `user` may see and decide `post`: a post without department is city-wide's."""
    if post.department_id is None:
        return sees_every_department(user)
    return can_see_department(user, post.department)


def require_post(user, post):
    if not may_act_on(user, post):
        raise PermissionDenied


def _locked(post):
    return SocialPost.objects.select_for_update().get(pk=post.pk)


def _enqueue_submission(ticket_id):
    from .tickets.tasks import submit_ticket

    try:
        submit_ticket.delay(ticket_id)
    except (OSError, KombuOperationalError):  # broker down: stays pending, sync_tickets sends it
        logger.warning("Could not enqueue ticket %s; sync_tickets will send it", ticket_id)


def accept(
    post,
    user,
    request_type,
    department,
    description,
    latitude=None,
    longitude=None,
    place="",
    attributes=None,
    address_id="",
):
    """Accept `post` as a request of `request_type`; its ticket is sent in the background.

    `attributes` are the answers to the Open311 service's attributes (code -> value), kept on
    the ticket so that every attempt sends the same."""
    require_post(user, post)
    if department is None or not can_see_department(user, department):
        raise PermissionDenied
    if request_type is None:
        raise ValidationError("Choose the type of request.")
    if request_type.department_id != department.pk:
        raise ValidationError(
            f"{request_type.name} is handled by {request_type.department.name}, "
            f"not {department.name}."
        )
    if (latitude is None) != (longitude is None):
        raise ValidationError("Give both a latitude and a longitude, or neither.")
    with transaction.atomic():
        locked = _locked(post)
        if locked.status not in UNDECIDED:
            raise ValidationError(f"This post was already decided ({locked.get_status_display()}).")
        locked.request_type = request_type
        locked.department = department
        locked.description = description.strip()
        locked.latitude, locked.longitude = latitude, longitude
        locked.place = place.strip()
        locked.status = Status.ACCEPTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.dismiss_reason = ""
        locked.save()
        ticket = Ticket.objects.create(
            post=locked,
            backend=request_type.ticket_backend,
            attributes=attributes or {},
            address_id=(address_id or "").strip(),
        )
        transaction.on_commit(lambda: _enqueue_submission(ticket.pk))
    post.refresh_from_db()
    return ticket


def dismiss(post, user, reason):
    """Dismiss `post` (not a request for the city) with a reason."""
    require_post(user, post)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the post is dismissed.")
    with transaction.atomic():
        locked = _locked(post)
        if locked.status not in UNDECIDED:
            raise ValidationError(f"This post was already decided ({locked.get_status_display()}).")
        locked.status = Status.DISMISSED
        locked.dismiss_reason = reason[:255]
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "dismiss_reason", "decided_by", "decided_at"])
    post.refresh_from_db()
    return post


def assignable(user, assignee, post):
    """Whether `assignee` can be given `post`: active staff who may act on its department."""
    return (
        assignee.is_active
        and (assignee.is_superuser or assignee.has_perm("wagtailadmin.access_admin"))
        and may_act_on(assignee, post)
    )


def assign(post, user, assignee):
    """Give `post` to `assignee` (None to unassign)."""
    require_post(user, post)
    if assignee is not None and not assignable(user, assignee, post):
        raise ValidationError(f"{assignee} cannot see posts of this department.")
    SocialPost.objects.filter(pk=post.pk).update(assigned_to=assignee)
    post.assigned_to = assignee
    return post


def retry_ticket(post, user, attributes=None):
    """Send a failed ticket again (the backend finds a request an earlier attempt created),
    with corrected Open311 `attributes` when given."""
    require_post(user, post)
    with transaction.atomic():
        locked = _locked(post)
        ticket = Ticket.objects.select_for_update().filter(post=locked).first()
        if ticket is None or ticket.status != Ticket.Status.FAILED:
            raise ValidationError("Only a failed ticket can be sent again.")
        ticket.status = Ticket.Status.PENDING
        if attributes is not None:
            ticket.attributes = attributes
        ticket.save(update_fields=["status", "attributes"])
        locked.status = Status.ACCEPTED
        locked.save(update_fields=["status"])
        transaction.on_commit(lambda: _enqueue_submission(ticket.pk))
    post.refresh_from_db()
    return ticket


def mark_fixed(post, user):
    """Staff say an e-mailed request is done: close it and tell the resident."""
    from .loop import close_the_loop
    from .tickets.base import mark_closed

    require_post(user, post)
    ticket = Ticket.objects.filter(post=post).first()
    if ticket is None or ticket.status != Ticket.Status.OPEN:
        raise ValidationError("Only an open ticket can be marked as fixed.")
    mark_closed(ticket)
    post.refresh_from_db()
    close_the_loop(post, "fixed")
    return ticket


def set_do_not_contact(post, user, value):
    require_post(user, post)
    SocialPost.objects.filter(pk=post.pk).update(do_not_contact=value)
    post.do_not_contact = value
    return post


# -- bulk ---------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    done: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (post, reason)


def needs_details(request_type):
    """Whether the type's Open311 service has required attributes (only its page asks them)."""
    from .tickets.models import Open311Service

    if request_type.ticket_backend != TicketBackendChoice.OPEN311:
        return False
    service = Open311Service.objects.filter(
        service_code=request_type.open311_service_code, metadata=True
    ).first()
    return service is not None and any(a.required and a.variable for a in service.attributes)


def bulk_accept(posts, user):
    """Accept each post as the type and department proposed for it, its text as description."""
    result = BulkResult()
    for post in posts:
        if post.request_type_id is None:
            result.skipped.append((post, "no proposed type"))
            continue
        if needs_details(post.request_type):
            result.skipped.append((post, "its type needs details: accept it on its own page"))
            continue
        try:
            accept(
                post,
                user,
                post.request_type,
                post.request_type.department,
                post.description or post.text,
                post.latitude,
                post.longitude,
                post.place,
            )
        except (PermissionDenied, ValidationError) as error:
            result.skipped.append((post, _reason(error)))
        else:
            result.done.append(post)
    return result


def bulk_dismiss(posts, user, reason):
    result = BulkResult()
    for post in posts:
        try:
            dismiss(post, user, reason)
        except (PermissionDenied, ValidationError) as error:
            result.skipped.append((post, _reason(error)))
        else:
            result.done.append(post)
    return result


def bulk_assign(posts, user, assignee):
    result = BulkResult()
    for post in posts:
        try:
            assign(post, user, assignee)
        except (PermissionDenied, ValidationError) as error:
            result.skipped.append((post, _reason(error)))
        else:
            result.done.append(post)
    return result


def _reason(error):
    if isinstance(error, PermissionDenied):
        return "not your department"
    return " ".join(error.messages)
