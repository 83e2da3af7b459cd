"""Celery tasks of cityux_personalize."""

from celery import shared_task


@shared_task(name="cityux_personalize.flush_exposures", ignore_result=True)
def flush_exposures():
    """Write the exposures buffered in the cache to the database (Celery beat, every minute)."""
    from .goals import flush_exposures as flush

    return flush()
