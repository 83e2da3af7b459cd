"""Delete raw analytics data past the retention period (what the daily Celery task does)."""

from django.core.management.base import BaseCommand, CommandError

from ...conf import analytics_setting
from ...retention import purge_expired


class Command(BaseCommand):
    help = (
        "Delete raw events, sessions (with their page views, signals and replays) and spooled "
        "batches older than the retention period (CITYUX_ANALYTICS['RETENTION_DAYS'], default "
        "30), and survey answers older than SURVEY_RESPONSE_RETENTION_DAYS. Rollups are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Use this retention period this once.")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        days = days or analytics_setting("RETENTION_DAYS")
        deleted = purge_expired(days=days)
        self.stdout.write(f"Deleted {deleted} rows older than {days} days; rollups kept.")
