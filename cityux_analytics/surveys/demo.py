"""Demo surveys for the reference site, with a month of answers so the reports have a story."""

import datetime
import random

from django.utils import timezone

from cityux.models import Department

from .models import Survey, SurveyDailyStats, SurveyResponse
from .sentiment import sentiment

RATING = ("rating", {"label": "How easy was it to do what you came for?", "required": True})
FOUND = ("yes_no", {"label": "Did you find what you needed?", "required": False})
WHAT_WENT_WRONG = (
    "short_text",
    {"label": "What went wrong?", "max_length": 500, "help": "Please leave out names and numbers."},
)
DEMO_SURVEYS = [
    {
        "title": "Having trouble reporting a pothole?",
        "department": "public-works",
        "trigger": "frustration",
        "url_patterns": "/public-works/report-a-pothole/",
        "questions": [RATING, WHAT_WENT_WRONG],
        "thank_you_message": "Thank you. Public Works reads every answer.",
    },
    {
        "title": "Did you find what you needed?",
        "department": "parks-recreation",
        "trigger": "seconds",
        "trigger_value": 20,
        "sample_rate": 50,
        "questions": [FOUND, RATING, WHAT_WENT_WRONG],
        "thank_you_message": "Thanks for helping us improve Parks and Recreation pages.",
    },
    {
        "title": "Report a problem with this page",
        "department": "information-technology",
        "trigger": "manual",
        "is_report_problem": True,
        "is_city_wide_fallback": True,
        "questions": [WHAT_WENT_WRONG],
        "thank_you_message": "Thank you. The web team will look into it.",
    },
]
COMMENTS = {
    1: ["The submit button does nothing at all.", "Tried five times, nothing happens. Useless."],
    2: ["The form lost my answers.", "Very confusing, I gave up and called 311."],
    3: ["It worked in the end.", ""],
    4: ["", "Easy enough."],
    5: ["", "Quick and easy, thank you!"],
}


def ensure_demo_surveys(responses_per_day=6, days=28, seed=7, now=None):
    """Create and publish the demo surveys once, then a month of answers for the first two."""
    if Survey.objects.filter(title=DEMO_SURVEYS[0]["title"]).exists():
        return 0
    departments = {d.slug: d for d in Department.objects.all()}
    created = []
    for spec in DEMO_SURVEYS:
        fields = {k: v for k, v in spec.items() if k not in {"department", "questions"}}
        survey = Survey(
            department=departments[spec["department"]], questions=spec["questions"], live=False,
            **fields,
        )  # fmt: skip
        survey.save()
        survey.save_revision().publish()
        created.append(survey)
    rng = random.Random(seed)
    now = now or timezone.now()
    for survey, url, worse in [
        (created[0], "/public-works/report-a-pothole/", 0.7),
        (created[1], "/parks-recreation/", 0.2),
    ]:
        survey.refresh_from_db()
        _answer(survey, url, worse, rng, responses_per_day, days, now)
    return len(created)


def _answer(survey, url, share_unhappy, rng, per_day, days, now):
    rating_id = next(b.id for b in survey.questions if b.block_type == "rating")
    text_id = next(b.id for b in survey.questions if b.block_type == "short_text")
    responses = []
    for day in range(days, 0, -1):
        date = (now - datetime.timedelta(days=day)).date()
        answered = rng.randint(per_day // 2, per_day)
        for _ in range(answered):
            rating = rng.choice([1, 2]) if rng.random() < share_unhappy else rng.choice([3, 4, 5])
            comment = rng.choice(COMMENTS[rating])
            responses.append(
                SurveyResponse(
                    survey=survey, revision=survey.live_revision, url=url,
                    department=survey.department, answers={rating_id: rating, text_id: comment},
                    comment=comment, sentiment=sentiment(comment) if comment else None,
                    rating=rating,
                    created_at=now - datetime.timedelta(days=day, minutes=rng.randint(0, 1400)),
                )
            )  # fmt: skip
        SurveyDailyStats.objects.create(
            survey=survey, date=date, url=url, department=survey.department,
            shown=answered * rng.randint(3, 6), answered=answered,
        )  # fmt: skip
    SurveyResponse.objects.bulk_create(responses)
