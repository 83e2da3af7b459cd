"""The figures of the "Collect health" admin page: is every accepted batch being stored?"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import buffer
from .models import DeadLetteredBatch, ReceivedBatch, SpooledBatch


@dataclass(frozen=True)
class CollectHealth:
    uses_buffer: bool
    queued: int | None  # None: the buffer's Redis could not be asked
    processing: int | None
    ingested_last_hour: int
    ingested_last_day: int
    dead_lettered: int
    spooled: int
    last_error: str
    last_error_at: datetime.datetime | None
    warnings: tuple[str, ...]

    @property
    def healthy(self):
        return not (self.dead_lettered or self.spooled or self.warnings)


def collect_health(now=None):
    """Queue lengths, recent ingest counts, dead letters and spool, and what needs attention."""
    now = now or timezone.now()
    warnings = []
    queued = processing = None
    uses_buffer = buffer.uses_redis_buffer()
    if uses_buffer:
        try:
            queued, processing = buffer.pending(), buffer.processing()
        except Exception as error:  # Redis down: batches go to the spool meanwhile
            warnings.append(f"Cannot reach the collect buffer's Redis: {error}")
        else:
            if problem := buffer.persistence_warning():
                warnings.append(problem)
    received = ReceivedBatch.objects.filter(received_at__gte=now - datetime.timedelta(days=1))
    last_dead = DeadLetteredBatch.objects.order_by("-failed_at", "-pk").first()
    last_spooled = SpooledBatch.objects.exclude(last_error="").order_by("-received_at").first()
    last = max(
        [(row.failed_at, row.error) for row in [last_dead] if row]
        + [(row.received_at, row.last_error) for row in [last_spooled] if row],
        default=(None, ""),
        key=lambda pair: pair[0],
    )
    return CollectHealth(
        uses_buffer=uses_buffer,
        queued=queued,
        processing=processing,
        ingested_last_hour=received.filter(
            received_at__gte=now - datetime.timedelta(hours=1)
        ).count(),
        ingested_last_day=received.count(),
        dead_lettered=DeadLetteredBatch.objects.count(),
        spooled=SpooledBatch.objects.count(),
        last_error=last[1],
        last_error_at=last[0],
        warnings=tuple(warnings),
    )
