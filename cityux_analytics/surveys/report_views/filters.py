"""The survey reports' filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ...views.reports.filters import DateRangeFilterSet
from .. import reports
from ..models import SurveyResponse


class CommentFilterSet(DateRangeFilterSet):
    rating = django_filters.MultipleChoiceFilter(
        label=_("Rating"),
        choices=[(rating, str(rating)) for rating in reports.RATINGS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SurveyResponse
        fields = []
