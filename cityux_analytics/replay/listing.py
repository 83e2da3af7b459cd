"""The admin list of sessions and their replays, `/admin/cityux/replays/`.

Dashboard rows link here with the query parameters of `ReplayFilterSet` (`department`, `page`,
`element`, `error`, `kind`, `date_from`, `date_to`, `recorded=1`); see
`sessions.filter_sessions` for what each matches.
"""

import django_filters
from django import forms
from django.db.models import F
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from cityux.access import departments_for_user
from cityux.admin import DepartmentFilter, forbidden
from cityux.exports import FormulaSafeExportMixin

from .. import reports
from ..models import SignalKind, TrackedSession
from ..presenters import kind_display
from ..reports import DateRangeError, kind_label
from .sessions import (
    SessionCriteria,
    filter_sessions,
    kind_count,
    recorded,
    sessions_for_user,
    with_listing_columns,
)

NO_REPLAY = _("no replay recorded")


class RecordedFilter(django_filters.BooleanFilter):
    """A checkbox: `recorded=1` keeps only sessions with a replay."""

    field_class = forms.BooleanField


class ReplayFilterSet(WagtailFilterSet):
    department = DepartmentFilter(empty_label=_("All my departments"))
    page = django_filters.NumberFilter(label=_("Page (id)"), min_value=1)
    kind = django_filters.ChoiceFilter(
        label=_("Kind of signal"), choices=SignalKind.choices, empty_label=_("All kinds")
    )
    element = django_filters.CharFilter(label=_("Element (CSS selector)"), max_length=512)
    error = django_filters.CharFilter(label=_("Error (message @ script)"), max_length=1024)
    date_from = django_filters.DateFilter(label=_("Started from"), widget=AdminDateInput)
    date_to = django_filters.DateFilter(label=_("Started until"), widget=AdminDateInput)
    recorded = RecordedFilter(label=_("Only sessions with a replay"))

    class Meta:
        model = TrackedSession
        fields = []


def player_url(session):
    if not session.has_replay:
        return None
    return reverse("cityux_replays:player", args=[session.pk])


def replay_link_text(session):
    return _("Play") if session.has_replay else NO_REPLAY


def duration_display(session):
    seconds = max(0, round(session.duration.total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def signals_display(session):
    """E.g. "2 rage clicks, 1 error click"; "none" without signals."""
    parts = []
    for kind in SignalKind.values:
        count = getattr(session, kind_count(kind))
        if count:
            name = kind_label(kind) if count > 1 else kind_display(kind)
            parts.append(f"{count} {str(name).lower()}")
    return ", ".join(parts) or _("none")


def rating_display(session):
    if session.lowest_rating is None:
        return ""
    return _("%(rating)s of 5") % {"rating": session.lowest_rating}


class ReplayListView(FormulaSafeExportMixin, ReportView):
    page_title = _("Session replays")
    header_icon = "media"
    template_name = "cityux_analytics/reports/report.html"
    results_template_name = "cityux_analytics/replay/list_results.html"
    index_url_name = "cityux_replays:list"
    index_results_url_name = "cityux_replays:list_results"
    filterset_class = ReplayFilterSet
    export_filename = "cityux-session-replays"
    table_classname = "listing cityux-report-table"
    paginate_by = 50
    default_ordering = "-started_at"
    columns = [
        Column(
            "started_at",
            label=_("Started"),
            accessor=lambda s: date_format(localtime(s.started_at), "j M Y H:i"),
            sort_key="started_at",
        ),
        Column("department", label=_("Department"), accessor=lambda s: s.department or ""),
        Column("duration", label=_("Duration"), accessor=duration_display, sort_key="duration"),
        NumberColumn("page_views", label=_("Pages"), sort_key="page_views"),
        Column("signals", label=_("Signals"), accessor=signals_display, sort_key="total_signals"),
        Column(
            "score",
            label=_("Score"),
            accessor=lambda s: "" if s.score is None else s.score,
            sort_key="score",
        ),
        Column(
            "lowest_rating",
            label=_("Survey rating"),
            accessor=rating_display,
            sort_key="lowest_rating",
        ),
        TitleColumn("replay", label=_("Replay"), accessor=replay_link_text, get_url=player_url),
    ]
    list_export = [
        "started_at",
        "department",
        "duration_seconds",
        "page_views",
        *(kind_count(kind) for kind in SignalKind.values),
        "total_signals",
        "score",
        "lowest_rating",
        "replay",
    ]
    export_headings = {
        "started_at": _("Started"),
        "department": _("Department"),
        "duration_seconds": _("Duration (seconds)"),
        "page_views": _("Pages"),
        **{kind_count(kind): kind_display(kind) for kind in SignalKind.values},
        "total_signals": _("Signals"),
        "score": _("Frustration score"),
        "lowest_rating": _("Lowest survey rating (1-5)"),
        "replay": _("Replay"),
    }

    def get(self, request, *args, **kwargs):
        if not departments_for_user(request.user).exists():
            return forbidden(
                request, _("Session replays are shown to department leads and analysts.")
            )
        if self.filters.is_bound and "department" in self.filters.form.errors:
            return forbidden(
                request,
                _(
                    "You asked for a department whose sessions you cannot see. A department's "
                    "sessions are shown to its leads and to city-wide analysts only."
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("cityux_hub:overview"), "label": _("City UX")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def cleaned_filters(self):
        """The valid filters' values; a filter with an error is left out (and shown)."""
        self.filters.is_valid()
        form = self.filters.form
        return {
            name: value
            for name, value in getattr(form, "cleaned_data", {}).items()
            if name not in form.errors
        }

    @cached_property
    def date_range_and_error(self):
        get = self.request.GET
        start, end = get.get("date_from", "").strip(), get.get("date_to", "").strip()
        if not (start or end):
            return None, ""
        try:
            return reports.parse_date_range(start, end), ""
        except DateRangeError as error:
            return None, str(error)

    @cached_property
    def criteria(self):
        values = self.cleaned_filters
        department = values.get("department")
        page = values.get("page")
        date_range = self.date_range_and_error[0]
        return SessionCriteria(
            department_id=department.pk if department else None,
            page_id=int(page) if page is not None else None,
            element=(values.get("element") or "").strip(),
            error=(values.get("error") or "").strip(),
            kind=values.get("kind") or "",
            start=date_range.start if date_range else None,
            end=date_range.end if date_range else None,
            recorded_only=bool(values.get("recorded")),
        )

    @cached_property
    def matching_sessions(self):
        return filter_sessions(sessions_for_user(self.request.user), self.criteria)

    def get_queryset(self):
        sessions = with_listing_columns(self.matching_sessions)
        ordering = self.ordering or self.default_ordering
        name = ordering.removeprefix("-")
        if ordering.startswith("-"):
            return sessions.order_by(F(name).desc(nulls_last=True), "-pk")
        return sessions.order_by(F(name).asc(nulls_last=True), "pk")

    def filter_queryset(self, queryset):
        return queryset  # applied in get_queryset, from `criteria`

    def to_row_dict(self, session):
        values = {
            "started_at": localtime(session.started_at).replace(tzinfo=None),
            "department": str(session.department or ""),
            "duration_seconds": max(0, round(session.duration.total_seconds())),
            "page_views": session.page_views,
            **{kind_count(kind): getattr(session, kind_count(kind)) for kind in SignalKind.values},
            "total_signals": session.total_signals,
            "score": session.score,
            "lowest_rating": session.lowest_rating,
            "replay": self.request.build_absolute_uri(player_url(session))
            if session.has_replay
            else str(NO_REPLAY),
        }
        return {field: values[field] for field in self.list_export}

    def summary(self):
        total = self.matching_sessions.count()
        with_replay = self.matching_sessions.filter(recorded()).count()
        matching = ngettext("%(count)s session matches", "%(count)s sessions match", total) % {
            "count": total
        }
        recorded_text = ngettext(
            "%(count)s has a replay", "%(count)s have a replay", with_replay
        ) % {"count": with_replay}
        return f"{matching}; {recorded_text}."

    def filter_errors(self):
        """Each filter that could not be read, in words, plus a date range that does not fit."""
        form = self.filters.form
        errors = [
            f"{form.fields[name].label}: {' '.join(messages)}"
            for name, messages in form.errors.items()
            if name in form.fields and name not in ("date_from", "date_to")
        ]
        date_error = self.date_range_and_error[1]
        if date_error:
            errors.append(date_error)
        elif "date_from" in form.errors or "date_to" in form.errors:
            errors.append(str(_("A date could not be read: write it as year-month-day.")))
        return errors

    @cached_property
    def no_results_message(self):
        return _("No session matches these filters.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        context["summary"] = self.summary()
        context["filter_errors"] = self.filter_errors()
        context["explanation"] = _(
            "Visits of residents who accepted usability measurement, newest first. A replay "
            "exists when the visit showed frustration (or was sampled): press “Play” to watch it."
        )
        return context
