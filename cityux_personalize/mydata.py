"""My data: everything the city holds about a visitor, to see, download and delete.

Apps plug their own data in through the core's registry (`cityux.mydata`), without this app
knowing their models::

    from cityux.mydata import register_data_source

    register_data_source(
        "survey_answers",
        label="Your survey answers",
        description="Answers you gave in “Tell us what you think” boxes.",
        collect=lambda subject: [...],   # a list of plain dicts (JSON-ready)
        delete=lambda subject: count,    # removes every row, returns how many
    )

`collect` and `delete` receive a `DataSubject`: the request, the visitor ids of the profile and
of every profile merged into it, and the signed-in user (or None).
"""

import datetime
import re
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cityux.mydata import (
    DataSubject,
    data_sources,
    forget_subject,
    register_data_source,
    register_table,
)
from cityux.tombstones import forgotten_visitors

from .conf import VISITOR_COOKIE, personalize_setting

__all__ = ["DataSubject", "data_sources", "register_data_source", "subject_for", "export"]


def subject_for(request):
    """The DataSubject of this browser: its visitor cookie's profile (followed through merges).

    Read even after consent was withdrawn, so a resident can still see and delete their data.
    """
    from .models import VisitorProfile
    from .profiles import flush_profile

    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    roots = []
    visitor_id = _uuid(request.COOKIES.get(VISITOR_COOKIE))
    if visitor_id is not None:
        flush_profile(visitor_id)  # what the cache holds newer than the row
        profile = VisitorProfile.objects.filter(visitor_id=visitor_id).first()
        for _hop in range(5):
            if profile is None or profile.merged_into_id is None:
                break
            profile = VisitorProfile.objects.filter(pk=profile.merged_into_id).first()
        if profile is not None:
            roots.append(profile.pk)
    if user is not None:
        roots += VisitorProfile.objects.filter(user=user).values_list("pk", flat=True)
    profile_ids = _with_merged(set(roots))
    visitor_ids = tuple(
        VisitorProfile.objects.filter(pk__in=profile_ids).values_list("visitor_id", flat=True)
    )
    return DataSubject(request, tuple(sorted(profile_ids)), visitor_ids, user)


def _with_merged(profile_ids):
    from .models import VisitorProfile

    found, frontier = set(profile_ids), set(profile_ids)
    while frontier:
        frontier = (
            set(
                VisitorProfile.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
            )
            - found
        )
        found |= frontier
    return found


def collect_all(subject):
    """[(source, rows)] for every source, in display order."""
    return [(source, source.collect(subject)) for source in data_sources()]


def export(subject):
    """Everything as one JSON-ready dict, keyed by source name."""
    return {
        "visitor_ids": [str(visitor_id) for visitor_id in subject.visitor_ids],
        "data": {
            source.name: {"label": str(source.label), "items": rows}
            for source, rows in collect_all(subject)
        },
    }


def delete_all(subject):
    """Delete every row of every source; returns {source name: rows deleted}."""
    from .profiles import forget_profile

    # Tombstones first, committed: whatever arrives for these visitors and their sessions from
    # now on (an open tab's batches, buffered exposures, a profile write) is dropped.
    forget_subject(subject)
    deleted = {}
    with transaction.atomic():
        # Other apps' sources first: theirs may point at our profile rows.
        for source in reversed(data_sources()):
            deleted[source.name] = source.delete(subject)
    for visitor_id in subject.visitor_ids:
        forget_profile(visitor_id)
    return deleted


def forgotten(visitor_ids):
    """Which of `visitor_ids` (text) deleted their data: their buffered rows are dropped."""
    return forgotten_visitors(visitor_ids)


def _uuid(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


# -- this app's own data --------------------------------------------------------------------------


def _profile_rows(subject):
    from .models import VisitorProfile

    rows = []
    profiles = VisitorProfile.objects.filter(pk__in=subject.profile_ids).select_related("area")
    for profile in profiles.order_by("created"):
        rows.append(
            {
                "visitor_id": str(profile.visitor_id),
                "merged_into_another_device": profile.merged_into_id is not None,
                "signed_in_account": profile.user.get_username() if profile.user_id else None,
                "first_seen": profile.first_seen.isoformat(),
                "last_seen": profile.last_seen.isoformat(),
                "visits": profile.visit_count,
                "device": profile.get_device_class_display(),
                "came_from": profile.referrer_host,
                "campaign": profile.campaign,
                "language": profile.language,
                "area": profile.area.name if profile.area_id else None,
                "pages_viewed": _page_titles(profile.page_visits),
                "departments_of_interest": _department_names(profile.department_interest),
                "answers": _answers_in_words(profile.answers),
            }
        )
    return rows


def _answers_in_words(answers):
    """{questionnaire slug: answer value} as {question: answer label}, as the resident saw them."""
    from .models import Questionnaire

    asked = {q.slug: q for q in Questionnaire.objects.filter(slug__in=list(answers or {}))}
    return {
        (asked[slug].question if slug in asked else slug): (
            asked[slug].label_for(value) if slug in asked else value
        )
        for slug, value in (answers or {}).items()
    }


def _page_titles(counts):
    import swapper

    page_model = swapper.load_model("wagtailcore", "Page")
    ids = [int(key) for key in counts if str(key).isdigit()]
    titles = dict(page_model.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [
        {"page": titles.get(int(key), _("a page no longer on the site")), "views": count}
        for key, count in sorted(counts.items(), key=lambda item: -item[1])
        if str(key).isdigit()
    ]


def _department_names(counts):
    from cityux.models import Department

    ids = [int(key) for key in counts if str(key).isdigit()]
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        {"department": names.get(int(key), str(key)), "pages_viewed": count}
        for key, count in sorted(counts.items(), key=lambda item: -item[1])
        if str(key).isdigit()
    ]


def _delete_profiles(subject):
    from .models import VisitorProfile

    count, _by_model = VisitorProfile.objects.filter(pk__in=subject.profile_ids).delete()
    return count


def _draft_rows(subject):
    from .models import FormDraft

    drafts = FormDraft.objects.filter(profile__in=subject.profile_ids).select_related("page")
    return [
        {"form": draft.page.title, "last_saved": draft.updated.isoformat(), "fields": draft.data}
        for draft in drafts.order_by("-updated")
    ]


def _delete_drafts(subject):
    from .models import FormDraft

    return FormDraft.objects.filter(profile__in=subject.profile_ids).delete()[0]


def _code_rows(subject):
    from .models import ResumeCode

    codes = ResumeCode.objects.filter(profile__in=subject.profile_ids).order_by("-created")
    return [
        {
            "created": code.created.isoformat(),
            "expires": code.expires_at.isoformat(),
            "used": code.used_at.isoformat() if code.used_at else None,
        }
        for code in codes
    ]


def _delete_codes(subject):
    from .models import ResumeCode

    return ResumeCode.objects.filter(profile__in=subject.profile_ids).delete()[0]


def _exposure_rows(subject):
    from .models import Exposure

    exposures = Exposure.objects.filter(visitor_id__in=subject.visitor_ids).select_related(
        "segment"
    )
    return [
        {
            "group": exposure.segment.name,
            "what_you_saw": exposure.get_variant_display(),
            "first_time": exposure.first_exposed.isoformat(),
        }
        for exposure in exposures.order_by("first_exposed")
    ]


def _delete_exposures(subject):
    from .models import Exposure

    return Exposure.objects.filter(visitor_id__in=subject.visitor_ids).delete()[0]


def _conversion_rows(subject):
    from .models import Conversion

    conversions = Conversion.objects.filter(visitor_id__in=subject.visitor_ids)
    return [
        {"goal": conversion.goal.name, "reached": conversion.reached_at.isoformat()}
        for conversion in conversions.select_related("goal").order_by("reached_at")
    ]


def _delete_conversions(subject):
    from .models import Conversion

    return Conversion.objects.filter(visitor_id__in=subject.visitor_ids).delete()[0]


def register_my_data():
    """This app's part of My data and the data map (called from AppConfig.ready())."""
    register_data_source(
        "profile",
        label=_("Your visitor profile"),
        description=_(
            "What this site remembers to show you relevant information: when you visited, how "
            "often, which pages and departments, your area and your answers to our questions."
        ),
        collect=_profile_rows,
        delete=_delete_profiles,
        order=10,
    )
    register_data_source(
        "form_drafts",
        label=_("Forms you started"),
        description=_("What you typed into forms you have not sent yet, so you can finish them."),
        collect=_draft_rows,
        delete=_delete_drafts,
        order=20,
    )
    register_data_source(
        "resume_codes",
        label=_("Codes to continue on another device"),
        description=_("When you asked for a code. The code itself is never stored."),
        collect=_code_rows,
        delete=_delete_codes,
        order=30,
    )
    register_data_source(
        "personalised_content",
        label=_("Personalised content you were shown"),
        description=_(
            "Which group of visitors you were in, and whether you saw its content or the usual "
            "content (a few visitors are held out so that we can measure whether it helps)."
        ),
        collect=_exposure_rows,
        delete=_delete_exposures,
        order=40,
    )
    register_data_source(
        "goals_reached",
        label=_("Things you did that we count"),
        description=_("E.g. that you sent a form, counted once, to learn whether content helped."),
        collect=_conversion_rows,
        delete=_delete_conversions,
        order=50,
    )

    register_tables()


# -- the data map (see cityux.mydata.register_table) ---------------------------------------------


def _profile_days():
    return personalize_setting("PROFILE_RETENTION_DAYS")


def _draft_days():
    return personalize_setting("DRAFT_RETENTION_DAYS")


def _code_days():
    return 1 + personalize_setting("RESUME_CODE_MINUTES") // 1440


PROFILE_KEPT = "PROFILE_RETENTION_DAYS (365 days) after the last visit"
WHY_PERSONALISE = "To show a consenting resident what is relevant to them."


def register_tables():
    """This app's part of the data map (see cityux.mydata.register_table)."""
    for model, holds, linked, source, days, kept, why in (
        (
            "VisitorProfile",
            "The anonymous visitor id, visits, pages and departments viewed, device, area, "
            "questionnaire answers, the account if signed in.",
            ("visitor_id", "merged_into", "user"),
            "profile",
            _profile_days,
            PROFILE_KEPT,
            WHY_PERSONALISE,
        ),
        (
            "FormDraft",
            "What the resident typed into a form not yet sent.",
            ("profile",),
            "form_drafts",
            _draft_days,
            "DRAFT_RETENTION_DAYS (30 days) after it was last saved",
            "So a resident can finish a form later or on another device.",
        ),
        (
            "ResumeCode",
            "A keyed hash of a one-time code to continue on another device, when it was used.",
            ("profile",),
            "resume_codes",
            _code_days,
            "One day after the code expired (RESUME_CODE_MINUTES)",
            "So a resident can continue a form on another device.",
        ),
        (
            "Exposure",
            "Which personalised content (or the usual content) a visitor was shown.",
            ("visitor_id",),
            "personalised_content",
            _profile_days,
            "PROFILE_RETENTION_DAYS (365 days) after the first exposure",
            "To measure whether personalised content helps (against a held-out group).",
        ),
        (
            "Conversion",
            "That a visitor reached a goal (sent a form, opened a page), once per goal.",
            ("visitor_id",),
            "goals_reached",
            _profile_days,
            "PROFILE_RETENTION_DAYS (365 days) after it was reached",
            "To measure whether personalised content helps.",
        ),
    ):
        register_table(
            f"cityux_personalize.{model}",
            holds=holds,
            why=why,
            linked_by=linked,
            mydata=(source,),
            retention_days=days,
            kept=kept,
        )
    for model, holds in (
        ("CityArea", "Neighbourhood outlines drawn by editors."),
        ("Goal", "What editors count as a success (a page reached, a form sent)."),
        ("Questionnaire", "The questions editors ask to personalise content."),
        ("Segment", "Groups of visitors editors define with rules."),
    ):
        register_table(
            f"cityux_personalize.{model}",
            holds=holds,
            why="Editors' settings; no visitor's data.",
            kept="Until deleted by staff",
        )


# -- showing it in plain words ----------------------------------------------------------------


def label_for(key):
    """ "first_seen" → "First seen"."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def plain_text(value):
    """A stored value as a short line of text for the my-data page (the download has it all)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, dict):
        return "; ".join(f"{label_for(key)}: {plain_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(
            " ".join(plain_text(part) for part in item.values())
            if isinstance(item, dict)
            else plain_text(item)
            for item in value
        )
    if isinstance(value, str) and ISO_INSTANT.match(value):
        return local_words(value)
    return str(value)


# An instant as the sources store it for the download: "2026-12-05T14:03:00+00:00".
ISO_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)$")


def local_words(text):
    """An ISO 8601 instant as a date and time on the site's clock: "5 December 2026, 14:03"."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def display_rows(rows):
    """Each row (a dict) as [(label, text)] for a definition list."""
    return [[(label_for(key), plain_text(value)) for key, value in row.items()] for row in rows]
