"""Retrain the "worth watching" model from the replay feedback, when enough labels are new."""

from django.db import transaction
from django.utils import timezone

from ..conf import analytics_setting
from ..replay.models import ReplayFeedback
from .facts import collect_facts
from .features import FEATURE_NAMES, feature_vector, session_features
from .models import WorthModel


def labels_since_last_model():
    """Feedback given or changed since the latest model was trained (all of it before one)."""
    last = WorthModel.objects.order_by("-created_at", "-pk").first()
    feedback = ReplayFeedback.objects.all()
    if last is not None:
        feedback = feedback.filter(updated_at__gt=last.created_at)
    return feedback.count()


def retrain_if_due(now=None):
    """Train and store a model when WORTH_RETRAIN_NEW_LABELS labels are new and there are
    WORTH_MIN_LABELS with both answers; the new model is active only if it beats guessing.

    Returns what happened, in words (the task's result).
    """
    from . import model  # scikit-learn is loaded only to train

    new = labels_since_last_model()
    needed = analytics_setting("WORTH_RETRAIN_NEW_LABELS")
    if new < needed:
        return f"not retrained: {new} new labels, {needed} needed"
    now = now or timezone.now()
    feedback = list(ReplayFeedback.objects.order_by("pk").values_list("session_id", "useful"))
    facts = collect_facts({session_id for session_id, _ in feedback})
    vectors, labels = [], []
    for session_id, useful in feedback:
        vectors.append(feature_vector(session_features(facts[session_id], now)))
        labels.append(useful)
    try:
        training = model.train(vectors, labels, analytics_setting("WORTH_MIN_LABELS"))
    except model.NotEnoughLabels as error:
        return f"not retrained: {error}"
    with transaction.atomic():
        WorthModel.objects.filter(active=True).update(active=False)
        stored = WorthModel.objects.create(
            labels_used=training.labels_used,
            held_out_accuracy=training.held_out_accuracy,
            baseline_accuracy=training.baseline_accuracy,
            active=training.active,
            feature_names=list(FEATURE_NAMES),
            estimator=model.dumps(training.estimator),
        )
    state = "active" if stored.active else "inactive (does not beat guessing)"
    return (
        f"trained on {stored.labels_used} labels: held-out accuracy "
        f"{stored.held_out_accuracy:.0%} vs {stored.baseline_accuracy:.0%} guessing; {state}"
    )
