"""Celery tasks of the tickets: send one, and follow them all. Thin wrappers around base.py."""

from celery import shared_task
from django.utils import timezone

from ..loop import send_queued_replies
from .base import due_for_automatic_retry, refresh_ticket
from .base import submit_ticket as submit
from .choices import TicketBackendChoice
from .models import Ticket


@shared_task(name="cityux_social.submit_ticket", acks_late=True)
def submit_ticket(ticket_id):
    """Send one accepted post's ticket to its backend (a failure is kept on the ticket)."""
    return submit(ticket_id)


@shared_task(name="cityux_social.sync_tickets", acks_late=True)
def sync_tickets(limit=500):
    """Follow open tickets (a closed one gets the "fixed" reply), resolve tokens, retry what
    failed by itself, and send replies waiting for the rate limit."""
    now = timezone.now()
    followed = 0
    open_tickets = Ticket.objects.filter(
        status=Ticket.Status.OPEN, backend=TicketBackendChoice.OPEN311
    )
    for ticket_id in open_tickets.order_by("checked_at", "pk").values_list("pk", flat=True)[:limit]:
        refresh_ticket(ticket_id)
        followed += 1
    waiting = Ticket.objects.filter(status=Ticket.Status.PENDING).exclude(token="")
    for ticket_id in waiting.values_list("pk", flat=True)[:limit]:
        refresh_ticket(ticket_id)
    stuck = Ticket.objects.filter(
        status__in=[Ticket.Status.PENDING, Ticket.Status.FAILED], token=""
    )
    for ticket in stuck[:limit]:
        if due_for_automatic_retry(ticket, now):
            submit(ticket.pk)
    return {"followed": followed, "replies_sent": send_queued_replies()}


@shared_task(name="cityux_social.refresh_open311_services")
def refresh_open311_services():
    """Cache the Open311 server's services and their definitions (the accept form reads them)."""
    from .base import open311_settings
    from .services import refresh_services

    config = open311_settings()
    if not config.endpoint or not config.api_key:
        return {"services": 0, "skipped": "no Open311 endpoint or API key configured"}
    return {"services": refresh_services(config.client())}
