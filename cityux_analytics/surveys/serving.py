"""Which published surveys a page gets, and the daily shown / answered counts."""

import logging

import swapper
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..pages import resolve_path
from .models import Survey, SurveyDailyStats, SurveyPageTarget
from .targeting import TriggerError, is_active, targets, trigger_config

logger = logging.getLogger(__name__)

# A page offers at most this many automatic surveys: residents came for the page, not for us.
MAX_SURVEYS_PER_PAGE = 3


def active_surveys(now):
    """Live surveys within their dates: the published content, never a draft."""
    candidates = (
        Survey.objects.filter(live=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-last_published_at", "-pk")
    )
    return [survey for survey in candidates if is_active(survey, now)]


def surveys_for_path(url_path, now):
    """(automatic surveys, "Report a problem" survey or None) for the page at `url_path`."""
    page_id, department_id = resolve_path(url_path)
    tree_path = _tree_path(page_id)
    surveys = active_surveys(now)
    report_problem = _report_problem_survey(surveys, department_id)
    automatic = [survey for survey in surveys if not survey.is_report_problem]
    rules = _targeting_rules(automatic)
    targeted = [
        survey
        for survey in automatic
        if targets(rules[survey.pk], url_path, tree_path, department_id)
    ]
    return [s for s in targeted if _serves(s)][:MAX_SURVEYS_PER_PAGE], report_problem


def _tree_path(page_id):
    if page_id is None:
        return None
    Page = swapper.load_model("wagtailcore", "Page")
    return Page.objects.filter(pk=page_id).values_list("path", flat=True).first()


def _report_problem_survey(surveys, department_id):
    own = fallback = None
    for survey in surveys:
        if not survey.is_report_problem or not _serves(survey):
            continue
        if survey.is_city_wide_fallback:
            fallback = fallback or survey
        elif department_id is not None and survey.department_id == department_id:
            own = own or survey
    return own or fallback


def _targeting_rules(surveys):
    ids = [survey.pk for survey in surveys]
    pages = {pk: [] for pk in ids}
    for survey_id, path, descendants in SurveyPageTarget.objects.filter(
        survey_id__in=ids
    ).values_list("survey_id", "page__path", "include_descendants"):
        pages[survey_id].append((path, descendants))
    departments = {pk: [] for pk in ids}
    through = Survey._meta.get_field("target_departments").remote_field.through
    for survey_id, department_id in through.objects.filter(survey_id__in=ids).values_list(
        "survey_id", "department_id"
    ):
        departments[survey_id].append(department_id)
    return {
        survey.pk: survey.targeting_rules(pages[survey.pk], departments[survey.pk])
        for survey in surveys
    }


def _serves(survey):
    # A survey saved without the admin form can hold a trigger the widget cannot follow.
    try:
        trigger_config(survey)
    except TriggerError:
        logger.warning("Survey %s is not served: its trigger value is invalid.", survey.pk)
        return False
    return True


def count_daily(survey, url_path, department_id, field):
    """Add one to `field` ("shown" or "answered") of today's row for this survey and page."""
    today = timezone.localdate()
    rows = SurveyDailyStats.objects.filter(survey=survey, date=today, url=url_path)
    if rows.update(**{field: F(field) + 1}):
        return
    try:
        with transaction.atomic():
            SurveyDailyStats.objects.create(
                survey=survey, date=today, url=url_path, department_id=department_id, **{field: 1}
            )
    except IntegrityError:
        # Another request created today's row between our update and insert.
        rows.update(**{field: F(field) + 1})
