"""What the survey reports read: answers and daily shown / answered counts, per date range.

Surveys are scoped by their own department (`visible_surveys`). Ratings, comments and tone come
from the responses themselves (one row per answer, far fewer than tracker events); how often a
survey was shown comes from the `SurveyDailyStats` rollup.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cityux.access import scope_to_user

from .models import Survey, SurveyDailyStats, SurveyResponse

RATINGS = range(1, 6)
# Ratings of 1 and 2 out of 5 count as low: the resident was unhappy.
LOW_RATING = 2
# VADER's usual cut-offs: compound scores within ±0.05 read as neutral.
NEUTRAL_SENTIMENT = 0.05
LATEST_LOW_RATED = 3


def sentiment_label(score):
    """The tone of a sentiment score (-1 to 1) in a word; "" without a score."""
    if score is None:
        return ""
    if score <= -NEUTRAL_SENTIMENT:
        return _("negative")
    if score >= NEUTRAL_SENTIMENT:
        return _("positive")
    return _("neutral")


def percent(part, whole):
    """`part` as a percentage (0-100, a float) of `whole`; None when `whole` is 0 or None."""
    if not whole:
        return None
    return 100 * (part or 0) / whole


def time_bounds(date_range):
    """The instants from the start of `date_range`'s first local day to the end of its last."""
    start = datetime.datetime.combine(date_range.start, datetime.time.min)
    end = datetime.datetime.combine(date_range.end + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def visible_surveys(user, departments=None):
    """Surveys of the departments `user` may see, narrowed to `departments` if given."""
    surveys = scope_to_user(Survey.objects.all(), user)
    if departments is not None:
        surveys = surveys.filter(department__in=departments)
    return surveys


def live_surveys(surveys, now=None):
    """Those of `surveys` that are published and within their start and end (see is_active)."""
    now = now or timezone.now()
    return surveys.filter(
        Q(live=True),
        Q(starts_at__isnull=True) | Q(starts_at__lte=now),
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
    )


def responses_in(date_range, surveys):
    """The responses to `surveys` received during `date_range`."""
    start, end = time_bounds(date_range)
    return SurveyResponse.objects.filter(
        survey__in=surveys, created_at__gte=start, created_at__lt=end
    )


def _share_expression(part, whole):
    """`part` as a percentage of `whole` in the database; NULL when `whole` is 0."""
    return Case(
        When(
            **{f"{whole}__gt": 0},
            then=100 * Cast(part, FloatField()) / Cast(whole, FloatField()),
        ),
        default=Value(None),
        output_field=FloatField(),
    )


def _daily_sum(column, date_range):
    days = SurveyDailyStats.objects.filter(survey=OuterRef("pk"), date__range=date_range.bounds)
    summed = days.values("survey").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def surveys_with_results(surveys, date_range):
    """`surveys` with their results over `date_range`, most answered first.

    Adds total_shown, total_answered, response_rate (%), rated_count, average_rating,
    low_rating_count, low_rating_share (% of rated responses), comment_count and
    average_sentiment. Shown and answered are subqueries so that the join with the responses
    does not multiply them.
    """
    start, end = time_bounds(date_range)
    received = Q(responses__created_at__gte=start, responses__created_at__lt=end)
    return (
        surveys.select_related("department")
        .annotate(
            total_shown=_daily_sum("shown", date_range),
            total_answered=_daily_sum("answered", date_range),
            rated_count=Count("responses", filter=received & Q(responses__rating__isnull=False)),
            low_rating_count=Count(
                "responses", filter=received & Q(responses__rating__lte=LOW_RATING)
            ),
            comment_count=Count("responses", filter=received & ~Q(responses__comment="")),
            average_rating=Avg("responses__rating", filter=received),
            average_sentiment=Avg("responses__sentiment", filter=received),
        )
        .annotate(
            response_rate=_share_expression("total_answered", "total_shown"),
            low_rating_share=_share_expression("low_rating_count", "rated_count"),
        )
        .order_by(F("total_answered").desc(), "title", "pk")
    )


@dataclass(frozen=True)
class SurveyTotals:
    """The results of one or more surveys over a date range."""

    shown: int
    answered: int
    responses: int
    rated: int
    low_ratings: int
    comments: int
    average_rating: float | None
    average_sentiment: float | None

    @property
    def response_rate(self):
        return percent(self.answered, self.shown)

    @property
    def low_rating_share(self):
        return percent(self.low_ratings, self.rated)


def survey_totals(surveys, date_range):
    """The SurveyTotals of `surveys` over `date_range`, in two queries."""
    days = SurveyDailyStats.objects.filter(survey__in=surveys, date__range=date_range.bounds)
    counted = days.aggregate(shown=Sum("shown"), answered=Sum("answered"))
    answers = responses_in(date_range, surveys).aggregate(
        responses=Count("pk"),
        rated=Count("rating"),
        low_ratings=Count("pk", filter=Q(rating__lte=LOW_RATING)),
        comments=Count("pk", filter=~Q(comment="")),
        average_rating=Avg("rating"),
        average_sentiment=Avg("sentiment"),
    )
    return SurveyTotals(
        shown=counted["shown"] or 0,
        answered=counted["answered"] or 0,
        responses=answers["responses"],
        rated=answers["rated"],
        low_ratings=answers["low_ratings"],
        comments=answers["comments"],
        average_rating=answers["average_rating"],
        average_sentiment=answers["average_sentiment"],
    )


def score_distribution(responses):
    """How many of `responses` gave each rating, 1 to 5: dicts of rating, count and percent."""
    found = dict(
        responses.filter(rating__in=RATINGS)
        .values_list("rating")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rated = sum(found.values())
    counts = [(rating, found.get(rating, 0)) for rating in RATINGS]
    return [
        {"rating": rating, "count": count, "percent": percent(count, rated)}
        for rating, count in counts
    ]


def responses_per_day(responses, date_range):
    """One dict per day of `date_range`: its date, responses and average rating (or None)."""
    found = {
        row["day"]: row
        for row in responses.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(responses=Count("pk"), average_rating=Avg("rating"))
        .order_by("day")
    }
    return [
        {
            "date": day,
            "responses": found[day]["responses"] if day in found else 0,
            "average_rating": found[day]["average_rating"] if day in found else None,
        }
        for day in date_range.dates()
    ]


def results_by_page(responses):
    """`responses` per page address: responses, average rating, low ratings; most first."""
    return (
        responses.values("url")
        .annotate(
            page_title=Max("page__title"),
            responses=Count("pk"),
            average_rating=Avg("rating"),
            low_ratings=Count("pk", filter=Q(rating__lte=LOW_RATING)),
        )
        .order_by("-responses", "url")
    )


def latest_low_rated_comments(responses, count=LATEST_LOW_RATED):
    """The `count` latest of `responses` rated low that have a comment, with their survey."""
    return list(
        responses.filter(rating__lte=LOW_RATING)
        .exclude(comment="")
        .select_related("survey")
        .order_by("-created_at", "-pk")[:count]
    )
