"""Demo content for personalisation: areas, a questionnaire, three segments, home page variants.

`build_personalize_demo()` is idempotent: what exists (by slug or name) is kept as editors left it.
"""

import datetime
import json
import random
import uuid

from django.db import transaction
from django.utils import timezone

from cityux.models import Department

from .models import CityArea, Conversion, Exposure, Goal, MatchMode, Questionnaire, Segment
from .models.goals import ExposureVariant, GoalKind

# Neighbourhoods of the fictional Riverton, as [longitude, latitude] outlines.
AREAS = [
    (
        "Riverside",
        "riverside",
        [[-90.25, 38.60], [-90.20, 38.60], [-90.20, 38.64], [-90.25, 38.64]],
    ),
    ("Old Town", "old-town", [[-90.20, 38.60], [-90.15, 38.60], [-90.15, 38.64], [-90.20, 38.64]]),
    (
        "Northgate",
        "northgate",
        [[-90.25, 38.64], [-90.15, 38.64], [-90.15, 38.68], [-90.25, 38.68]],
    ),
]
BUSINESS_QUESTIONNAIRE = {
    "slug": "business-type",
    "question": "What kind of business are you opening?",
    "help_text": "We will show the licences and inspections that apply to you first.",
    "choices": "Restaurant or café\nDaycare\nShop\nSomething else",
    "thank_you_message": "Thank you. The home page now shows what applies to your business.",
}
RETURNING = "Returning visitors"
BUSINESS_OWNERS = "Business owners"
RIVERSIDE = "Riverside residents"


def build_personalize_demo():
    """Create the demo areas, questionnaire, segments and home page highlights (once)."""
    with transaction.atomic():
        areas = {slug: _ensure_area(name, slug, ring) for name, slug, ring in AREAS}
        questionnaire = _ensure_questionnaire()
        segments = {
            RETURNING: _ensure_segment(
                RETURNING,
                "you have visited our website before",
                [_block("visit_count", {"operator": "gte", "count": 2})],
            ),
            BUSINESS_OWNERS: _ensure_segment(
                BUSINESS_OWNERS,
                "you told us you are opening a business",
                [_block("answer", {"questionnaire": questionnaire.pk, "answer": ""})],
                holdout_percent=20,
                department="economic-development",
            ),
            RIVERSIDE: _ensure_segment(
                RIVERSIDE,
                "you told us you live in or near Riverside",
                [_block("area", {"area": areas["riverside"].pk})],
                holdout_percent=20,
                department="parks-recreation",
            ),
        }
        _ensure_home_highlights(segments, areas, questionnaire)
        _ensure_goal_results(segments)
    return segments


# (segment, goal name, kind, page slug, department slug, visitors who saw the content, held-out
# visitors, conversion rate with the content, conversion rate held out): the last four weeks of
# "Personalisation value", synthetic like the demo's visits, with enough visitors in each group.
GOAL_RESULTS = [
    (BUSINESS_OWNERS, "Applied for a business licence", GoalKind.FORM_SUBMITTED,
     "apply-for-a-business-licence", "economic-development", 520, 130, 0.31, 0.17),
    (RIVERSIDE, "Reserved a park shelter", GoalKind.PAGE_REACHED, "reserve-a-park-shelter",
     "parks-recreation", 640, 160, 0.21, 0.09),
]  # fmt: skip


def _ensure_goal_results(segments, seed=2026, now=None):
    """The demo goals, and exposures and conversions that give each one a result (once)."""
    from wagtail.models import Page

    rng = random.Random(seed)
    now = now or timezone.now()
    for (
        segment_name,
        name,
        kind,
        slug,
        department,
        shown,
        held,
        shown_rate,
        held_rate,
    ) in GOAL_RESULTS:
        page = Page.objects.filter(slug=slug).first()
        if page is None or Goal.objects.filter(name=name).exists():
            continue
        goal = Goal.objects.create(
            name=name,
            kind=kind,
            page=page,
            department=Department.objects.filter(slug=department).first(),
        )
        exposures, conversions = [], []
        for variant, visitors, rate in [
            (ExposureVariant.VARIANT, shown, shown_rate),
            (ExposureVariant.HOLDOUT, held, held_rate),
        ]:
            for index in range(visitors):
                visitor = uuid.UUID(int=rng.getrandbits(128), version=4)
                exposed = now - datetime.timedelta(minutes=rng.randint(60, 28 * 24 * 60))
                exposures.append(
                    Exposure(segment=segments[segment_name], visitor_id=visitor,
                             variant=variant, first_exposed=exposed)
                )  # fmt: skip
                if index < round(visitors * rate):
                    reached = exposed + datetime.timedelta(minutes=rng.randint(1, 50))
                    conversions.append(
                        Conversion(goal=goal, visitor_id=visitor, reached_at=reached)
                    )
        Exposure.objects.bulk_create(exposures, ignore_conflicts=True)
        Conversion.objects.bulk_create(conversions, ignore_conflicts=True)


def _ensure_area(name, slug, ring):
    geojson = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    area, _created = CityArea.objects.get_or_create(
        slug=slug, defaults={"name": name, "geojson": geojson}
    )
    return area


def _ensure_questionnaire():
    data = dict(BUSINESS_QUESTIONNAIRE)
    questionnaire, _created = Questionnaire.objects.get_or_create(
        slug=data.pop("slug"), defaults=data
    )
    return questionnaire


def _ensure_segment(name, description, rules, holdout_percent=0, department=None):
    """A published segment; with `department` (a slug), its leads manage it, else city-wide."""
    segment = Segment.objects.filter(name=name).first()
    if segment is None:
        segment = Segment(
            name=name,
            description=description,
            department=Department.objects.filter(slug=department).first() if department else None,
            match=MatchMode.ALL,
            rules=json.dumps(rules),
            holdout_percent=holdout_percent,
        )
        segment.save()
        segment.save_revision().publish()
    return segment


def _block(block_type, value):
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _item(value):
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def _content(heading, text, action=None):
    blocks = [_block("heading", heading), _block("paragraph", f"<p>{text}</p>")]
    if action is not None:
        label, page = action
        blocks.append(_block("call_to_action", {"label": label, "page": page, "url": ""}))
    return blocks


def _variant(segment, content):
    return {"segments": [_item(segment.pk)], "content": content}


def _ensure_home_highlights(segments, areas, questionnaire):
    from cityux.site.models import FormPage, HomePage

    home = HomePage.objects.filter(depth=2).first()
    if home is None or home.highlights.raw_data:
        return
    licence = FormPage.objects.filter(slug__contains="licen").first()
    licence_action = ("Apply for a business licence", licence.pk) if licence else None
    personalised = {
        "variants": [
            _item(
                _variant(
                    segments[RIVERSIDE],
                    _content(
                        "Riverside: sandbags and flood updates",
                        "Sandbags are free at the Riverside fire station while the river is high. "
                        "Check road closures before you travel.",
                    ),
                )
            ),
            _item(
                _variant(
                    segments[BUSINESS_OWNERS],
                    _content(
                        "Opening a business in Riverton?",
                        "Start with your business licence: it takes about 20 minutes online, and "
                        "we tell you which inspections your business needs.",
                        licence_action,
                    ),
                )
            ),
            _item(
                _variant(
                    segments[RETURNING],
                    _content(
                        "Welcome back",
                        "Good to see you again. The services you used last time are a click "
                        "away below, and you can pick up a form where you left it.",
                    ),
                )
            ),
        ],
        "default": _content(
            "New to the city's website?",
            "Search for what you need above, or start with the popular services below. "
            "You can also call 311.",
        ),
    }
    alert = {
        "areas": [_item(areas["riverside"].pk)],
        "level": "warning",
        "heading": "Flood watch for Riverside",
        "message": "<p>The river may rise above its banks this week. Move valuables upstairs.</p>",
    }
    home.highlights = json.dumps(
        [
            _block("area_alert", alert),
            _block("personalised", personalised),
            _block("questionnaire", {"questionnaire": questionnaire.pk}),
            _block("recommended", {"heading": "Recommended for you", "count": 4}),
        ]
    )
    home.save_revision().publish()
