"""The analytics app's sections of the report hub ("City UX" → "Department reports").

`register_sections()` is called from `CityUXAnalyticsConfig.ready()`.
"""

from django.utils.translation import gettext_lazy as _

from cityux.hub import HubSection, register_section


def register_sections():
    """Live now, Frustration, Surveys and Sessions worth watching, in this order on the hub."""
    from .surveys.report_views import survey_section_context
    from .views.live import live_now_section_context
    from .views.reports import frustration_section_context
    from .worth.views import worth_section_context

    register_section(
        HubSection(
            app_label="cityux_analytics",
            title=_("Live now"),
            template_name="cityux_analytics/hub/live_now.html",
            get_context=live_now_section_context,
            order=5,
        )
    )

    register_section(
        HubSection(
            app_label="cityux_analytics",
            title=_("Frustration"),
            template_name="cityux_analytics/hub/frustration.html",
            get_context=frustration_section_context,
            order=10,
        )
    )
    register_section(
        HubSection(
            app_label="cityux_analytics",
            title=_("Surveys"),
            template_name="cityux_analytics/surveys/hub_section.html",
            get_context=survey_section_context,
            order=20,
        )
    )
    register_section(
        HubSection(
            app_label="cityux_analytics",
            title=_("Sessions worth watching"),
            template_name="cityux_analytics/worth/hub_section.html",
            get_context=worth_section_context,
            order=30,
        )
    )
