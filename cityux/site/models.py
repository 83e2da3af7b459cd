"""The pages of the reference city site: home, department sections, services, forms, search."""

import time

import django.forms
import swapper
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cityux.departments import department_for_page
from cityux_personalize.blocks import (
    AreaAlertBlock,
    PersonalisedBlock,
    QuestionnaireBlock,
    RecommendedForYouBlock,
)
from cityux_personalize.preview import SegmentPreviewMixin

SEARCH_RESULTS_PER_PAGE = 10


class PopularServiceBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(page_type=["cityux_site.ServicePage", "cityux_site.FormPage"])
    description = blocks.CharBlock(
        required=False,
        max_length=160,
        help_text=_("Leave empty to use the page's summary."),
    )

    class Meta:
        icon = "link"
        label = _("Popular service")


class HowToStepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="How to do it", max_length=120)
    steps = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(max_length=120)),
                ("detail", blocks.TextBlock(required=False)),
            ],
            icon="list-ol",
        ),
        min_num=1,
    )

    class Meta:
        icon = "list-ol"
        label = _("How-to steps")
        template = "cityux_site/blocks/how_to_steps.html"


class DemoReportFormBlock(blocks.StructBlock):
    """An online report form whose script (`report.js`) fails on purpose: the demo's broken
    button, so the analytics have a real error click to find. Not for a real site."""

    heading = blocks.CharBlock(default="Report it online", max_length=120)
    button_label = blocks.CharBlock(default="Submit report", max_length=60)

    class Meta:
        icon = "warning"
        label = _("Demo: broken report form")
        template = "cityux_site/blocks/demo_report_form.html"


class DemoSlowResponseBlock(blocks.StructBlock):
    """Makes the page it is on answer `seconds` late, like a slow payment provider: the demo's
    slow "Pay online" link leads here. Not for a real site."""

    seconds = blocks.FloatBlock(default=2.5, min_value=0.5, max_value=5)

    class Meta:
        icon = "time"
        label = _("Demo: slow page")
        template = "cityux_site/blocks/demo_slow_response.html"

    def get_context(self, value, parent_context=None):
        time.sleep(value["seconds"])
        return super().get_context(value, parent_context)


def personalised_blocks():
    """The personalised content blocks editors may add to a page's StreamField."""
    return [
        ("personalised", PersonalisedBlock()),
        ("recommended", RecommendedForYouBlock()),
        ("area_alert", AreaAlertBlock()),
        ("questionnaire", QuestionnaireBlock()),
    ]


class HomePage(SegmentPreviewMixin, Page):
    hero_heading = models.CharField(_("hero heading"), max_length=120, default="How can we help?")
    intro = models.TextField(_("intro"), blank=True)
    popular_services = StreamField(
        [("service", PopularServiceBlock())],
        blank=True,
        verbose_name=_("popular services"),
        help_text=_("The services residents look for most, shown as cards under the search box."),
    )
    highlights = StreamField(
        personalised_blocks(),
        blank=True,
        verbose_name=_("highlights"),
        help_text=_(
            "Shown under the search box: content for groups of visitors, recommendations, area "
            "alerts and short questionnaires. Everyone else sees each block's default."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_heading"),
        FieldPanel("intro"),
        FieldPanel("highlights"),
        FieldPanel("popular_services"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cityux_site.SectionPage", "cityux_site.SearchPage"]
    # Session replays keep this page's text: it is the city's own content (personalised blocks
    # mark themselves masked). Not on forms or search, which show residents' words back.
    cityux_replay_unmask = True

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = SectionPage.objects.child_of(self).live().public().order_by("title")
        return context


class SectionPage(Page):
    """A department's part of the site: the services it offers residents."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cityux_site.HomePage"]
    subpage_types = ["cityux_site.ServicePage", "cityux_site.FormPage"]
    cityux_replay_unmask = True

    class Meta:
        verbose_name = _("section page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = self.get_children().live().public().specific()
        context["department"] = department_for_page(self)
        return context


class ServicePage(SegmentPreviewMixin, Page):
    """One thing a resident can do or find out, in plain words."""

    summary = models.CharField(
        _("summary"),
        max_length=255,
        help_text=_("One sentence saying what this service is for. Shown in listings and search."),
    )
    body = StreamField(
        [
            (
                "paragraph",
                blocks.RichTextBlock(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]),
            ),
            ("how_to", HowToStepsBlock()),
            ("demo_report_form", DemoReportFormBlock()),
            ("demo_slow_response", DemoSlowResponseBlock()),
            *personalised_blocks(),
        ],
        blank=True,
        verbose_name=_("body"),
    )
    action_label = models.CharField(
        _("call to action label"),
        max_length=80,
        blank=True,
        help_text=_('What the resident does next, e.g. "Apply online".'),
    )
    action_page = models.ForeignKey(
        swapper.get_model_name("wagtailcore", "Page"),
        verbose_name=_("call to action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action_url = models.URLField(_("call to action web address"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("action_label"),
                FieldRowPanel([FieldPanel("action_page"), FieldPanel("action_url")]),
            ],
            heading=_("Call to action"),
            help_text=_("Choose a page on this site or enter a web address."),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
    ]

    parent_page_types = ["cityux_site.SectionPage"]
    subpage_types = []
    cityux_replay_unmask = True

    class Meta:
        verbose_name = _("service page")

    @property
    def action_link(self):
        """Where the call to action leads: the chosen page first, else the web address."""
        if self.action_page_id and self.action_page.live:
            return self.action_page.url
        return self.action_url

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["department"] = department_for_page(self)
        context["related_services"] = (
            ServicePage.objects.sibling_of(self, inclusive=False).live().public()[:5]
        )
        return context


class CityFormBuilder(FormBuilder):
    def create_date_field(self, field, options):
        # The browser's own date picker is easier to use than typing a date format.
        options.setdefault("widget", django.forms.DateInput(attrs={"type": "date"}))
        return super().create_date_field(field, options)

    def create_dropdown_field(self, field, options):
        # Start empty: a resident who skips the list is asked to choose, not given the first option.
        form_field = super().create_dropdown_field(field, options)
        form_field.choices = [("", _("Choose one"))] + list(form_field.choices)
        return form_field


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    """An online form; each submission is kept and can be e-mailed to the department."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link", "ul"])
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown after the form is sent: say what happens next and when."),
    )

    form_builder = CityFormBuilder

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail"),
        ),
    ]
    search_fields = AbstractEmailForm.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cityux_site.SectionPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("form page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["department"] = department_for_page(self)
        return context


class SearchPage(Page):
    """Site search over every live, public page of this site."""

    parent_page_types = ["cityux_site.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("search page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = request.GET.get("q", "").strip()
        results = None
        if query:
            base_page = swapper.load_model("wagtailcore", "Page")
            pages = base_page.objects.live().public().not_page(self)
            site = self.get_site()
            if site is not None:
                pages = pages.descendant_of(site.root_page, inclusive=True)
            results = Paginator(pages.search(query), SEARCH_RESULTS_PER_PAGE).get_page(
                request.GET.get("page")
            )
        context.update(search_query=query, results=results)
        return context
