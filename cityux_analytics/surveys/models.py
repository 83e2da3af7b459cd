"""Micro-surveys: the survey snippet, where it shows, the answers and the daily counts.

These models belong to the cityux_analytics app (its models module imports this one).
"""

import swapper
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from .blocks import SurveyQuestionsBlock
from .targeting import (
    MAX_URL_PATTERNS,
    TargetingRules,
    TriggerError,
    parse_url_patterns,
    trigger_config,
    url_pattern_error,
)

__all__ = [
    "Survey",
    "SurveyDailyStats",
    "SurveyPageTarget",
    "SurveyResponse",
    "SurveyTrigger",
]

PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


def language_choices():
    """The site's languages (read when the form is built, so settings may change)."""
    return settings.LANGUAGES


class SurveyTrigger(models.TextChoices):
    SECONDS = "seconds", _("After some seconds on the page")
    EXIT_INTENT = "exit_intent", _("When the visitor is about to leave the page")
    SCROLL_DEPTH = "scroll_depth", _("After scrolling down the page")
    FORM_SUBMIT = "form_submit", _("After a form on the page is submitted")
    FRUSTRATION = "frustration", _("After a rage, error or dead click in the visit")
    MANUAL = "manual", _("Only from the “Report a problem with this page” link")


class Survey(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    title = models.CharField(
        _("title"), max_length=255, help_text=_("Shown to residents as the survey's heading.")
    )
    department = models.ForeignKey(
        "cityux.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text=_("The department that owns this survey and sees its answers."),
    )
    language = models.CharField(
        _("language"), max_length=15, choices=language_choices, default="en"
    )
    questions = StreamField(SurveyQuestionsBlock(), verbose_name=_("questions"))
    thank_you_message = models.CharField(
        _("thank-you message"),
        max_length=500,
        blank=True,
        help_text=_("Shown once the answer is sent. Empty: “Thank you for your feedback.”"),
    )
    url_patterns = models.TextField(
        _("URL patterns"),
        blank=True,
        help_text=_(
            "One URL path per line; * matches anything, e.g. /permits/* for every page below "
            "/permits/. Without any page, department or pattern, the survey shows on every page "
            "of its department."
        ),
    )
    target_departments = ParentalManyToManyField(
        "cityux.Department",
        verbose_name=_("show on every page of these departments"),
        blank=True,
        related_name="+",
    )
    trigger = models.CharField(
        _("show"), max_length=20, choices=SurveyTrigger.choices, default=SurveyTrigger.SECONDS
    )
    trigger_value = models.PositiveIntegerField(
        _("trigger value"),
        null=True,
        blank=True,
        help_text=_(
            "Seconds on the page (1-600, default 10), the percent of the page scrolled (1-100, "
            "default 50) or the number of rage, error or dead clicks (1-20, default 1). Empty "
            "for the other triggers."
        ),
    )
    sample_rate = models.PositiveSmallIntegerField(
        _("sample rate (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of visitors who may see the survey; a visitor stays in or out."),
    )
    frequency_cap_days = models.PositiveSmallIntegerField(
        _("show at most once every (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("Per visitor. 0: on every visit."),
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_report_problem = models.BooleanField(
        _("backs the “Report a problem with this page” link"),
        default=False,
        help_text=_("At most one live survey per department, opened only by the link."),
    )
    is_city_wide_fallback = models.BooleanField(
        _("city-wide fallback"),
        default=False,
        help_text=_(
            "For the “Report a problem” survey: also use it on pages whose department has "
            "none of its own. At most one live survey can be the fallback."
        ),
    )

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="cityux_survey")

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("department"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["live", "department"], name="cityux_survey_live_dept")]

    def __str__(self):
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def clean(self):
        super().clean()
        errors = {}
        try:
            trigger_config(self)
        except TriggerError as error:
            errors["trigger_value"] = str(error)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = gettext("The survey must end after it starts.")
        if message := self._url_patterns_error():
            errors["url_patterns"] = message
        errors.update(self._report_problem_errors())
        if errors:
            raise ValidationError(errors)

    def _url_patterns_error(self):
        patterns = parse_url_patterns(self.url_patterns)
        if len(patterns) > MAX_URL_PATTERNS:
            return gettext("Use at most %(max)d patterns.") % {"max": MAX_URL_PATTERNS}
        for pattern in patterns:
            if problem := url_pattern_error(pattern):
                return gettext("“%(pattern)s” %(problem)s.") % {
                    "pattern": pattern,
                    "problem": problem,
                }
        return None

    def _report_problem_errors(self):
        errors = {}
        is_manual = self.trigger == SurveyTrigger.MANUAL
        if self.is_report_problem and not is_manual:
            errors["trigger"] = gettext(
                "The “Report a problem” survey opens from its link only: choose that trigger."
            )
        if is_manual and not self.is_report_problem:
            errors["is_report_problem"] = gettext(
                "A survey opened only from the link must back the “Report a problem” link."
            )
        if self.is_city_wide_fallback and not self.is_report_problem:
            errors["is_city_wide_fallback"] = gettext(
                "Only the “Report a problem” survey can be the city-wide fallback."
            )
        if errors or not self.is_report_problem:
            return errors
        others = Survey.objects.filter(live=True, is_report_problem=True).exclude(pk=self.pk)
        if self.is_city_wide_fallback:
            if others.filter(is_city_wide_fallback=True).exists():
                errors["is_city_wide_fallback"] = gettext(
                    "Another live survey is already the city-wide fallback."
                )
        elif (
            self.department_id
            and others.filter(
                department_id=self.department_id, is_city_wide_fallback=False
            ).exists()
        ):
            errors["is_report_problem"] = gettext(
                "This department already has a live “Report a problem” survey."
            )
        return errors

    def get_preview_template(self, request, mode_name):
        return "cityux_analytics/surveys/preview.html"

    def get_preview_context(self, request, mode_name):
        try:
            trigger = trigger_config(self)
        except TriggerError:
            # A draft whose trigger value is still wrong: preview its questions anyway.
            trigger = {"type": self.trigger, "value": self.trigger_value}
        survey = self.as_widget_data(trigger=trigger)
        return {**super().get_preview_context(request, mode_name), "survey": survey}

    def get_thank_you_message(self):
        return self.thank_you_message or gettext("Thank you for your feedback.")

    def as_widget_data(self, trigger=None):
        """The survey as the widget receives it (see views.active_surveys).

        Raises TriggerError when the trigger value does not fit, unless `trigger` is given.
        """
        return {
            "id": self.pk,
            "revision": self.live_revision_id,
            "title": self.title,
            "trigger": trigger or trigger_config(self),
            "sample_rate": self.sample_rate,
            "cap_days": self.frequency_cap_days,
            "language": self.language,
            "thank_you": self.get_thank_you_message(),
            "questions": [
                child.block.as_question(child.value, child.id) for child in self.questions
            ],
        }

    def targeting_rules(self, pages=(), department_ids=()):
        """This survey's TargetingRules, given its page targets and target departments."""
        return TargetingRules(
            own_department_id=self.department_id,
            pages=tuple(pages),
            department_ids=frozenset(department_ids),
            url_patterns=parse_url_patterns(self.url_patterns),
        )


class SurveyPageTarget(Orderable):
    """A page (and, if chosen, every page below it) where a survey shows."""

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="page_targets")
    page = models.ForeignKey(
        PAGE_MODEL, verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    include_descendants = models.BooleanField(_("and every page below it"), default=True)

    class Meta(Orderable.Meta):
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return f"{self.survey}: {self.page}"


class SurveyResponse(models.Model):
    """One resident's answers. Free text is scrubbed; no IP address or identity is stored."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("survey version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page = models.ForeignKey(
        PAGE_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.CharField(_("page URL"), max_length=2048)
    department = models.ForeignKey(
        "cityux.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Only with analytics consent: links the answer to the visit's frustration signals.
    session = models.ForeignKey(
        "cityux_analytics.TrackedSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # Only with personalisation consent: lets "My data" show and delete the answer.
    visitor_id = models.UUIDField(_("visitor id"), null=True, blank=True, db_index=True)
    answers = models.JSONField(_("answers"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    sentiment = models.FloatField(_("sentiment"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), db_index=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(fields=["survey", "created_at"], name="cityux_response_survey_time"),
            models.Index(fields=["department", "created_at"], name="cityux_response_dept_time"),
        ]

    def __str__(self):
        return f"{self.survey_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class SurveyDailyStats(models.Model):
    """How often a survey was shown and answered on a page per day (response rate)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="daily_stats")
    date = models.DateField()
    url = models.CharField(max_length=2048)
    department = models.ForeignKey(
        "cityux.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shown = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "date", "url"], name="cityux_survey_day")
        ]
        indexes = [models.Index(fields=["department", "date"], name="cityux_survey_day_dept")]

    def __str__(self):
        return f"{self.survey_id} {self.url} {self.date}"

    @property
    def response_rate(self):
        """Answered / shown (0-1), or None before the survey was shown."""
        return self.answered / self.shown if self.shown else None
