"""Sessions, raw events, frustration signals and the daily rollups that reports read."""

import hashlib

import swapper
from django.db import models
from django.utils.translation import gettext_lazy as _

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


class SignalKind(models.TextChoices):
    RAGE_CLICK = "rage_click", _("Rage click")
    DEAD_CLICK = "dead_click", _("Dead click")
    ERROR_CLICK = "error_click", _("Error click")
    MOUSE_THRASH = "mouse_thrash", _("Mouse thrash")
    QUICK_BACK = "quick_back", _("Quick back")
    EXCESSIVE_SCROLL = "excessive_scroll", _("Excessive scrolling")
    FORM_ABANDONMENT = "form_abandonment", _("Form abandonment")


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


class SignalCounts(models.Model):
    """The counts every rollup carries, one column per signal kind."""

    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    frustrated_sessions = models.PositiveIntegerField(_("frustrated sessions"), default=0)
    views = models.PositiveIntegerField(_("page views"), default=0)
    rage_click = models.PositiveIntegerField(_("rage clicks"), default=0)
    dead_click = models.PositiveIntegerField(_("dead clicks"), default=0)
    error_click = models.PositiveIntegerField(_("error clicks"), default=0)
    mouse_thrash = models.PositiveIntegerField(_("mouse thrashes"), default=0)
    quick_back = models.PositiveIntegerField(_("quick backs"), default=0)
    excessive_scroll = models.PositiveIntegerField(_("excessive scrolls"), default=0)
    form_abandonment = models.PositiveIntegerField(_("form abandonments"), default=0)
    score_sum = models.PositiveIntegerField(_("sum of session scores"), default=0)

    class Meta:
        abstract = True

    @property
    def signals(self):
        return sum(getattr(self, kind) for kind in SignalKind.values)

    @property
    def ux_score(self):
        """Share of sessions (0-100) that met no frustration."""
        if not self.sessions:
            return None
        return round(100 * (self.sessions - self.frustrated_sessions) / self.sessions)


class PageDailyStats(OnPage, SignalCounts):
    date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["url", "date"], name="cityux_page_day")]
        indexes = [models.Index(fields=["department", "date"], name="cityux_page_day_dept")]

    def __str__(self):
        return f"{self.url} {self.date}"


class DepartmentDailyStats(SignalCounts):
    date = models.DateField()
    department = models.ForeignKey("cityux.Department", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "date"], name="cityux_department_day")
        ]

    def __str__(self):
        return f"{self.department} {self.date}"


class ElementDailyStats(models.Model):
    """Signals per element (and error signature) per day: the "top elements" tables."""

    date = models.DateField()
    department = models.ForeignKey(
        "cityux.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.CharField(max_length=2048)
    kind = models.CharField(max_length=20, choices=SignalKind.choices)
    selector = models.CharField(max_length=512, blank=True)
    detail = models.CharField(max_length=1024, blank=True)
    signals = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["department", "date"], name="cityux_element_day_dept")]

    def __str__(self):
        return f"{self.kind} {self.selector} {self.date}"


class ElementName(models.Model):
    """What an element of a page is called in the page's own words, as a tracker last read it.

    Page content, not a visitor's data: the tracker never names a form field's text, masked
    text or a page about the resident (see tracker.js). One row per page address and selector,
    found by `key` (both are too long to index together).
    """

    key = models.CharField(max_length=64, unique=True)
    url = models.CharField(max_length=2048)
    selector = models.CharField(max_length=512)
    role = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=60, blank=True)
    context = models.CharField(max_length=60, blank=True)
    context_role = models.CharField(max_length=16, blank=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return self.name or self.selector

    @staticmethod
    def key_of(url, selector):
        return hashlib.sha256(f"{url}\n{selector}".encode()).hexdigest()


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


from .replay.models import *  # noqa: E402,F403
from .surveys.models import *  # noqa: E402,F403
