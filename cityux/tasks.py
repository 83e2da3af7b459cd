"""Celery tasks of the core."""

from celery import shared_task


@shared_task(name="cityux.purge_tombstones")
def purge_tombstones():
    """Delete tombstones older than the longest retention (daily; see tombstones.py)."""
    from .tombstones import purge_expired

    return purge_expired()
