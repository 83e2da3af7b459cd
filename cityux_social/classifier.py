"""A request classifier that learns from staff decisions: which request type a post is, if any.

Word and character n-grams (TF-IDF) feed a multinomial logistic regression. The classes are the
request types plus "not a request". Training examples are the posts staff decided (accepted:
its request type; dismissed: not a request) plus seed examples: every keyword, phrase and
hashtag of each request type and a few lines of everyday chatter. Precision and recall (macro)
are measured on a stratified held-out share of the decisions, then the model is refitted on all
of them. A model proposes only once it has learnt from enough decisions.

`RequestClassifier` is pure (no database); `train`, `predict` and `route` wire it to the models.
"""

import io
import threading
from dataclasses import dataclass

import joblib
import numpy as np
from django.db import transaction
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from .conf import social_setting
from .rules import RuleSet, normalize

NOT_A_REQUEST = "not-a-request"
DECIDED_POSITIVE = ("accepted", "ticket_failed", "ticketed", "closed")
DECIDED_NEGATIVE = ("dismissed",)

# Everyday posts that mention the city without asking it for anything: the "not a request"
# seed, so a model can be trained before staff have dismissed anything.
CHATTER_SEEDS = (
    "what a beautiful sunset over the river tonight",
    "great game at the stadium, go team",
    "the farmers market downtown is open this saturday",
    "loving the new coffee place on main street",
    "happy birthday to my favourite neighbour",
    "anyone know a good pizza place near city hall",
    "the library book sale was so much fun",
    "council meeting tonight, watching the livestream",
    "beautiful morning for a run in the park",
    "traffic was fine today, made it to work early",
)


def normalize_all(texts):
    """Every text normalised as the rules see it (case, diacritics); a pipeline step."""
    return [normalize(text or "") for text in texts]


def label_for(request_type_id):
    """The class label of a request type (labels are strings; NOT_A_REQUEST is one too)."""
    return NOT_A_REQUEST if request_type_id is None else str(request_type_id)


def seed_examples(rule_sets):
    """(text, label) pairs from each request type's keywords, phrases and hashtags."""
    examples = []
    for rules in rule_sets:
        label = label_for(rules.request_type_id)
        for term in rules.keywords + rules.phrases + rules.hashtags:
            examples.append((term.lstrip("#"), label))
    examples.extend((text, NOT_A_REQUEST) for text in CHATTER_SEEDS)
    return examples


class RequestClassifier:
    """TF-IDF word + character n-grams and a logistic regression; predicts in one batch."""

    def __init__(self, max_iter=1000):
        # Texts are normalised once, then shared by both vectorisers.
        features = FeatureUnion(
            [
                ("words", TfidfVectorizer(lowercase=False, ngram_range=(1, 2), sublinear_tf=True)),
                (
                    "chars",
                    TfidfVectorizer(
                        lowercase=False,
                        analyzer="char_wb",
                        ngram_range=(3, 4),
                        sublinear_tf=True,
                        max_features=50_000,
                    ),
                ),
            ]
        )
        self.pipeline = make_pipeline(
            FunctionTransformer(normalize_all),
            features,
            LogisticRegression(C=10.0, max_iter=max_iter),
        )

    @property
    def classes(self):
        return list(self.pipeline.classes_)

    def fit(self, texts, labels):
        self.pipeline.fit(list(texts), list(labels))
        return self

    def predict(self, texts):
        """(labels, confidences): the most probable class of each text and its probability."""
        probabilities = self.pipeline.predict_proba(list(texts))
        best = probabilities.argmax(axis=1)
        classes = np.asarray(self.pipeline.classes_)
        return classes[best].tolist(), probabilities[np.arange(len(best)), best].tolist()

    def dumps(self):
        buffer = io.BytesIO()
        joblib.dump(self.pipeline, buffer)
        return buffer.getvalue()

    @classmethod
    def loads(cls, data):
        # Only ever loads bytes this module wrote to the city's own database.
        classifier = cls.__new__(cls)
        classifier.pipeline = joblib.load(io.BytesIO(bytes(data)))
        return classifier


@dataclass(frozen=True)
class Scores:
    precision: float | None
    recall: float | None


def fit_with_scores(decisions, seeds, holdout_fraction=0.25, random_state=0):
    """Fit on `decisions` + `seeds` ((text, label) pairs); score on held-out decisions.

    Returns (classifier refitted on everything, Scores on the held-out share). Scores are None
    when the decisions are too few to hold any out with every class represented.
    """
    texts = [text for text, _ in decisions]
    labels = [label for _, label in decisions]
    scores = Scores(None, None)
    counts = {label: labels.count(label) for label in set(labels)}
    # Classes seen once can only be learnt from, not measured: they stay in training.
    splittable = [i for i, label in enumerate(labels) if counts[label] >= 2]
    classes = {labels[i] for i in splittable}
    n_test = max(len(classes), round(len(splittable) * holdout_fraction))
    if len(classes) >= 2 and len(splittable) - n_test >= len(classes):
        _, test_idx = train_test_split(
            splittable,
            test_size=n_test,
            stratify=[labels[i] for i in splittable],
            random_state=random_state,
        )
        train_idx = sorted(set(range(len(labels))) - set(test_idx))
        held = RequestClassifier().fit(
            [texts[i] for i in train_idx] + [t for t, _ in seeds],
            [labels[i] for i in train_idx] + [label for _, label in seeds],
        )
        predicted, _ = held.predict([texts[i] for i in test_idx])
        truth = [labels[i] for i in test_idx]
        precision, recall, _, _ = precision_recall_fscore_support(
            truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0
        )
        scores = Scores(float(precision), float(recall))
    classifier = RequestClassifier().fit(
        texts + [t for t, _ in seeds], labels + [label for _, label in seeds]
    )
    return classifier, scores


# ---------------------------------------------------------------------------------------------
# The database side: training from decisions, the active model, predictions and routing.


def decided_examples(posts_queryset=None):
    """(text, label) pairs of every post staff accepted (its type) or dismissed (not a request)."""
    from .models import SocialPost

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


def train(min_decisions=None):
    """Train on every decision so far and store the model; it becomes active if it has enough.

    Returns the stored ClassifierModel. A new active model replaces the previous one.
    """
    from .models import ClassifierModel, RequestType

    if min_decisions is None:
        min_decisions = social_setting("CLASSIFIER_MIN_DECISIONS")
    decisions = decided_examples()
    rule_sets = [RuleSet.of(t) for t in RequestType.objects.filter(active=True)]
    seeds = seed_examples(rule_sets)
    classifier, scores = fit_with_scores(
        decisions, seeds, holdout_fraction=social_setting("HOLDOUT_FRACTION")
    )
    enough = len(decisions) >= min_decisions and len({label for _, label in decisions}) >= 2
    with transaction.atomic():
        if enough:
            ClassifierModel.objects.filter(active=True).update(active=False)
        return ClassifierModel.objects.create(
            decisions_used=len(decisions),
            precision=scores.precision,
            recall=scores.recall,
            active=enough,
            estimator=classifier.dumps(),
        )


_loaded = threading.local()


def active_classifier():
    """(ClassifierModel, RequestClassifier) of the active model, or (None, None); cached."""
    from .models import ClassifierModel

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
    from .models import RequestType

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


def classify(posts, request_types):
    """Set the classification fields of unsaved or saved `posts` in place (rules + model)."""
    from .rules import matcher_for

    request_types = list(request_types)
    matcher = matcher_for(tuple(RuleSet.of(t) for t in request_types))
    departments = {t.pk: t.department_id for t in request_types}
    predictions = predict(posts)
    threshold = social_setting("REVIEW_CONFIDENCE")
    for post, prediction in zip(posts, predictions, strict=True):
        matches = matcher.match(post.text, post.latitude, post.longitude)
        if prediction is not None and prediction.request_type_id not in (None, *departments):
            prediction = None  # the model knows a type that is no longer active
        fields = route(matches, prediction, departments, threshold)
        for name, value in fields.items():
            setattr(post, name, value)
    return posts
