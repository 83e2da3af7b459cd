"""Resident-facing survey endpoints: the surveys a page offers, "shown", and the answers.

No analytics consent is needed: a resident answers knowingly. Consent only decides whether an
answer is linked to the visit's tracked session.

Answers, by question type: rating 1-5 (a JSON number), thumbs "up" / "down", yes_no "yes" /
"no", choice one of the listed choices (the text), text a string of at most max_length
characters. An empty string or null is no answer. Every error is JSON: {"error", "fields"},
where fields maps question ids to what is wrong with their answer.

The body is a `SurveyPost` msgspec struct, decoded in one pass: a wrong type or an unknown key
is a 400 naming the field. Answers stay plain JSON values until each question's block checks
its own, so that error names the question.
"""

import logging
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
import swapper
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cityux.clientip import client_ip
from cityux.consent import ANALYTICS, has_consent
from cityux.mydata import consented_visitor_id
from cityux.signals import survey_answered_yes
from cityux.tombstones import is_forgotten
from cityux.unavailable import retry_later_when_unavailable
from cityux.wire import WireError, decode

from ..buffer import over_limits
from ..models import TrackedSession
from ..pages import resolve_path
from ..schema import SESSION_ID
from ..views.collect import origin_allowed
from .answers import InvalidAnswers, clean_answers
from .conf import survey_setting
from .models import Survey, SurveyResponse
from .sentiment import sentiment
from .serving import count_daily, surveys_for_path
from .targeting import is_active

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024
MAX_PATH_LENGTH = 2048
MAX_ID = 2**63 - 1
# The answer that counts as a "yes", per question type.
YES_ANSWERS = {"yes_no": "yes", "thumbs": "up"}
# Control characters and lone surrogates: not part of any real URL path.
_UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


class BadRequest(ValueError):
    """The request cannot be used; the message goes back to the widget."""


class SurveyPost(msgspec.Struct, forbid_unknown_fields=True):
    """What the widget posts to `shown/` (revision, path) and `responses/` (all of it)."""

    revision: Annotated[int, msgspec.Meta(ge=-MAX_ID, le=MAX_ID)] | None = None
    path: Any = None  # checked by clean_path, so the error says what a path is
    answers: dict[str, Any] | None = None
    sid: Any = None  # a tracker session id; anything else is ignored
    hp: Annotated[str, msgspec.Meta(max_length=MAX_PATH_LENGTH)] | None = None
    elapsed_ms: Annotated[int, msgspec.Meta(ge=-MAX_ID, le=MAX_ID)] = 0


_decoder = msgspec.json.Decoder(SurveyPost)


def _error(status, message, fields=None):
    return JsonResponse({"error": message, "fields": fields or {}}, status=status)


def clean_path(value):
    """The path part of a URL path sent by the widget, or None if it is not one."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or len(value) > MAX_PATH_LENGTH
        or _UNSAFE_PATH.search(value)
    ):
        return None
    return urlsplit(value).path or "/"


@require_GET
def active_surveys(request):
    """`GET active/?path=/x/y/`: the live surveys targeting that page, and its "Report a
    problem" survey (the page's department's, or the city-wide fallback)."""
    path = clean_path(request.GET.get("path"))
    if path is None:
        return _error(400, _("path must be a URL path starting with /"))
    surveys, report_problem = surveys_for_path(path, timezone.now())
    response = JsonResponse(
        {
            "surveys": [survey.as_widget_data() for survey in surveys],
            "report_problem": report_problem.as_widget_data() if report_problem else None,
        }
    )
    patch_cache_control(response, private=True, max_age=60)
    return response


@csrf_exempt  # the widget posts from the site's own pages; the Origin check stands in
@require_POST
@retry_later_when_unavailable
def survey_shown(request, survey_id):
    """`POST <id>/shown/` {"revision", "path"}: count one showing of the survey on that page."""
    refusal = _refusal(request, survey_id, ip_limit="shown_ip")
    if refusal:
        return refusal
    try:
        data = _read_json(request)
        survey = _active_survey(survey_id)
        path = _path_of(data)
    except BadRequest as error:
        return _error(400, str(error))
    if survey is None:
        return _error(404, _("This survey is not open."))
    count_daily(survey, path, resolve_path(path)[1], "shown")
    return HttpResponse(status=204)


@csrf_exempt  # the widget posts from the site's own pages; the Origin check stands in
@require_POST
@retry_later_when_unavailable
def survey_responses(request, survey_id):
    """`POST <id>/responses/` {"revision", "path", "answers", "sid"?, "hp", "elapsed_ms"}:
    check and store one resident's answers; 201 {"ok", "thank_you"}."""
    refusal = _refusal(request, survey_id, ip_limit="ip")
    if refusal:
        return refusal
    try:
        data = _read_json(request)
        survey = _active_survey(survey_id)
        if survey is None:
            return _error(404, _("This survey is not open."))
        path = _path_of(data)
        revision = data.revision
        caught = _caught_by_bot_trap(data)
        answers = data.answers
        if answers is None:
            raise BadRequest(_("answers must be an object of question id: answer"))
    except BadRequest as error:
        return _error(400, str(error))
    accepted = JsonResponse({"ok": True, "thank_you": survey.get_thank_you_message()}, status=201)
    if caught:
        logger.info("Survey %s: dropped a response caught by the bot trap.", survey.pk)
        return accepted
    if is_forgotten(visitor_id=consented_visitor_id(request), sid=data.sid):
        return accepted  # from a tab open when the resident deleted their data: not kept
    try:
        clean = clean_answers(survey.questions, answers)
    except InvalidAnswers as error:
        return _error(400, str(error), error.fields)
    page_id = _store(
        survey,
        path,
        clean,
        _stored_revision_id(survey, revision),
        _consented_session_id(request, data.sid),
        consented_visitor_id(request),
    )
    _announce_yes(request, survey, clean, page_id)
    return accepted


def _announce_yes(request, survey, clean, page_id):
    """Tell other apps (personalisation goals) about each "yes" or thumbs up in the answers."""
    yes = [
        question.id
        for question in survey.questions
        if question.block.question_type in YES_ANSWERS
        and clean.answers.get(question.id) == YES_ANSWERS[question.block.question_type]
    ]
    if not yes or not survey_answered_yes.has_listeners(SurveyResponse):
        return
    Page = swapper.load_model("wagtailcore", "Page")
    page = Page.objects.filter(pk=page_id).first() if page_id else None
    for question_id in yes:
        survey_answered_yes.send(
            sender=SurveyResponse,
            request=request,
            survey=str(survey.pk),
            question=question_id,
            page=page,
        )


def _store(survey, path, clean, revision_id, session_id, visitor_id=None):
    """Store one response and count it; return the page it was given on (its id, or None)."""
    page_id, department_id = resolve_path(path)
    SurveyResponse.objects.create(
        survey=survey,
        revision_id=revision_id,
        page_id=page_id,
        url=path,
        department_id=department_id,
        session_id=session_id,
        visitor_id=visitor_id,
        answers=clean.answers,
        comment=clean.comment,
        # VADER knows English only: no score beats a wrong one.
        sentiment=sentiment(clean.comment) if survey.language.startswith("en") else None,
        rating=clean.rating,
        created_at=timezone.now(),
    )
    count_daily(survey, path, department_id, "answered")
    return page_id


def _refusal(request, survey_id, ip_limit):
    if not origin_allowed(request):
        return _error(403, _("This endpoint only accepts answers from this site's pages."))
    limits = survey_setting("RATE_LIMITS")
    # The address is only counted for a minute (in Redis under a keyed hash), never stored.
    address = client_ip(request)
    if over_limits(((f"survey-{ip_limit}", address, limits[ip_limit]),)):
        return _error(429, _("Too many requests; please try again in a minute."))
    if ip_limit == "ip" and over_limits((("survey", survey_id, limits["survey"]),)):
        return _error(429, _("Too many answers to this survey; please try again in a minute."))
    return None


def _read_json(request):
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > MAX_BODY_BYTES else request.read(MAX_BODY_BYTES + 1)
    if declared > MAX_BODY_BYTES or len(body) > MAX_BODY_BYTES:
        raise BadRequest(_("The request is larger than %(max)d bytes.") % {"max": MAX_BODY_BYTES})
    try:
        return decode(_decoder, body)
    except WireError as error:
        raise BadRequest(str(error)) from None


def _active_survey(survey_id):
    if survey_id > MAX_ID:
        return None
    survey = Survey.objects.filter(pk=survey_id, live=True).first()
    return survey if survey is not None and is_active(survey, timezone.now()) else None


def _path_of(data):
    path = clean_path(data.path)
    if path is None:
        raise BadRequest(_("path must be a URL path starting with /"))
    return path


def _caught_by_bot_trap(data):
    """People leave the hidden field empty and take a moment to answer; scripts do not."""
    return data.hp not in ("", None) or data.elapsed_ms < survey_setting("MIN_ELAPSED_MS")


def _stored_revision_id(survey, revision):
    """The version the resident saw if it is one of this survey's, else the live one."""
    if revision is None or revision == survey.live_revision_id or not 0 < revision <= MAX_ID:
        return survey.live_revision_id
    if survey.revisions.filter(pk=revision).exists():
        return revision
    return survey.live_revision_id


def _consented_session_id(request, sid):
    if not isinstance(sid, str) or not SESSION_ID.fullmatch(sid):
        return None
    if not has_consent(request, ANALYTICS):
        return None
    return TrackedSession.objects.filter(sid=sid).values_list("pk", flat=True).first()
