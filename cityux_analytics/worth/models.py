"""The learnt "worth watching" models, kept so the ranking can use the latest good one.

These models belong to the cityux_analytics app (its models module imports this one through
replay.models).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["WorthModel"]


class WorthModel(models.Model):
    """One training of the classifier on the replay feedback, with how well it did."""

    created_at = models.DateTimeField(_("trained"), auto_now_add=True, db_index=True)
    labels_used = models.PositiveIntegerField(_("labels used"))
    held_out_accuracy = models.FloatField(_("held-out accuracy"))
    baseline_accuracy = models.FloatField(_("majority-class accuracy"))
    active = models.BooleanField(
        _("active"),
        default=False,
        help_text=_("Ranks the sessions: only the latest model, and only if it beats guessing."),
    )
    feature_names = models.JSONField(_("features"), default=list)
    estimator = models.BinaryField(_("fitted estimator (pickled)"))

    class Meta:
        verbose_name = _("worth-watching model")
        verbose_name_plural = _("worth-watching models")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"model {self.pk} ({self.labels_used} labels, {self.held_out_accuracy:.0%})"
