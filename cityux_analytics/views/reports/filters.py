"""The filters of the analytics reports: dates, department, kind of signal."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import AdminDateInput

from cityux.access import departments_for_user

from ...models import ElementDailyStats, PageDailyStats, SignalKind


class DateRangeFilterSet(WagtailFilterSet):
    # Read by `AnalyticsReportView.date_range`; declared here for the filter form.
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From date"), widget=AdminDateInput
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To date"), widget=AdminDateInput
    )

    class Meta:
        model = PageDailyStats
        fields = []


class DepartmentFilterSet(DateRangeFilterSet):
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=lambda request: departments_for_user(request.user),
        empty_label=_("All my departments"),
    )


class ElementFilterSet(DepartmentFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind of signal"),
        choices=SignalKind.choices,
        empty_label=_("All kinds"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ElementDailyStats
        fields = []
