"""System checks for replay settings that would otherwise fail only when a page is rendered."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .privacy import block_patterns


@register()
def check_block_url_patterns(app_configs, **kwargs):
    """Every `REPLAY_BLOCK_URL_PATTERNS` entry must compile (until then no page is recorded)."""
    try:
        block_patterns()
    except ImproperlyConfigured as error:
        return [
            Error(
                str(error),
                hint="Fix the pattern; until then the recorder records no page at all.",
                id="cityux_analytics.E101",
            )
        ]
    return []
