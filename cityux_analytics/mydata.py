"""What analytics holds about a resident, for the "My data" page (`cityux.mydata`).

Sessions, their page views, signals and replays, and survey answers are linked to a resident
only when they also agreed to personalisation: then the anonymous visitor id is stored with
them (`TrackedSession.visitor_id`, `SurveyResponse.visitor_id`). Without it nothing links a
visit to a person, so there is nothing to show. Daily rollups are counts without any id and
are not personal data: they stay.
"""

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from cityux.mydata import register_data_source

MAX_PAGES_LISTED = 50


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
            "started": session.started_at.isoformat(),
            "last_activity": session.last_event_at.isoformat(),
            "pages_viewed": [view.url for view in session.views.all()[:MAX_PAGES_LISTED]],
            "difficulties_measured": difficulties.get(session.pk, {}),
            "frustration_score": session.score,
            "screen_recording_kept": bool(session.replay_bytes),
            "recording_bytes": session.replay_bytes or 0,
        }
        for session in sessions
    ]


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
            "answered": response.created_at.isoformat(),
            "answers": response.answers,
            "comment": response.comment,
        }
        for response in responses
    ]


def delete_responses(subject):
    if not subject.visitor_ids:
        return 0
    return _responses(subject).delete()[0]


def register():
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
    )
    register_data_source(
        "survey_answers",
        label=_("Your survey answers"),
        description=_("Answers you gave in the short surveys on our pages."),
        collect=response_rows,
        delete=delete_responses,
        order=60,
    )
