"""Celery tasks of cityux_personalize."""

from celery import shared_task


@shared_task(name="cityux_personalize.flush_exposures", ignore_result=True)
def flush_exposures():
    """Write the exposures buffered in the cache to the database (Celery beat, every minute)."""
    from .goals import flush_exposures as flush

    return flush()


@shared_task(name="cityux_personalize.purge_expired")
def purge_expired():
    """Delete profiles, drafts, codes and measurements past their retention (daily)."""
    from .retention import purge_expired as purge

    return purge()
