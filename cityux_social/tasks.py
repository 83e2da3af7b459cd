"""Celery tasks of the social inbox: fetching sources, retraining the classifier."""

import logging

from celery import shared_task

from . import classifier
from .conf import social_setting
from .ingest import fetch_source
from .models import ClassifierModel, RequestType, SocialPost, Source

logger = logging.getLogger(__name__)


@shared_task(name="cityux_social.fetch_sources")
def fetch_sources():
    """Queue one fetch per enabled source, so a slow or failing source delays no other."""
    ids = list(Source.objects.filter(enabled=True).values_list("pk", flat=True))
    for pk in ids:
        fetch_one_source.delay(pk)
    return len(ids)


@shared_task(name="cityux_social.fetch_source", acks_late=True)
def fetch_one_source(source_id):
    """Fetch and store one source, with retries and backoff (see ingest.fetch_source)."""
    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return None
    return fetch_source(source)


def decisions_since_last_model():
    """How many decisions were made after the newest stored model was trained."""
    decided = SocialPost.objects.filter(
        status__in=classifier.DECIDED_POSITIVE + classifier.DECIDED_NEGATIVE
    )
    latest = ClassifierModel.objects.defer("estimator").order_by("-created", "-pk").first()
    if latest is None:
        return decided.count()
    return decided.filter(decided_at__gt=latest.created).count()


@shared_task(name="cityux_social.retrain_classifier")
def retrain_classifier(force=False):
    """Train a new model when enough decisions are newer than the last one; re-rank the queue."""
    if not force and decisions_since_last_model() < social_setting("RETRAIN_AFTER_DECISIONS"):
        return None
    model = classifier.train()
    if model.active:
        reclassify_undecided()
    return model.pk


def reclassify_undecided(batch_size=2000):
    """Classify again every post still waiting for a decision (after a new model)."""
    request_types = list(RequestType.objects.filter(active=True))
    waiting = SocialPost.objects.filter(status__in=("new", "needs_review")).order_by("pk")
    fields = ["suspected", "rule_matches", "request_type", "department", "confidence", "status"]
    last_pk = 0
    while True:
        batch = list(waiting.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return
        classifier.classify(batch, request_types)
        SocialPost.objects.bulk_update(batch, fields)
        last_pk = batch[-1].pk


@shared_task(name="cityux_social.scrub_author_data")
def scrub_author_data():
    """Remove author data from posts older than AUTHOR_RETENTION_DAYS (daily)."""
    from .retention import scrub_author_data as scrub

    return scrub()


# Celery's autodiscovery imports `cityux_social.tasks` only: register the ticket tasks too.
from .tickets.tasks import submit_ticket, sync_tickets  # noqa: E402,F401
