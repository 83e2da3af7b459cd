"""This app's tables on the data map (see cityux.mydata.register_table)."""

from cityux.mydata import register_table

from ..conf import personalize_setting


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
