"""Ingest dead-lettered collect batches again, once the cause of their failure is fixed."""

from django.core.management.base import BaseCommand

from ...dead_letters import retry_dead_letters
from ...models import DeadLetteredBatch


class Command(BaseCommand):
    help = (
        "Ingest dead-lettered collect batches again (see Collect health in the admin). Those "
        "stored are deleted; those still failing keep their new error."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Only these dead letters.")

    def handle(self, *args, ids=(), **options):
        rows = DeadLetteredBatch.objects.order_by("pk")
        if ids:
            rows = rows.filter(pk__in=ids)
        stored, failed = retry_dead_letters(rows)
        self.stdout.write(f"Stored {stored} dead-lettered batches; {failed} still failing.")
