"""StreamField blocks for personalised content: variants per segment, recommendations, area alerts.

Each block chooses what to show from the request in its parent context (`{% include_block %}`
passes it), marks the response for the cache headers, and shows the default to residents who
have not agreed to personalisation.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .caching import mark_personalisable, mark_personalised
from .profiles import get_profile, personalization_allowed
from .recommendations import recommended_pages
from .segments import active_segments

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


def transparency_links():
    """Where a resident changes their choice and sees their data (my-data once it exists)."""
    links = {"cookie_settings": reverse("cityux:cookie_settings"), "my_data": None}
    try:
        links["my_data"] = reverse("cityux_personalize:my_data")
    except NoReverseMatch:
        pass
    return links


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, help_text=gettext_lazy("If no page is chosen."))

    class Meta:
        icon = "link"
        label = gettext_lazy("Call to action")
        template = "cityux_personalize/blocks/call_to_action.html"


class PersonalisedContentBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        max_length=120,
        icon="title",
        form_classname="title",
        template="cityux_personalize/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    call_to_action = CallToActionBlock()


class VariantBlock(blocks.StructBlock):
    segments = blocks.ListBlock(
        SnippetChooserBlock("cityux_personalize.Segment"),
        min_num=1,
        label=gettext_lazy("For visitors in"),
    )
    content = PersonalisedContentBlock()

    class Meta:
        icon = "group"
        label = gettext_lazy("Variant")


def choose_variant(request, value):
    """(content, SegmentMatch or None): the first variant for a segment the visitor is in.

    A visitor in the segment's holdout (control group) gets the default, as do visitors
    without consent; either way the exposure is recorded for the goals report.
    """
    if request is None:
        return value["default"], None
    mark_personalisable(request)
    matches = {match.segment_id: match for match in active_segments(request)}
    if not matches:
        return value["default"], None
    for variant in value["variants"]:
        for segment in variant["segments"]:
            match = matches.get(getattr(segment, "pk", None))
            if match is None:
                continue
            _record_exposure(request, match)
            if match.in_holdout:
                return value["default"], None
            return variant["content"], match
    return value["default"], None


def _record_exposure(request, match):
    if getattr(request, "_cityux_preview_segments", None) is not None:
        return  # an editor's preview is not an exposure
    try:
        from .goals import record_exposure
    except ImportError:  # goal measurement not installed yet
        return
    record_exposure(request, match.segment_id, "holdout" if match.in_holdout else "variant")


class PersonalisedBlock(blocks.StructBlock):
    variants = blocks.ListBlock(VariantBlock(), label=gettext_lazy("Variants"))
    default = PersonalisedContentBlock(
        required=False,
        label=gettext_lazy("Default content"),
        help_text=gettext_lazy(
            "Shown to everyone else, and to residents who have not agreed to personalisation."
        ),
    )

    class Meta:
        icon = "group"
        label = gettext_lazy("Personalised content")
        template = "cityux_personalize/blocks/personalised.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        content, match = choose_variant((parent_context or {}).get("request"), value)
        context.update(content=content, match=match, links=transparency_links())
        return context


class RecommendedForYouBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Recommended for you")
    count = blocks.IntegerBlock(min_value=1, max_value=8, default=4)

    class Meta:
        icon = "pick"
        label = gettext_lazy("Recommended for you")
        template = "cityux_personalize/blocks/recommended.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        parent_context = parent_context or {}
        request = parent_context.get("request")
        pages, departments = [], []
        if request is not None:
            mark_personalisable(request)
            profile = get_profile(request)
            if profile is not None and profile.department_interest:
                mark_personalised(request)
                pages, departments = recommended_pages(
                    profile, value["count"], current_page=parent_context.get("page")
                )
        context.update(pages=pages, departments=departments, links=transparency_links())
        return context


class AreaAlertBlock(blocks.StructBlock):
    areas = blocks.ListBlock(
        SnippetChooserBlock("cityux_personalize.CityArea"),
        min_num=1,
        label=gettext_lazy("Shown to residents of"),
    )
    level = blocks.ChoiceBlock(
        choices=[
            ("info", gettext_lazy("Information")),
            ("warning", gettext_lazy("Warning")),
            ("emergency", gettext_lazy("Emergency")),
        ],
        default="warning",
    )
    heading = blocks.CharBlock(max_length=120)
    message = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = gettext_lazy("Area alert")
        template = "cityux_personalize/blocks/area_alert.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        area = None
        if request is not None:
            mark_personalisable(request)
            profile = get_profile(request)
            if profile is not None:
                mark_personalised(request)
                area = next(
                    (a for a in value["areas"] if a is not None and a.pk == profile.area_id), None
                )
        explanation = (
            _("You see this because you told us you live in or near %(area)s.")
            % {"area": area.name}
            if area is not None
            else ""
        )
        context.update(area=area, explanation=explanation, links=transparency_links())
        return context


class QuestionnaireBlock(blocks.StructBlock):
    questionnaire = SnippetChooserBlock("cityux_personalize.Questionnaire")

    class Meta:
        icon = "help"
        label = gettext_lazy("Questionnaire")
        template = "cityux_personalize/blocks/questionnaire.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        questionnaire = value["questionnaire"]
        allowed = request is not None and personalization_allowed(request)
        answer = None
        if request is not None:
            mark_personalisable(request)
        if allowed and questionnaire is not None:
            mark_personalised(request)
            answer = get_profile(request).answers.get(questionnaire.slug)
        context.update(
            questionnaire=questionnaire,
            allowed=allowed,
            answer=answer,
            next_url=request.get_full_path() if request is not None else "/",
            links=transparency_links(),
        )
        return context
