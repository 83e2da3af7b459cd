"""Goals, and who saw personalised content (exposures) and who reached a goal (conversions)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class GoalKind(models.TextChoices):
    PAGE_REACHED = "page_reached", _("Reached a page")
    FORM_SUBMITTED = "form_submitted", _("Submitted a form")
    SURVEY_YES = "survey_yes", _("Answered yes on a survey")


class Goal(index.Indexed, models.Model):
    """Something residents do that shows content helped, e.g. "Apply for a business licence"."""

    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_('What the resident achieved, e.g. "Apply for a business licence".'),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GoalKind.choices)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Reached a page: the page. Submitted a form: the form page. Answered yes: the page "
            "the survey was answered on (leave empty for any page)."
        ),
    )
    survey_key = models.CharField(
        _("survey and question"),
        max_length=120,
        blank=True,
        help_text=_(
            'Answered yes: the survey id, or "survey id:question", whose yes counts. Leave empty '
            "for a yes on any survey."
        ),
    )
    department = models.ForeignKey(
        "cityux.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Whose goal this is. Leave empty for a city-wide goal."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("page"),
        FieldPanel("survey_key"),
        FieldPanel("department"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind in (GoalKind.PAGE_REACHED, GoalKind.FORM_SUBMITTED) and not self.page_id:
            raise ValidationError({"page": _("Choose the page residents reach or submit.")})


class ExposureVariant(models.TextChoices):
    VARIANT = "variant", _("Saw the personalised content")
    HOLDOUT = "holdout", _("Held out (saw the default)")


class Exposure(models.Model):
    """A visitor was shown a segment's variant, or held out of it: once per visitor per segment."""

    segment = models.ForeignKey(
        "cityux_personalize.Segment",
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="exposures",
    )
    visitor_id = models.UUIDField(_("visitor id"), db_index=True)
    variant = models.CharField(_("group"), max_length=10, choices=ExposureVariant.choices)
    first_exposed = models.DateTimeField(_("first exposed"), default=timezone.now)

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "visitor_id"], name="cityux_exposure_one_per_visitor"
            )
        ]

    def __str__(self):
        return f"{self.segment_id} / {self.visitor_id} / {self.variant}"


class Conversion(models.Model):
    """A visitor reached a goal: once per visitor per goal, the first time."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="conversions"
    )
    visitor_id = models.UUIDField(_("visitor id"), db_index=True)
    reached_at = models.DateTimeField(_("reached"), default=timezone.now)

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "visitor_id"], name="cityux_conversion_one_per_visitor"
            )
        ]

    def __str__(self):
        return f"{self.goal_id} / {self.visitor_id}"
