"""Ticket backends behind one interface, and the ticket's life: submit, follow, close.

A backend knows one system (Open311, e-mail); `submit_ticket` and `refresh_ticket` keep the
ticket, its post and the replies to the resident in step, whatever the backend answers. A
failure never loses the decision: the post goes to "ticket failed" with the reason, and staff
(or `sync_tickets`, for errors that go away by themselves) retry it.
"""

import datetime
import os
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..conf import DEFAULTS, social_setting
from .choices import TicketBackendChoice
from .models import Ticket

# sync_tickets retries a transient failure (a timeout) this many times, waiting longer each time.
AUTO_RETRIES = 5
AUTO_RETRY_BASE = datetime.timedelta(minutes=2)
# A pending ticket no worker picked up in this long (a lost task) is submitted by sync_tickets.
STALE_PENDING = datetime.timedelta(minutes=5)


class TicketError(Exception):
    """Why a ticket could not be sent or followed, in words shown to staff."""

    def __init__(self, message, *, transient=False):
        super().__init__(message)
        self.transient = transient


class TicketBackend:
    """One ticket system. `submit` fills in the ticket's reference; `refresh` its status."""

    def __init__(self, ticket):
        self.ticket = ticket

    def submit(self):
        """Create the request (or find the one an earlier attempt created); raise TicketError."""
        raise NotImplementedError

    def refresh(self):
        """Whether the request is closed now; raise TicketError if that cannot be told."""
        return False


@dataclass(frozen=True)
class Open311Settings:
    endpoint: str
    api_key: str
    jurisdiction_id: str
    timeout: float
    fmt: str = "json"
    lookup_cap: int = 1000
    token_give_up: datetime.timedelta = datetime.timedelta(hours=48)

    def client(self):
        from .open311 import Open311Client

        return Open311Client(
            self.endpoint,
            self.api_key,
            self.jurisdiction_id,
            self.timeout,
            fmt=self.fmt,
            lookup_cap=self.lookup_cap,
        )


def open311_settings():
    """`CITYUX_SOCIAL["OPEN311"]`; the API key comes from the environment variable it names."""
    config = {**DEFAULTS["OPEN311"], **social_setting("OPEN311")}
    return Open311Settings(
        endpoint=config["ENDPOINT"],
        api_key=os.environ.get(config["API_KEY_ENV"], ""),
        jurisdiction_id=config["JURISDICTION_ID"],
        timeout=float(config["TIMEOUT"]),
        fmt=str(config["FORMAT"]).lower(),
        lookup_cap=int(config["LOOKUP_CAP"]),
        token_give_up=datetime.timedelta(hours=float(config["TOKEN_GIVE_UP_HOURS"])),
    )


def backend_for(ticket):
    from .email import EmailTicketBackend
    from .open311_backend import Open311TicketBackend

    backends = {
        TicketBackendChoice.OPEN311: Open311TicketBackend,
        TicketBackendChoice.EMAIL: EmailTicketBackend,
    }
    return backends[ticket.backend](ticket)


def _post_status():
    from ..models import SocialPost

    return SocialPost.Status


def _locked_ticket(ticket_id):
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("post__request_type__department", "post__source")
        .filter(pk=ticket_id, status__in=(Ticket.Status.PENDING, Ticket.Status.FAILED))
        .first()
    )


def submit_ticket(ticket_id):
    """Send one pending or failed ticket; the new status, or None if there was nothing to send.

    The attempt is counted and committed before anything goes over the network, so that even
    after a crash mid-request the next attempt knows to look for the request first. The ticket
    stays locked while it is sent, so two workers never send it at once.
    """
    from ..loop import close_the_loop

    Status = _post_status()
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket is None:
            return None
        ticket.attempts += 1
        ticket.last_attempt_at = timezone.now()
        ticket.save(update_fields=["attempts", "last_attempt_at"])
        attempt = ticket.attempts
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id)
        if ticket is None or ticket.attempts != attempt:  # another worker took over
            return None
        post = ticket.post
        try:
            backend_for(ticket).submit()
        except TicketError as error:
            ticket.status = Ticket.Status.FAILED
            ticket.last_error = str(error)
            ticket.error_is_transient = error.transient
            post.status = Status.TICKET_FAILED
        else:
            ticket.error_is_transient = False
            ticket.last_error = ""
            if ticket.reference:
                ticket.status = Ticket.Status.OPEN
                ticket.submitted_at = ticket.submitted_at or timezone.now()
                post.status = Status.TICKETED
            else:  # a token: the city's system assigns the number later
                ticket.status = Ticket.Status.PENDING
                post.status = Status.ACCEPTED
        ticket.save()
        post.save(update_fields=["status"])
    if ticket.status == Ticket.Status.OPEN:
        close_the_loop(post, "logged")
    return ticket.status


def refresh_ticket(ticket_id):
    """Follow one ticket: resolve its token, notice it closed (then say "fixed")."""
    from ..loop import close_the_loop

    ticket = Ticket.objects.select_related("post__request_type", "post__source").get(pk=ticket_id)
    post = ticket.post
    if ticket.status == Ticket.Status.PENDING and ticket.token:
        return submit_ticket(ticket.pk)  # resolving the token is the rest of submitting
    if ticket.status != Ticket.Status.OPEN:
        return ticket.status
    ticket.checked_at = timezone.now()
    try:
        closed = backend_for(ticket).refresh()
    except TicketError as error:
        ticket.last_error = str(error)
        ticket.save(update_fields=["checked_at", "last_error"])
        return ticket.status
    if closed:
        mark_closed(ticket)
        close_the_loop(post, "fixed")
    else:
        ticket.last_error = ""
        ticket.save(update_fields=["checked_at", "last_error"])
    return ticket.status


def mark_closed(ticket):
    """The city fixed it: close the ticket and its post (the "fixed" reply is the caller's)."""
    Status = _post_status()
    ticket.status = Ticket.Status.CLOSED
    ticket.closed_at = ticket.closed_at or timezone.now()
    ticket.last_error = ""
    ticket.save()
    ticket.post.status = Status.CLOSED
    ticket.post.save(update_fields=["status"])


def due_for_automatic_retry(ticket, now):
    """Whether sync_tickets should submit `ticket` again by itself (pure)."""
    last = ticket.last_attempt_at or ticket.created_at
    if ticket.status == Ticket.Status.PENDING:
        # Never picked up, or its worker died mid-attempt (a token is followed instead).
        return not ticket.token and now - last >= STALE_PENDING
    if ticket.status != Ticket.Status.FAILED or not ticket.error_is_transient:
        return False
    if ticket.attempts > AUTO_RETRIES:
        return False
    return now - last >= AUTO_RETRY_BASE * 2 ** max(ticket.attempts - 1, 0)
