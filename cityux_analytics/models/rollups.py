"""The daily rollups that reports read: per page, per department and per element."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .sessions import OnPage
from .signals import SignalKind


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
