"""Batches waiting or failed on the way to ingest: the spool and the dead letters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpooledBatch(models.Model):
    """A valid batch kept while the broker was unreachable; a periodic task drains these."""

    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "pk"]

    def __str__(self):
        return f"spooled batch {self.pk}"


class BatchSource(models.TextChoices):
    """Where a batch waited before ingest: its bytes are kept in that place's form."""

    BUFFER = "buffer", _("Redis buffer")
    SPOOL = "spool", _("Spool")
    MESSAGE = "message", _("Celery message")


class DeadLetteredBatch(models.Model):
    """A batch that ingest could not store, kept with its error so it blocks nothing else.

    City IT sees these on "Collect health" and retries them once the cause is fixed; one row
    per distinct batch (`digest`), however often it failed.
    """

    source = models.CharField(_("source"), max_length=8, choices=BatchSource.choices)
    body = models.BinaryField(_("bytes"))
    digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    failed_at = models.DateTimeField(_("last failed"), db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    error = models.TextField(_("error"))

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = _("dead-lettered batch")
        verbose_name_plural = _("dead-lettered batches")

    def __str__(self):
        return f"dead-lettered batch {self.pk}"
