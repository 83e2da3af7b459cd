"""Fixtures of the social inbox tests: request types, a file source, decided posts."""

import json

import pytest

from cityux.models import Department
from cityux_social.models import RequestType, SocialPost, Source


@pytest.fixture(autouse=True)
def _quick_social_settings(settings):
    """No real waiting between retries in tests."""
    settings.CITYUX_SOCIAL = {"FETCH_BACKOFF_SECONDS": 0.0, "FETCH_MAX_SECONDS": 5.0}


@pytest.fixture
def request_types(city):
    """Pothole (Public Works), Missed bin (Sanitation), Code violation (Code Enforcement)."""
    pothole = RequestType.objects.create(
        name="Pothole",
        department=Department.objects.get(slug="public-works"),
        open311_service_code="POTHOLE",
        keywords="pothole\nsinkhole",
        phrases="hole in the road",
        hashtags="#pothole",
        mentions="@CityHelp",
        min_lat=39.0,
        min_lon=-105.0,
        max_lat=40.0,
        max_lon=-104.0,
    )
    bin_ = RequestType.objects.create(
        name="Missed bin",
        department=Department.objects.get(slug="sanitation"),
        open311_service_code="MISSED-BIN",
        keywords="bin\ntrash\ngarbage\nrecycling",
        phrases="missed pickup\nnot collected\nnot picked up",
        hashtags="#trashday",
        mentions="@CityHelp",
    )
    code = RequestType.objects.create(
        name="Code violation",
        department=Department.objects.get(slug="code-enforcement"),
        open311_service_code="CODE",
        keywords="abandoned\novergrown\njunk",
        phrases="junk car\noverground grass",
        patterns=r"\bweeds? (?:taller|higher) than\b",
    )
    return {"pothole": pothole, "bin": bin_, "code": code}


@pytest.fixture
def file_source(tmp_path, db):
    """A file source over an empty JSON Lines file, with an outbox beside it."""
    path = tmp_path / "posts.jsonl"
    path.write_text("")
    return Source.objects.create(
        name="Import",
        slug="import",
        kind=Source.Kind.FILE,
        config={"path": str(path), "outbox": str(tmp_path / "outbox.jsonl")},
    )


def write_jsonl(path, records):
    with open(path, "a", encoding="utf-8") as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else json.dumps(record)) + "\n")


POTHOLE_TEXTS = [
    "Huge pothole on Elm Street by the school, my tire is flat",
    "There's a pothole the size of a bathtub on 5th Avenue",
    "Another sinkhole forming at Main and 3rd, someone will get hurt",
    "The hole in the road on Oak Lane is getting worse every day",
    "pothole outside 42 Birch Road, please fix before winter",
    "Deep potholes all along Cedar Drive near the bridge",
    "Road surface broken and a big pothole at Pine & 9th",
    "Cracked asphalt and a pothole in front of the library",
]
BIN_TEXTS = [
    "Our garbage was not picked up again on Maple Court",
    "Missed pickup on Willow Street, trash everywhere",
    "Recycling bin not collected this week on Ash Avenue",
    "The trash truck skipped our whole block on Spruce Way",
    "bin day came and went, garbage still sitting at the curb",
    "Still waiting for the missed pickup on Hazel Road",
    "Nobody collected the recycling on Poplar Street",
    "garbage not picked up for two weeks on Chestnut Lane",
]
CHATTER_TEXTS = [
    "Lovely concert in the park tonight, thanks everyone",
    "Who else is going to the street fair on Saturday?",
    "The new mural downtown looks amazing",
    "Great turnout at the library book club",
    "Sunset over the river was stunning today",
    "Best tacos in town are at the corner of Main and 2nd",
    "Happy to see the farmers market back this spring",
    "Our team won the city league final!",
]


@pytest.fixture
def decided_posts(request_types, file_source):
    """24 posts staff decided: 8 potholes, 8 missed bins (accepted), 8 chatter (dismissed)."""
    posts = []
    for label, texts in (("pothole", POTHOLE_TEXTS), ("bin", BIN_TEXTS), (None, CHATTER_TEXTS)):
        for number, text in enumerate(texts):
            request_type = request_types[label] if label else None
            posts.append(
                SocialPost(
                    source=file_source,
                    external_id=f"decided-{label}-{number}",
                    text=text,
                    request_type=request_type,
                    department_id=request_type.department_id if request_type else None,
                    status="accepted" if request_type else "dismissed",
                )
            )
    return SocialPost.objects.bulk_create(posts)
