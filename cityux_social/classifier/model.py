"""The candidate models: what they learn from, how they are built, calibrated and stored.

Three kinds compete at every retrain (see `selection`):

- ``seeded`` — the original design: TF-IDF word (1-2) and character (3-4) n-grams and a
  logistic regression (C = 10), learnt from the decisions plus the rule seeds (every keyword,
  phrase and hashtag of each request type, and a few lines of everyday chatter), each seed
  weighted as `SEED_WEIGHT` decisions;
- ``baseline`` — a tuned linear baseline: TF-IDF word 1-2-grams, class-balanced logistic
  regression whose C is chosen by cross-validation on the decisions alone;
- ``blend`` — the two combined: a weighted mean of their probabilities, the weight chosen on
  cross-validated predictions, so the seeds help while decisions are few and fade after.

Every kind's probabilities are calibrated by temperature scaling (one T fitted on
cross-validated predictions), so a confidence of 0.9 means about 9 in 10 are right.
"""

import io
import warnings

import joblib
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from ..rules import normalize

NOT_A_REQUEST = "not-a-request"
KINDS = ("seeded", "baseline", "blend")
BASELINE_CS = (0.3, 1.0, 3.0, 10.0, 30.0)
SEED_WEIGHT = 10.0  # each rule seed counts as this many decisions (see `fit_seeded`)

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


def logistic(C, class_weight=None, max_iter=1000):
    """A multinomial logistic regression; SAGA converges in a fraction of L-BFGS's time on
    TF-IDF features (same objective, same predictions to within its tolerance). Its random
    order of samples is seeded, so the same decisions always give the same model."""
    return LogisticRegression(
        C=C, class_weight=class_weight, solver="saga", tol=1e-3, max_iter=max_iter, random_state=0
    )


def seeded_pipeline(max_iter=1000):
    """The original design: word + character n-grams of the normalised text, C = 10."""
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
    return make_pipeline(
        FunctionTransformer(normalize_all), features, logistic(C=10.0, max_iter=max_iter)
    )


def fit_seeded(texts, labels, seeds, seed_weight=None):
    """The seeded design fitted on decisions plus rule `seeds`, each seed counting
    `seed_weight` decisions: a keyword alone is one short example against many long posts, so
    at weight 1 the few decisions drown it; weighted, the rules' knowledge holds while
    decisions are few and is outvoted by many decisions that disagree."""
    weight = SEED_WEIGHT if seed_weight is None else seed_weight
    texts, labels = list(texts), list(labels)
    sample_weight = np.concatenate([np.ones(len(texts)), np.full(len(seeds), float(weight))])
    return seeded_pipeline().fit(
        texts + [t for t, _ in seeds],
        labels + [label for _, label in seeds],
        logisticregression__sample_weight=sample_weight,
    )


class TunedLogisticRegression(ClassifierMixin, BaseEstimator):
    """Class-balanced logistic regression whose C is chosen by stratified CV on macro-F1."""

    def __init__(self, Cs=BASELINE_CS, folds=3, random_state=0):
        self.Cs = Cs
        self.folds = folds
        self.random_state = random_state

    def _model(self, C):
        return logistic(C=C, class_weight="balanced")

    def fit(self, X, y):
        y = np.asarray(y)
        folds = min(self.folds, int(min(np.unique(y, return_counts=True)[1])))
        self.C_ = 3.0  # a class seen once cannot be split: the middle of the grid
        if folds >= 2:
            splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            splits = list(splitter.split(np.zeros(len(y)), y))
            scores = []
            for C in self.Cs:
                predicted = np.empty(len(y), dtype=y.dtype)
                for train, test in splits:
                    predicted[test] = self._model(C).fit(X[train], y[train]).predict(X[test])
                scores.append(f1_score(y, predicted, average="macro", zero_division=0))
            self.C_ = float(self.Cs[int(np.argmax(scores))])  # the smallest C of the best
        self.model_ = self._model(self.C_).fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


def baseline_pipeline(random_state=0):
    """Word 1-2-grams, class-balanced logistic regression, C chosen by CV (macro-F1)."""
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TunedLogisticRegression(random_state=random_state),
    )


def aligned(pipeline, texts, classes):
    """The pipeline's probabilities, one column per label of `classes` (0 if it lacks one)."""
    probabilities = pipeline.predict_proba(texts)
    out = np.zeros((len(texts), len(classes)))
    index = {label: i for i, label in enumerate(classes)}
    for column, label in enumerate(pipeline.classes_):
        out[:, index[label]] = probabilities[:, column]
    return out


def calibrate(probabilities, temperature):
    """Temperature scaling: p ** (1/T), renormalised (T > 1 softens, T < 1 sharpens)."""
    if temperature == 1.0:
        return probabilities
    logs = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logs -= logs.max(axis=1, keepdims=True)
    scaled = np.exp(logs)
    return scaled / scaled.sum(axis=1, keepdims=True)


class RequestClassifier:
    """One candidate kind, fitted; predicts calibrated probabilities in one batch."""

    def __init__(self, kind="seeded", weight=0.5, temperature=1.0):
        if kind not in KINDS:
            raise ValueError(f"Unknown classifier kind {kind!r}; one of {', '.join(KINDS)}.")
        self.kind = kind
        self.weight = weight  # the seeded part's share of a blend
        self.temperature = temperature
        self.parts = {}
        self.classes_ = []

    @property
    def classes(self):
        return list(self.classes_)

    @property
    def chosen_c(self):
        """The C the baseline part chose by cross-validation (None without one)."""
        part = self.parts.get("baseline")
        if part is None:
            return None
        return part[-1].C_

    def fit(self, texts, labels, seeds=()):
        """Fit on decisions (`texts`, `labels`); the seeded part also learns from `seeds`."""
        texts, labels = list(texts), list(labels)
        self.parts = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if self.kind in ("seeded", "blend"):
                self.parts["seeded"] = fit_seeded(texts, labels, seeds)
            if self.kind in ("baseline", "blend"):
                self.parts["baseline"] = baseline_pipeline().fit(texts, labels)
        self.classes_ = sorted({label for part in self.parts.values() for label in part.classes_})
        return self

    def raw_probabilities(self, texts):
        """Uncalibrated probabilities, one column per label of `classes`."""
        texts = list(texts)
        parts = {name: aligned(part, texts, self.classes_) for name, part in self.parts.items()}
        if self.kind == "blend":
            return self.weight * parts["seeded"] + (1 - self.weight) * parts["baseline"]
        return parts[self.kind]

    def probabilities(self, texts):
        return calibrate(self.raw_probabilities(texts), self.temperature)

    def predict(self, texts):
        """(labels, confidences): the most probable class of each text and its probability."""
        probabilities = self.probabilities(texts)
        best = probabilities.argmax(axis=1)
        classes = np.asarray(self.classes_)
        return classes[best].tolist(), probabilities[np.arange(len(best)), best].tolist()

    def dumps(self):
        buffer = io.BytesIO()
        joblib.dump(
            {
                "kind": self.kind,
                "weight": self.weight,
                "temperature": self.temperature,
                "parts": self.parts,
                "classes": self.classes_,
            },
            buffer,
        )
        return buffer.getvalue()

    @classmethod
    def loads(cls, data):
        # Only ever loads bytes this module wrote to the city's own database.
        state = joblib.load(io.BytesIO(bytes(data)))
        if isinstance(state, Pipeline):  # a model stored before the candidates existed
            state = {"kind": "seeded", "parts": {"seeded": state}, "classes": state.classes_}
        classifier = cls(state["kind"], state.get("weight", 0.5), state.get("temperature", 1.0))
        classifier.parts = state["parts"]
        classifier.classes_ = list(state["classes"])
        return classifier
