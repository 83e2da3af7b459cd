"""Replay chunks: the rrweb events of a session as the browser uploaded them, compressed.

These models belong to the cityux_analytics app (its models module imports this one).
"""

import json
import zlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..worth.models import WorthModel

__all__ = ["ReplayChunk", "ReplayFeedback", "WorthModel"]


class ReplayChunk(models.Model):
    """One upload of rrweb events; (session, seq) makes a retried upload count once."""

    session = models.ForeignKey(
        "cityux_analytics.TrackedSession", on_delete=models.CASCADE, related_name="replay_chunks"
    )
    seq = models.PositiveIntegerField()
    data = models.BinaryField(_("events (zlib-compressed JSON)"))
    size = models.PositiveIntegerField(_("stored bytes"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("replay chunk")
        verbose_name_plural = _("replay chunks")
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="cityux_replay_chunk_once")
        ]

    def __str__(self):
        return f"{self.session_id}#{self.seq}"

    @staticmethod
    def compress(events):
        return zlib.compress(json.dumps(events, separators=(",", ":")).encode(), 6)

    @property
    def events(self):
        return json.loads(zlib.decompress(bytes(self.data)))


class ReplayFeedback(models.Model):
    """Whether watching a session's replay was useful to a staff member: one answer per person
    and session, which they may change. The "worth watching" model learns from these."""

    session = models.ForeignKey(
        "cityux_analytics.TrackedSession", on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    useful = models.BooleanField(_("useful"))
    created_at = models.DateTimeField(_("given"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("replay feedback")
        verbose_name_plural = _("replay feedback")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="cityux_replay_feedback_once")
        ]

    def __str__(self):
        return f"{self.session_id}: {'useful' if self.useful else 'not useful'}"
