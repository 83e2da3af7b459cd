"""This app's own data as My data sources: profiles, drafts, codes, exposures, conversions."""

from django.utils.translation import gettext_lazy as _

from cityux.mydata import register_data_source

from .data_map import register_tables


def _profile_rows(subject):
    from ..models import VisitorProfile

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
    from ..models import Questionnaire

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
    from ..models import VisitorProfile

    count, _by_model = VisitorProfile.objects.filter(pk__in=subject.profile_ids).delete()
    return count


def _draft_rows(subject):
    from ..models import FormDraft

    drafts = FormDraft.objects.filter(profile__in=subject.profile_ids).select_related("page")
    return [
        {"form": draft.page.title, "last_saved": draft.updated.isoformat(), "fields": draft.data}
        for draft in drafts.order_by("-updated")
    ]


def _delete_drafts(subject):
    from ..models import FormDraft

    return FormDraft.objects.filter(profile__in=subject.profile_ids).delete()[0]


def _code_rows(subject):
    from ..models import ResumeCode

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
    from ..models import ResumeCode

    return ResumeCode.objects.filter(profile__in=subject.profile_ids).delete()[0]


def _exposure_rows(subject):
    from ..models import Exposure

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
    from ..models import Exposure

    return Exposure.objects.filter(visitor_id__in=subject.visitor_ids).delete()[0]


def _conversion_rows(subject):
    from ..models import Conversion

    conversions = Conversion.objects.filter(visitor_id__in=subject.visitor_ids)
    return [
        {"goal": conversion.goal.name, "reached": conversion.reached_at.isoformat()}
        for conversion in conversions.select_related("goal").order_by("reached_at")
    ]


def _delete_conversions(subject):
    from ..models import Conversion

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
