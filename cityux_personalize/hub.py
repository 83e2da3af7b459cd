"""The personalisation app's section of the report hub ("City UX" → "Department reports").

`register_sections()` is called from `CityUXPersonalizeConfig.ready()`.
"""

from django.utils.translation import gettext_lazy as _

from cityux.hub import HubSection, register_section


def register_sections():
    """ "Personalisation value": the first sentences of the holdout report."""
    from .views.goals import hub_section_context

    register_section(
        HubSection(
            app_label="cityux_personalize",
            title=_("Personalisation value"),
            template_name="cityux_personalize/goals/hub_section.html",
            get_context=hub_section_context,
            order=40,
        )
    )
