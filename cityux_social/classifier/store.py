"""The database side of the classifier: training from decisions, the active model, routing.

`train` runs the model selection (`selection.select`) on every staff decision and stores the
chosen model with its figures; `predict`, `route` and `classify` use the active one.
"""

import threading
from dataclasses import dataclass

from django.db import transaction

from ..conf import social_setting
from ..rules import RuleSet
from .model import NOT_A_REQUEST, RequestClassifier, label_for, seed_examples
from .selection import fit_selected, select

DECIDED_POSITIVE = ("accepted", "ticket_failed", "ticketed", "closed")
DECIDED_NEGATIVE = ("dismissed",)


# ---------------------------------------------------------------------------------------------
# The database side: training from decisions, the active model, predictions and routing.


def decided_examples(posts_queryset=None):
    """(text, label) pairs of every post staff accepted (its type) or dismissed (not a request)."""
    from ..models import SocialPost

    posts = posts_queryset if posts_queryset is not None else SocialPost.objects.all()
    rows = posts.filter(status__in=DECIDED_POSITIVE + DECIDED_NEGATIVE).values_list(
        "text", "status", "request_type_id"
    )
    examples = []
    for text, status, request_type_id in rows.order_by("pk").iterator():
        if status in DECIDED_NEGATIVE:
            examples.append((text, NOT_A_REQUEST))
        elif request_type_id is not None:
            examples.append((text, label_for(request_type_id)))
    return examples


def selection_settings():
    """The keyword arguments of `selection.select` from the settings."""
    return {
        "folds": social_setting("CV_FOLDS"),
        "repeats": social_setting("CV_REPEATS"),
        "min_per_type": social_setting("QUALITY_MIN_DECISIONS_PER_TYPE"),
        "target_precision": social_setting("ROUTING_TARGET_PRECISION"),
    }


def train(min_decisions=None):
    """Select a model on every decision so far and store it; it becomes active if it has enough.

    Returns the stored ClassifierModel. A new active model replaces the previous one.
    """
    from ..models import ClassifierModel, RequestType

    if min_decisions is None:
        min_decisions = social_setting("CLASSIFIER_MIN_DECISIONS")
    decisions = decided_examples()
    rule_sets = [RuleSet.of(t) for t in RequestType.objects.filter(active=True)]
    seeds = seed_examples(rule_sets)
    selection = select(decisions, seeds, **selection_settings())
    classifier = fit_selected(decisions, seeds, selection)
    enough = len(decisions) >= min_decisions and len({label for _, label in decisions}) >= 2
    with transaction.atomic():
        if enough:
            ClassifierModel.objects.filter(active=True).update(active=False)
        return ClassifierModel.objects.create(
            decisions_used=len(decisions),
            kind=classifier.kind,
            reason=selection.reason,
            candidates=selection.candidates,
            per_type=selection.per_type,
            macro_f1=selection.macro_f1,
            precision=selection.precision,
            recall=selection.recall,
            threshold=selection.threshold,
            routed_precision=selection.routed_precision,
            coverage=selection.coverage,
            measured=selection.measured,
            active=enough,
            estimator=classifier.dumps(),
        )


UNREACHABLE = 2.0  # above every confidence: nothing skips review
_loaded = threading.local()


def active_classifier():
    """(ClassifierModel, RequestClassifier) of the active model, or (None, None); cached."""
    from ..models import ClassifierModel

    record = ClassifierModel.objects.filter(active=True).defer("estimator").order_by("-pk").first()
    if record is None:
        return None, None
    cached = getattr(_loaded, "model", None)
    if cached is None or cached[0] != record.pk:
        data = ClassifierModel.objects.values_list("estimator", flat=True).get(pk=record.pk)
        cached = (record.pk, RequestClassifier.loads(data))
        _loaded.model = cached
    return record, cached[1]


@dataclass(frozen=True)
class Prediction:
    """The model's proposal for one post: request type (None: not a request) and confidence."""

    request_type_id: int | None
    department_id: int | None
    confidence: float


def predict(posts, classifier=None):
    """The active model's Prediction for each post (or text), or None each when none is active."""
    from ..models import RequestType

    posts = list(posts)
    if classifier is None:
        _, classifier = active_classifier()
    if classifier is None:
        return [None] * len(posts)
    texts = [p if isinstance(p, str) else (getattr(p, "text", None) or "") for p in posts]
    labels, confidences = classifier.predict(texts)
    departments = dict(RequestType.objects.values_list("pk", "department_id"))
    predictions = []
    for label, confidence in zip(labels, confidences, strict=True):
        type_id = None if label == NOT_A_REQUEST else int(label)
        if type_id is not None and type_id not in departments:
            type_id = None  # the request type was deleted since the model was trained
        predictions.append(Prediction(type_id, departments.get(type_id), confidence))
    return predictions


def route(matches, prediction, departments, review_confidence):
    """What a post's classification fields become, from its rule matches and the prediction.

    Pure. Rules say "suspect"; the model, when there is one, proposes the type. A confident
    model that agrees with the rules leaves the post "new"; low confidence or disagreement
    (rules suspect and the model says no, the model proposes a type no rule suspects, or the
    model says request where no rule does) sends it to "needs review".
    """
    suspected = bool(matches)
    fields = {
        "suspected": suspected,
        "rule_matches": [m.as_json() for m in matches],
        "request_type_id": matches[0].request_type_id if matches else None,
        "confidence": None,
        "status": "new",
    }
    if prediction is not None:
        fields["confidence"] = prediction.confidence
        rule_types = {m.request_type_id for m in matches}
        if prediction.request_type_id is not None:
            fields["request_type_id"] = prediction.request_type_id
        agrees = (
            prediction.request_type_id in rule_types
            if suspected
            else prediction.request_type_id is None
        )
        if not agrees or prediction.confidence < review_confidence:
            fields["status"] = "needs_review"
    fields["department_id"] = departments.get(fields["request_type_id"])
    return fields


def routing_confidence(record):
    """The confidence a proposal needs to skip review: the model's measured threshold.

    A model measured on enough decisions uses the threshold chosen for the target precision; if
    no threshold reached it, every proposal is reviewed. Until the figures can be measured (too
    few decisions), `REVIEW_CONFIDENCE` applies.
    """
    if record is None or not record.measured:
        return social_setting("REVIEW_CONFIDENCE")
    return record.threshold if record.threshold is not None else UNREACHABLE


def classify(posts, request_types):
    """Set the classification fields of unsaved or saved `posts` in place (rules + model)."""
    from ..rules import matcher_for

    request_types = list(request_types)
    matcher = matcher_for(tuple(RuleSet.of(t) for t in request_types))
    departments = {t.pk: t.department_id for t in request_types}
    record, model = active_classifier()
    predictions = predict(posts, model)
    threshold = routing_confidence(record)
    for post, prediction in zip(posts, predictions, strict=True):
        matches = matcher.match(post.text, post.latitude, post.longitude)
        if prediction is not None and prediction.request_type_id not in (None, *departments):
            prediction = None  # the model knows a type that is no longer active
        fields = route(matches, prediction, departments, threshold)
        for name, value in fields.items():
            setattr(post, name, value)
    return posts
