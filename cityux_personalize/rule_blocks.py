"""The segment rules as editors build them: one StreamField block per rule type.

`rules.compile_rule` turns each block's stored value into a pure rule object.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


def department_choices():
    """Departments by slug (read when the form is built)."""
    from cityux.models import Department

    return [(slug, name) for slug, name in Department.objects.values_list("slug", "name")]


class Operator:
    CHOICES = [
        ("gte", _("at least")),
        ("gt", _("more than")),
        ("eq", _("exactly")),
        ("lte", _("at most")),
        ("lt", _("fewer than")),
    ]


DEVICE_CHOICES = [("mobile", _("Phone")), ("tablet", _("Tablet")), ("desktop", _("Computer"))]
DAY_CHOICES = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class VisitCountRuleBlock(blocks.StructBlock):
    operator = blocks.ChoiceBlock(choices=Operator.CHOICES, default="gte")
    count = blocks.IntegerBlock(min_value=0, default=2)

    class Meta:
        icon = "repeat"
        label = _("Visit count")


class DepartmentInterestRuleBlock(blocks.StructBlock):
    department = blocks.ChoiceBlock(choices=department_choices)
    pages = blocks.IntegerBlock(
        min_value=1, default=3, help_text=_("Pages of this department viewed, at least.")
    )

    class Meta:
        icon = "group"
        label = _("Interest in a department")


class VisitedPageRuleBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock()

    class Meta:
        icon = "doc-full"
        label = _("Visited a page")


class ReferrerRuleBlock(blocks.StructBlock):
    pattern = blocks.CharBlock(
        max_length=200,
        help_text=_("The site the visitor came from; * matches anything, e.g. *.google.*"),
    )

    class Meta:
        icon = "link-external"
        label = _("Came from a site")


class QueryParameterRuleBlock(blocks.StructBlock):
    name = blocks.CharBlock(
        max_length=64,
        default="utm_campaign",
        help_text=_("utm_campaign also matches the campaign the visitor arrived with earlier."),
    )
    value = blocks.CharBlock(max_length=200, required=False, help_text=_("Empty: any value."))

    class Meta:
        icon = "tag"
        label = _("Campaign or link parameter")


class DeviceRuleBlock(blocks.StructBlock):
    device = blocks.ChoiceBlock(choices=DEVICE_CHOICES, default="mobile")

    class Meta:
        icon = "mobile-alt"
        label = _("Device")


class TimeWindowRuleBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(
        choices=DAY_CHOICES, required=False, help_text=_("None ticked: every day.")
    )
    start = blocks.TimeBlock(required=False, help_text=_("City time. Empty: midnight."))
    end = blocks.TimeBlock(required=False, help_text=_("City time, exclusive. Empty: midnight."))

    class Meta:
        icon = "time"
        label = _("Day and time")


class AreaRuleBlock(blocks.StructBlock):
    area = SnippetChooserBlock("cityux_personalize.CityArea")

    class Meta:
        icon = "site"
        label = _("Lives in an area")


class AnswerRuleBlock(blocks.StructBlock):
    questionnaire = SnippetChooserBlock("cityux_personalize.Questionnaire")
    answer = blocks.CharBlock(
        max_length=100,
        required=False,
        help_text=_("One of the questionnaire's answers, as written there. Empty: any answer."),
    )

    class Meta:
        icon = "help"
        label = _("Questionnaire answer")


class LanguageRuleBlock(blocks.StructBlock):
    language = blocks.CharBlock(max_length=15, help_text=_('A language code, e.g. "es".'))

    class Meta:
        icon = "globe"
        label = _("Language")


class SegmentRulesBlock(blocks.StreamBlock):
    first_visit = blocks.StaticBlock(
        label=_("First visit"), icon="user", admin_text=_("The visitor is here for the first time.")
    )
    visit_count = VisitCountRuleBlock()
    department_interest = DepartmentInterestRuleBlock()
    visited_page = VisitedPageRuleBlock()
    referrer = ReferrerRuleBlock()
    query_parameter = QueryParameterRuleBlock()
    device = DeviceRuleBlock()
    time_window = TimeWindowRuleBlock()
    area = AreaRuleBlock()
    answer = AnswerRuleBlock()
    logged_in = blocks.StaticBlock(
        label=_("Signed in"), icon="lock", admin_text=_("The visitor is signed in.")
    )
    language = LanguageRuleBlock()
