"""What analytics holds about a resident, for the "My data" page (`cityux.mydata`).

Sessions, their page views, signals and replays, and survey answers are linked to a resident
only when they also agreed to personalisation: then the anonymous visitor id is stored with
them (`TrackedSession.visitor_id`, `SurveyResponse.visitor_id`). Without it nothing links a
visit to a person, so there is nothing to show. Daily rollups are counts without any id and
are not personal data: they stay.
"""

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityux.mydata import register_data_source, register_table

from .conf import analytics_setting
from .surveys.answers import answers_in_words

MAX_PAGES_LISTED = 50


def _local(moment):
    """An instant in the site's TIME_ZONE (ISO 8601 with its offset), as residents read clocks."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _in_words(counts):
    """{kind: times} as {"Rage clicks": times}."""
    from .models import SignalKind

    return {
        str(SignalKind(kind).label) if kind in SignalKind.values else kind: times
        for kind, times in counts.items()
    }


def _sessions(subject):
    from .models import TrackedSession

    return TrackedSession.objects.filter(visitor_id__in=subject.visitor_ids)


def _responses(subject):
    from .surveys.models import SurveyResponse

    return SurveyResponse.objects.filter(
        Q(visitor_id__in=subject.visitor_ids) | Q(session__visitor_id__in=subject.visitor_ids)
    )


def session_rows(subject):
    """Each measured visit: when, the pages seen, the frustration met, whether it was recorded.

    Three queries whatever the number of sessions: the sessions with their recording size,
    their page views, and their signals counted by kind.
    """
    from .models import FrustrationSignal, PageView
    from .replay.models import ReplayChunk

    if not subject.visitor_ids:
        return []
    recorded = (
        ReplayChunk.objects.filter(session=OuterRef("pk"))
        .values("session")
        .annotate(total=Sum("size"))
        .values("total")
    )
    sessions = list(
        _sessions(subject)
        .annotate(replay_bytes=Subquery(recorded))
        .order_by("-started_at")
        .prefetch_related(
            Prefetch(
                "views", queryset=PageView.objects.order_by("started_at").only("session", "url")
            )
        )
    )
    difficulties = {}
    for row in (
        FrustrationSignal.objects.filter(session__in=sessions)
        .values("session_id", "kind")
        .annotate(times=Sum("count"))
        .order_by("kind")
    ):
        difficulties.setdefault(row["session_id"], {})[row["kind"]] = row["times"]
    return [
        {
            "started": _local(session.started_at),
            "last_activity": _local(session.last_event_at),
            "pages_viewed": [view.url for view in session.views.all()[:MAX_PAGES_LISTED]],
            "difficulties_measured": _in_words(difficulties.get(session.pk, {})),
            "frustration_score": session.score,
            "screen_recording_kept": bool(session.replay_bytes),
            "recording_bytes": session.replay_bytes or 0,
        }
        for session in sessions
    ]


def session_ids(subject):
    """The ids of the subject's sessions: tombstoned before they are deleted."""
    if not subject.visitor_ids:
        return []
    return list(_sessions(subject).values_list("sid", flat=True))


def delete_sessions(subject):
    """The sessions and everything hanging off them: page views, raw events, signals, replays,
    staff feedback on the replays, and survey answers given during them."""
    if not subject.visitor_ids:
        return 0
    with transaction.atomic():
        _responses(subject).delete()
        count, _by_model = _sessions(subject).delete()
    return count


def response_rows(subject):
    if not subject.visitor_ids:
        return []
    responses = _responses(subject).select_related("survey").order_by("-created_at")
    return [
        {
            "survey": response.survey.title,
            "page": response.url,
            "answered": _local(response.created_at),
            "answers": answers_in_words(response.survey.questions, response.answers),
            "comment": response.comment,
        }
        for response in responses
    ]


def delete_responses(subject):
    if not subject.visitor_ids:
        return 0
    return _responses(subject).delete()[0]


def register_my_data():
    """This app's part of My data and the data map (called from AppConfig.ready())."""
    register_tables()
    register_data_source(
        "analytics_sessions",
        label=_("Your visits measured for usability"),
        description=_(
            "Pages you opened and where the site made things hard for you (for example "
            "repeated clicks or errors), and screen recordings with everything you typed "
            "hidden. Deleted automatically after a few weeks."
        ),
        collect=session_rows,
        delete=delete_sessions,
        order=50,
        session_ids=session_ids,
    )
    register_data_source(
        "survey_answers",
        label=_("Your survey answers"),
        description=_("Answers you gave in the short surveys on our pages."),
        collect=response_rows,
        delete=delete_responses,
        order=60,
    )


def _retention():
    return analytics_setting("RETENTION_DAYS")


def _answers_retention():
    return analytics_setting("SURVEY_RESPONSE_RETENTION_DAYS")


RETENTION = "RETENTION_DAYS (30 days) after the visit's last event"
SESSIONS = ("analytics_sessions",)


def register_tables():
    """This app's part of the data map (see cityux.mydata.register_table)."""
    for model, holds, linked_by in (
        (
            "TrackedSession",
            "One measured visit: its random session id, start and end, score, department, and "
            "the visitor id when the resident also agreed to personalisation.",
            ("sid", "visitor_id"),
        ),
        ("ReceivedBatch", "Which numbered tracker batches of a visit were stored.", ("session",)),
        ("PageView", "The pages opened during a visit (address, page).", ("session",)),
        (
            "RawEvent",
            "Each click, scroll, field focus and script error of a visit: position, element "
            "selector, never typed text.",
            ("session",),
        ),
        ("FrustrationSignal", "Rage clicks, dead clicks etc. found in a visit.", ("session",)),
        ("ReplayChunk", "The masked screen recording of a visit (compressed).", ("session",)),
        ("ReplayFeedback", "Whether a staff member found a visit's replay useful.", ("session",)),
    ):
        register_table(
            f"cityux_analytics.{model}",
            holds=holds,
            why="To find where residents get stuck on the site and fix it.",
            linked_by=linked_by,
            mydata=SESSIONS,
            retention_days=_retention,
            kept=RETENTION,
        )
    register_table(
        "cityux_analytics.SpooledBatch",
        holds="A tracker batch (session id, events, visitor id if linked) kept while the "
        "queue was down, until it is ingested.",
        why="So that no accepted batch is lost; drained within minutes. A deleted visitor's "
        "batch is dropped when drained (tombstone), so My data need not list it.",
        linked_by=("payload",),
        retention_days=_retention,
        kept=RETENTION + " (normally drained within minutes)",
    )
    register_table(
        "cityux_analytics.SurveyResponse",
        holds="Answers and comments given in a micro-survey (e-mails and phone numbers "
        "removed), with the visit and visitor id when the resident consented.",
        why="To learn what residents think of a page.",
        linked_by=("session", "visitor_id"),
        mydata=("survey_answers", "analytics_sessions"),
        retention_days=_answers_retention,
        kept="SURVEY_RESPONSE_RETENTION_DAYS (365 days) after the answer",
    )
    register_table(
        "cityux_analytics.DeadLetteredBatch",
        holds="A tracker batch that ingest could not store (its bytes: session id, events, "
        "visitor id if linked) and the error, for city IT to fix and retry.",
        why="So that a batch ingest refuses is kept with its reason instead of lost or blocking "
        "others. A deleted visitor's batch is dropped when retried (tombstone).",
        linked_by=("body",),
        retention_days=_retention,
        kept=RETENTION + " after it was received",
    )
    for model, holds in (
        ("PageDailyStats", "Counts per page and day: visits, signals, scores."),
        ("DepartmentDailyStats", "Counts per department and day."),
        ("ElementDailyStats", "Counts of signals per page element and day."),
        (
            "ElementName",
            "What a page's buttons, links, headings and landmarks are called on the page "
            "(never a form field's text, masked text or a page about the resident).",
        ),
        ("SurveyDailyStats", "How often each survey was shown and answered per page and day."),
        ("WorthModel", "A trained ranking model of which replays are worth watching."),
        ("Survey", "The surveys editors wrote."),
        ("SurveyPageTarget", "Which pages a survey is shown on."),
    ):
        register_table(
            f"cityux_analytics.{model}",
            holds=holds,
            why="Reports and settings; no visitor, session or answer is in it.",
            kept="Until deleted by staff",
        )
