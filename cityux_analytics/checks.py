"""System checks of the analytics app: what would make accepted batches go missing."""

from django.core.checks import Warning, register

from . import buffer


@register()
def check_collect_buffer_persists(app_configs, **kwargs):
    """Batches wait in Redis until drained: that Redis must keep them across a restart."""
    problem = buffer.persistence_warning(unreachable_too=False)
    if problem is None:
        return []
    return [
        Warning(
            problem,
            hint=(
                "Run the broker's Redis with `appendonly yes` and `appendfsync everysec` (see "
                'the README, "Collect health"), or `always` to lose nothing on a crash.'
            ),
            id="cityux_analytics.W001",
        )
    ]
