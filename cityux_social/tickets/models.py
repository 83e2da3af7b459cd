"""A post's ticket in the city's request system, and the replies sent to the resident.

Imported at the end of `cityux_social/models.py`, so both belong to the `cityux_social` app.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import TicketBackendChoice


class Ticket(models.Model):
    """The service request an accepted post became (or is becoming) in a ticket backend."""

    Backend = TicketBackendChoice

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        OPEN = "open", _("Open")
        FAILED = "failed", _("Failed")
        CLOSED = "closed", _("Closed")

    post = models.OneToOneField(
        "cityux_social.SocialPost", on_delete=models.CASCADE, related_name="ticket"
    )
    backend = models.CharField(max_length=16, choices=Backend.choices)
    service_request_id = models.CharField(max_length=128, blank=True)
    token = models.CharField(max_length=128, blank=True)
    # When the server answered with the token: resolve_token gives up after TOKEN_GIVE_UP_HOURS.
    token_received_at = models.DateTimeField(null=True, blank=True)
    # The answers to the service definition's attributes given when accepting (code -> value,
    # a list for a multivaluelist), and the city's address id if staff gave one.
    attributes = models.JSONField(default=dict, blank=True)
    address_id = models.CharField(max_length=128, blank=True)
    # Sent with every submission of this ticket, so a retry can find a request whose answer
    # was lost instead of creating a second one (see open311.py).
    submission_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(blank=True)
    # Whether the last error may go away by itself (a timeout): then sync_tickets retries.
    error_is_transient = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "backend"])]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self):
        return f"{self.get_backend_display()} {self.reference or self.pk}"

    @property
    def reference(self):
        """The number the resident is told: the city's request id, else our own."""
        if self.service_request_id:
            return self.service_request_id
        if self.backend == self.Backend.EMAIL and self.pk:
            return f"E-{self.pk}"
        return ""


class Open311Service(models.Model):
    """A service the city's Open311 server publishes, and its definition when it has one.

    Cached from `GET services` and `GET services/{code}` by the `refresh_open311_services`
    task, so the accept form can show a service's attributes without asking the server.
    """

    service_code = models.CharField(_("service code"), max_length=64, unique=True)
    service_name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=255, blank=True)
    keywords = models.TextField(_("keywords"), blank=True)
    type = models.CharField(_("type"), max_length=32, blank=True)
    # Whether the service has a definition with attributes (the spec's `metadata`).
    metadata = models.BooleanField(_("has attributes"), default=False)
    # The definition as the server sent it (JSON or XML read into the same shape), {} if none.
    definition = models.JSONField(_("definition"), default=dict, blank=True)
    # False once the server stopped listing the service (kept: tickets may still refer to it).
    listed = models.BooleanField(_("listed by the server"), default=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)

    class Meta:
        ordering = ["service_code"]
        verbose_name = _("Open311 service")
        verbose_name_plural = _("Open311 services")

    def __str__(self):
        if self.service_name:
            return f"{self.service_code} ({self.service_name})"
        return self.service_code

    @property
    def attributes(self):
        from .georeport import parse_attributes

        return parse_attributes(self.definition) if self.metadata else []


class Reply(models.Model):
    """One message to the resident about their post: logged, then fixed. One row per kind."""

    class Kind(models.TextChoices):
        LOGGED = "logged", _("Logged")
        FIXED = "fixed", _("Fixed")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    post = models.ForeignKey(
        "cityux_social.SocialPost", on_delete=models.CASCADE, related_name="replies"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    external_id = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind"], name="cityux_social_one_reply_per_kind"
            )
        ]
        indexes = [models.Index(fields=["status", "sent_at"])]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self):
        return (
            f"{self.get_kind_display()} reply to post {self.post_id}: {self.get_status_display()}"
        )
