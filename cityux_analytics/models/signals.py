"""Frustration signals: what detection found in a session, one row per occurrence."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .sessions import OnPage, TrackedSession


class SignalKind(models.TextChoices):
    RAGE_CLICK = "rage_click", _("Rage click")
    DEAD_CLICK = "dead_click", _("Dead click")
    ERROR_CLICK = "error_click", _("Error click")
    MOUSE_THRASH = "mouse_thrash", _("Mouse thrash")
    QUICK_BACK = "quick_back", _("Quick back")
    EXCESSIVE_SCROLL = "excessive_scroll", _("Excessive scrolling")
    FORM_ABANDONMENT = "form_abandonment", _("Form abandonment")


class FrustrationSignal(OnPage):
    session = models.ForeignKey(TrackedSession, on_delete=models.CASCADE, related_name="signals")
    view_id = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=SignalKind.choices)
    selector = models.CharField(max_length=512, blank=True)
    count = models.PositiveIntegerField(default=1)
    detail = models.CharField(max_length=1024, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["department", "occurred_at"], name="cityux_signal_dept_time"),
            models.Index(fields=["url", "occurred_at"], name="cityux_signal_url_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.url}"
