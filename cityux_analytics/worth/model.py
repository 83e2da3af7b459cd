"""A classifier of "worth watching", learnt from the replay player's "useful" buttons.

`train` fits a scaled logistic regression on feature vectors (see `features.feature_vector`)
and the staff's labels, and measures it on a held-out, stratified part of the labels. The
model is worth using only if it beats always guessing the majority label on that same part:
`Training.active` says so.
"""

import pickle
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HELD_OUT_SHARE = 0.3
# A class needs this many labels so that both the training and the held-out part have some.
MIN_PER_CLASS = 2


class NotEnoughLabels(ValueError):
    """Too few labels, or only one kind: the message says which."""


@dataclass(frozen=True)
class Training:
    estimator: object
    labels_used: int
    held_out_accuracy: float
    baseline_accuracy: float

    @property
    def active(self):
        """Use the model only if it beats guessing the majority label."""
        return self.held_out_accuracy > self.baseline_accuracy


def check_labels(labels, min_labels):
    """Raise NotEnoughLabels unless there are `min_labels` labels with both answers."""
    counts = Counter(bool(label) for label in labels)
    if len(labels) < min_labels:
        raise NotEnoughLabels(
            f"{len(labels)} labels; at least {min_labels} are needed to train a model"
        )
    if min(counts[True], counts[False]) < MIN_PER_CLASS:
        raise NotEnoughLabels(
            f"{counts[True]} “useful” and {counts[False]} “not useful” labels; each needs "
            f"at least {MIN_PER_CLASS}"
        )


def train(vectors, labels, min_labels, random_state=0):
    """Fit and measure a model on `vectors` (rows of numbers) and `labels` (booleans)."""
    check_labels(labels, min_labels)
    x = np.asarray(vectors, dtype=float)
    y = np.asarray([bool(label) for label in labels])
    held_out = max(2, round(len(y) * HELD_OUT_SHARE))
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=held_out, stratify=y, random_state=random_state
    )
    estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    estimator.fit(x_train, y_train)
    accuracy = float(np.mean(estimator.predict(x_test) == y_test))
    majority = Counter(y_train.tolist()).most_common(1)[0][0]
    baseline = float(np.mean(y_test == majority))
    # The final model learns from every label; the held-out figures describe how it generalises.
    estimator.fit(x, y)
    return Training(
        estimator=estimator,
        labels_used=len(y),
        held_out_accuracy=accuracy,
        baseline_accuracy=baseline,
    )


def usefulness(estimator, vectors):
    """The probability (0-1) that each of `vectors` is worth watching."""
    if not len(vectors):
        return []
    probabilities = estimator.predict_proba(np.asarray(vectors, dtype=float))
    column = list(estimator.classes_).index(True)
    return [float(p) for p in probabilities[:, column]]


def dumps(estimator):
    return pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data):
    # Only ever bytes this module wrote to our own table (see WorthModel).
    return pickle.loads(bytes(data))  # noqa: S301
