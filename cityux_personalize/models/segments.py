"""Segments: groups of visitors described by rules, each a snippet with drafts and preview."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from ..rule_blocks import SegmentRulesBlock


class MatchMode(models.TextChoices):
    ALL = "all", _("All rules match")
    ANY = "any", _("Any rule matches")


class Segment(
    DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model
):
    name = models.CharField(
        _("name"), max_length=100, help_text=_('Shown to residents, e.g. "Returning visitors".')
    )
    description = models.CharField(
        _("plain-words description"),
        max_length=255,
        blank=True,
        help_text=_(
            "Completes “You see this because …”, e.g. “you have visited our site before”. "
            "Empty: the rules explain themselves."
        ),
    )
    department = models.ForeignKey(
        "cityux.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="segments",
        help_text=_("The department that owns this segment. Empty: city-wide."),
    )
    match = models.CharField(
        _("match"), max_length=3, choices=MatchMode.choices, default=MatchMode.ALL
    )
    rules = StreamField(SegmentRulesBlock(), blank=True, verbose_name=_("rules"))
    holdout_percent = models.PositiveSmallIntegerField(
        _("holdout (%)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "A control group: this share of matching visitors sees the default content, so the "
            "variant's value can be measured. Each visitor stays in or out."
        ),
    )

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="cityux_segment")

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("department"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "cityux_personalize/segment_preview.html"

    def get_preview_context(self, request, mode_name):
        from ..segments import compile_segment

        compiled = compile_segment(self)
        return {
            **super().get_preview_context(request, mode_name),
            "segment": self,
            "compiled": compiled,
        }
