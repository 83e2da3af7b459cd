"""A resident's visit as the tracker reports it: session, batches, page views and raw events."""

import swapper
from django.db import models
from django.utils.translation import gettext_lazy as _

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


class TrackedSession(models.Model):
    """One visit of a consenting resident, identified only by the tracker's random id."""

    sid = models.CharField(_("session id"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started"))
    last_event_at = models.DateTimeField(_("last event"), db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    detected_at = models.DateTimeField(_("signals detected"), null=True, blank=True)
    department = models.ForeignKey(
        "cityux.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page_views = models.PositiveIntegerField(_("page views"), default=0)
    events = models.PositiveIntegerField(_("events"), default=0)
    score = models.PositiveSmallIntegerField(_("frustration score"), null=True, blank=True)
    # Live detection's cursor (live.py): the `events` count and last event id it has seen.
    live_events = models.PositiveIntegerField(default=0)
    live_event_pk = models.BigIntegerField(null=True, blank=True)
    # Only for residents who also agreed to personalisation: lets "My data" find the session.
    visitor_id = models.UUIDField(_("visitor id"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("tracked session")
        verbose_name_plural = _("tracked sessions")

    def __str__(self):
        return self.sid


class ReceivedBatch(models.Model):
    """A batch already ingested: (session, seq) makes a retried batch count once."""

    session = models.ForeignKey(TrackedSession, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="cityux_batch_once")]

    def __str__(self):
        return f"{self.session_id}#{self.seq}"


class OnPage(models.Model):
    """Where something happened: the URL path, its Wagtail page and that page's department."""

    url = models.CharField(max_length=2048)
    page = models.ForeignKey(
        PAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "cityux.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class PageView(OnPage):
    session = models.ForeignKey(TrackedSession, on_delete=models.CASCADE, related_name="views")
    view_id = models.PositiveIntegerField()
    started_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "view_id"], name="cityux_view_once")
        ]

    def __str__(self):
        return self.url


class RawEvent(models.Model):
    """One tracker event, typed columns only: nothing a resident typed is ever stored."""

    session = models.ForeignKey(TrackedSession, on_delete=models.CASCADE, related_name="+")
    view_id = models.PositiveIntegerField()
    ts = models.BigIntegerField(db_index=True)
    type = models.CharField(max_length=8)
    x = models.FloatField(null=True)
    y = models.FloatField(null=True)
    selector = models.CharField(max_length=512, blank=True)
    tag = models.CharField(max_length=32, blank=True)
    interactive = models.BooleanField(null=True)
    input_kind = models.CharField(max_length=8, blank=True)
    reaction = models.CharField(max_length=12, blank=True)
    reaction_ms = models.FloatField(null=True)
    message = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=500, blank=True)
    direction_changes = models.IntegerField(null=True)
    distance = models.FloatField(null=True)
    depth = models.FloatField(null=True)
    form = models.CharField(max_length=512, blank=True)
    action = models.CharField(max_length=8, blank=True)

    class Meta:
        indexes = [models.Index(fields=["session", "ts"], name="cityux_event_session_ts")]

    def __str__(self):
        return f"{self.type}@{self.ts}"
