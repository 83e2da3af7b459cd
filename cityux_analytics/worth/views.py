"""The admin page "Sessions worth watching", `/admin/cityux/replays/worth/`, and its hub section."""

from operator import itemgetter

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from cityux.access import departments_for_user
from cityux.admin import DepartmentFilter, forbidden
from cityux.exports import FormulaSafeExportMixin

from ..conf import analytics_setting
from ..models import FrustrationSignal, TrackedSession
from ..replay.models import ReplayFeedback
from ..views.reports.base import ElementColumn
from . import score
from .models import WorthModel
from .ranking import worth_watching

HUB_TOP = 5
# The hub page shows several sections at once: its top 5 come from the latest sessions only.
HUB_CANDIDATES = 300


class WorthFilterSet(WagtailFilterSet):
    department = DepartmentFilter(empty_label=None)

    class Meta:
        model = TrackedSession
        fields = []


def rank_display(row):
    if row["probability"] is not None:
        return _("%(percent)d%% likely useful") % {"percent": round(100 * row["probability"])}
    return _("score %(score)d") % {"score": row["score"]}


def more_text(row):
    if not row["more"]:
        return _("no other session like this")
    return ngettext(
        "%(count)d more session like this", "%(count)d more sessions like this", row["more"]
    ) % {"count": row["more"]}


def play_text(row):
    return _("Play") if row["has_replay"] else _("no replay recorded")


def ranking_method(model_row=None):
    """Which ranking is active, in words, with the learnt model's held-out accuracy."""
    if model_row is not None:
        return _(
            "Ranked by the model learnt from %(labels)d “useful” / “not useful” answers "
            "(trained %(date)s): it was right on %(accuracy)d%% of held-out answers, against "
            "%(baseline)d%% for always guessing the most common answer."
        ) % {
            "labels": model_row.labels_used,
            "date": date_format(model_row.created_at, "j M Y"),
            "accuracy": round(100 * model_row.held_out_accuracy),
            "baseline": round(100 * model_row.baseline_accuracy),
        }
    latest = WorthModel.objects.order_by("-created_at", "-pk").first()
    if latest is not None:
        return _(
            "Ranked by the transparent score: the latest learnt model (%(accuracy)d%% right on "
            "held-out answers) does not beat always guessing the most common answer "
            "(%(baseline)d%%)."
        ) % {
            "accuracy": round(100 * latest.held_out_accuracy),
            "baseline": round(100 * latest.baseline_accuracy),
        }
    return _(
        "Ranked by the transparent score. A model will learn from the “Useful” / “Not useful” "
        "buttons under each replay once there are %(needed)d answers (%(count)d so far)."
    ) % {"needed": analytics_setting("WORTH_MIN_LABELS"), "count": ReplayFeedback.objects.count()}


def score_explained():
    """The score's weights in words, for the page's "How the score works"."""
    return [
        _("rage click: %(points)g points") % {"points": score.RAGE_CLICK_POINTS},
        _("error click: %(points)g points, and %(extra)g more for each different error")
        % {"points": score.ERROR_CLICK_POINTS, "extra": score.DISTINCT_ERROR_POINTS},
        _("form left unfinished: %(points)g points") % {"points": score.FORM_ABANDONMENT_POINTS},
        _("dead click: %(points)g point") % {"points": score.DEAD_CLICK_POINTS},
        _("mouse thrash, quick back or bout of scrolling: %(points)g point")
        % {"points": score.OTHER_SIGNAL_POINTS},
        _("survey rating below %(from)d of 5: %(points)g points per step below")
        % {"from": score.LOW_RATING_FROM, "points": score.LOW_RATING_POINTS_PER_STEP},
        _("each of the department's pages seen after the first: %(points)g point (up to %(max)d)")
        % {"points": score.JOURNEY_PAGE_POINTS, "max": score.JOURNEY_MAX_PAGES - 1},
        _("points halve every %(days)g days of age, and halve for visits under %(seconds)g s")
        % {"days": score.RECENCY_HALF_LIFE_DAYS, "seconds": score.SHORT_SESSION_SECONDS},
        _("score = 100 × (1 − e^(−points / %(scale)g))") % {"scale": score.POINTS_SCALE},
    ]


class WorthWatchingView(FormulaSafeExportMixin, ReportView):
    page_title = _("Sessions worth watching")
    header_icon = "media"
    template_name = "cityux_analytics/reports/report.html"
    results_template_name = "cityux_analytics/worth/results.html"
    index_url_name = "cityux_replays:worth"
    index_results_url_name = "cityux_replays:worth_results"
    filterset_class = WorthFilterSet
    table_classname = "listing cityux-report-table"
    paginate_by = 50
    columns = [
        Column("rank", label=_("#"), accessor="rank"),
        Column("rank_value", label=_("Rank by"), accessor=rank_display),
        Column("reasons_text", label=_("Why"), accessor="reasons_text", classname="cityux-wrap"),
        ElementColumn("problem", selector_key="problem_selector", label=_("Problem")),
        TitleColumn(
            "more", label=_("Like this"), accessor=more_text, get_url=itemgetter("more_url")
        ),
        TitleColumn(
            "replay", label=_("Replay"), accessor=play_text, get_url=itemgetter("play_url")
        ),
    ]
    list_export = [
        "rank",
        "session_id",
        "score",
        "probability",
        "reasons_text",
        "problem",
        "problem_selector",
        "more",
        "replay",
    ]
    export_headings = {
        "rank": _("Rank"),
        "session_id": _("Session"),
        "score": _("Score (0-100)"),
        "probability": _("Model probability of “useful”"),
        "reasons_text": _("Why"),
        "problem": _("Problem"),
        "problem_selector": _("Element selector"),
        "more": _("More sessions like this"),
        "replay": _("Replay"),
    }

    def get(self, request, *args, **kwargs):
        if self.department is None:
            return forbidden(
                request, _("Sessions worth watching are shown to department leads and analysts.")
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
            {"url": reverse("cityux_replays:list"), "label": _("Session replays")},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def department(self):
        """The chosen department, else the user's first with frustrated sessions, else their
        first; None if they see none."""
        self.filters.is_valid()
        chosen = getattr(self.filters.form, "cleaned_data", {}).get("department")
        if chosen:
            return chosen
        departments = departments_for_user(self.request.user).order_by("name")
        signalled = FrustrationSignal.objects.filter(department=OuterRef("pk"))
        return departments.filter(Exists(signalled)).first() or departments.first()

    @cached_property
    def ranking(self):
        return worth_watching(self.department)

    def get_queryset(self):
        return [{**row, "rank": index} for index, row in enumerate(self.ranking.rows, start=1)]

    def filter_queryset(self, queryset):
        return queryset

    def get_filename(self):
        return f"cityux-worth-watching-{self.department.slug}"

    def to_row_dict(self, row):
        values = {
            **row,
            "probability": None if row["probability"] is None else round(row["probability"], 3),
            "replay": self.request.build_absolute_uri(row["play_url"])
            if row["play_url"]
            else str(play_text(row)),
        }
        return {field: values[field] for field in self.list_export}

    def get_heading(self, queryset, field):
        return str(self.export_headings[field])

    @cached_property
    def no_results_message(self):
        return _(
            "No session of %(department)s showed frustration in the last days kept "
            "(%(days)d): nothing to watch."
        ) % {"department": self.department.name, "days": analytics_setting("RETENTION_DAYS")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_export:
            return context
        context.update(
            department=self.department,
            method=ranking_method(self.ranking.model),
            candidates=self.ranking.candidates,
            score_explained=score_explained(),
        )
        return context


def worth_section_context(request, departments):
    """The hub's "Sessions worth watching": the top 5 on a department's page."""
    departments = list(departments)
    if len(departments) != 1:
        return {"department": None, "worth_url": reverse("cityux_replays:worth")}
    department = departments[0]
    ranking = worth_watching(department, count=HUB_TOP, max_candidates=HUB_CANDIDATES)
    return {
        "department": department,
        "rows": ranking.rows,
        "method": ranking_method(ranking.model),
        "worth_url": f"{reverse('cityux_replays:worth')}?department={department.pk}",
    }
