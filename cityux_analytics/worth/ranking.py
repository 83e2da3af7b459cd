"""A department's sessions worth watching: facts → features → rank → one row per problem.

The rank is the active learnt model's probability when there is one (see `training`), else
the transparent score. Reasons always come from the score, in words.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .facts import MAX_CANDIDATES, candidate_ids, collect_facts
from .features import FEATURE_NAMES, feature_vector, session_features
from .grouping import Candidate, diversified_top, problem_key
from .models import WorthModel
from .score import score_session

TOP = 10


@dataclass(frozen=True)
class Ranking:
    rows: list
    model: WorthModel | None  # the active model that ranked the rows, or None (the score)
    candidates: int

    @property
    def uses_model(self):
        return self.model is not None


def active_model():
    """The active model, if it learnt from the features this code computes (a model trained
    before an upgrade changed them is ignored until the task retrains)."""
    model_row = WorthModel.objects.filter(active=True).order_by("-created_at", "-pk").first()
    if model_row is None or model_row.feature_names != list(FEATURE_NAMES):
        return None
    return model_row


def ranked_candidates(all_features, model_row=None):
    """Candidates ranked by `model_row`'s probability, else by score; payload (features,
    score, probability)."""
    scores = [score_session(features) for features in all_features]
    probabilities = [None] * len(all_features)
    if model_row is not None:
        from . import model  # scikit-learn is loaded only when a model ranks

        estimator = model.loads(model_row.estimator)
        probabilities = model.usefulness(estimator, [feature_vector(f) for f in all_features])
    return [
        Candidate(
            session_id=features.session_id,
            rank=score.value if probability is None else probability,
            problem=problem_key(features.signals),
            payload=(features, score, probability),
        )
        for features, score, probability in zip(all_features, scores, probabilities, strict=True)
    ]


def worth_watching(department, count=TOP, now=None, max_candidates=MAX_CANDIDATES):
    """The department's diversified top `count` sessions, among its `max_candidates` latest
    frustrated sessions, as a Ranking of row dicts."""
    now = now or timezone.now()
    ids = candidate_ids(department.pk, limit=max_candidates)
    facts = collect_facts(ids, department.pk)
    all_features = [session_features(facts[pk], now) for pk in ids if pk in facts]
    model_row = active_model()
    candidates = ranked_candidates(all_features, model_row)
    rows = [row_of(pick, department) for pick in diversified_top(candidates, count)]
    return Ranking(rows=rows, model=model_row, candidates=len(candidates))


def row_of(pick, department):
    features, score, probability = pick.candidate.payload
    problem = pick.candidate.problem
    more_url = None
    if pick.more:
        query = urlencode(problem.replay_list_query(department.pk))
        more_url = f"{reverse('cityux_replays:list')}?{query}"
    return {
        "session_id": features.session_id,
        "score": score.value,
        "probability": probability,
        "reasons": score.reasons,
        "reasons_text": score.reasons_text,
        "problem": problem.describe(),
        "problem_selector": problem.element,
        "more": pick.more,
        "more_url": more_url,
        "has_replay": features.has_replay,
        "play_url": reverse("cityux_replays:player", args=[features.session_id])
        if features.has_replay
        else None,
        "age_days": features.age_days,
    }
