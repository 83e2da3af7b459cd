"""The learnt "worth watching" model: when it trains, when it is used, and how it ranks."""

import datetime
import random

import pytest

from cityux_analytics.models import SignalKind
from cityux_analytics.worth import model
from cityux_analytics.worth.features import (
    FEATURE_NAMES,
    SessionFacts,
    SignalFact,
    feature_vector,
    session_features,
)
from cityux_analytics.worth.models import WorthModel
from cityux_analytics.worth.ranking import ranked_candidates

NOW = datetime.datetime(2026, 9, 22, 12, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)

WIDTH = len(FEATURE_NAMES)


def separable(count, seed=1):
    """Rage clicks (column 0) decide usefulness; the other columns are noise."""
    rng = random.Random(seed)
    vectors, labels = [], []
    for index in range(count):
        useful = index % 2 == 0
        row = [rng.random() for _ in range(WIDTH)]
        row[0] = 5 + rng.random() if useful else rng.random()
        vectors.append(row)
        labels.append(useful)
    return vectors, labels


def noise(count, seed=2):
    """Labels that nothing predicts, three "not useful" for one "useful"."""
    rng = random.Random(seed)
    vectors = [[rng.random() for _ in range(WIDTH)] for _ in range(count)]
    labels = [rng.random() < 0.25 for _ in range(count)]
    return vectors, labels


def test_no_model_is_trained_below_the_minimum_number_of_labels():
    vectors, labels = separable(29)
    with pytest.raises(model.NotEnoughLabels, match="29 labels; at least 30"):
        model.train(vectors, labels, min_labels=30)


def test_no_model_is_trained_with_only_one_kind_of_answer():
    vectors, _ = separable(40)
    with pytest.raises(model.NotEnoughLabels, match="0 “not useful”"):
        model.train(vectors, [True] * 40, min_labels=30)


def test_a_model_on_separable_labels_beats_the_baseline_and_is_active():
    training = model.train(*separable(60), min_labels=30)
    assert training.labels_used == 60
    assert training.held_out_accuracy == 1.0
    assert training.baseline_accuracy == pytest.approx(0.5, abs=0.06)
    assert training.active


def test_a_model_on_unpredictable_labels_does_not_beat_the_baseline_and_is_inactive():
    training = model.train(*noise(80), min_labels=30)
    assert training.held_out_accuracy <= training.baseline_accuracy
    assert not training.active


def test_a_stored_model_predicts_the_same_after_a_round_trip():
    vectors, labels = separable(40)
    training = model.train(vectors, labels, min_labels=30)
    again = model.loads(model.dumps(training.estimator))
    assert model.usefulness(again, vectors[:5]) == model.usefulness(training.estimator, vectors[:5])


def session(session_id, rage=0, abandoned=0):
    signals = [SignalFact(SignalKind.RAGE_CLICK, selector="#go", url="/a/")] * rage
    signals += [SignalFact(SignalKind.FORM_ABANDONMENT, selector="#f", url="/a/")] * abandoned
    facts = SessionFacts(
        session_id=session_id, started_at=NOW - HOUR, last_event_at=NOW, signals=tuple(signals)
    )
    return session_features(facts, NOW)


def test_the_ranking_switches_from_the_score_to_the_models_probability():
    # The staff found sessions with rage clicks useful and those with abandoned forms not.
    rng = random.Random(3)
    examples = [session(n, rage=rng.randint(1, 3), abandoned=rng.randint(0, 3)) for n in range(20)]
    examples += [session(n, rage=0, abandoned=rng.randint(0, 3)) for n in range(20, 40)]
    labels = [example.count("rage_click") > 0 for example in examples]
    training = model.train([feature_vector(e) for e in examples], labels, min_labels=30)
    assert training.active
    stored = WorthModel(estimator=model.dumps(training.estimator))

    abandoned_forms, one_rage_click = session(1, abandoned=3), session(2, rage=1)

    def best(model_row):
        ranked = ranked_candidates([abandoned_forms, one_rage_click], model_row)
        return max(ranked, key=lambda candidate: candidate.rank).session_id

    assert best(None) == 1  # the score weighs three abandoned forms above one rage click
    assert best(stored) == 2  # the model learnt what the staff find useful
