"""The social inbox of the Riverton demo: request types, a file source, posts, a trained model.

Last month's decided posts (an archive file) teach the classifier; this week's 60 posts (some
service requests, some chatter, two trying to inject markup) are imported through the file
connector and classified as they arrive. Safe to run again: nothing is duplicated.
"""

import datetime
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cityux.models import Department

from . import classifier
from .ingest import fetch_source, store_posts
from .models import ClassifierModel, RequestType, SocialPost, Source
from .sources.file import FileConnector
from .tickets.base import open311_settings
from .tickets.choices import TicketBackendChoice

FIXTURES = Path(__file__).parent / "fixtures"
POSTS_FILE = FIXTURES / "social_demo_posts.jsonl"
HISTORY_FILE = FIXTURES / "social_demo_history.jsonl"
CITY_ACCOUNT = "@RivertonHelp"
# Riverton's city limits (a fictional city; the box the demo posts' coordinates fall in).
CITY_BOUNDS = {"min_lat": 39.60, "min_lon": -104.95, "max_lat": 39.90, "max_lon": -104.60}

REQUEST_TYPES = [
    {
        "name": "Pothole",
        "departments": ["public-works"],
        "open311_service_code": "POTHOLE",
        "keywords": "pothole\nsinkhole",
        "phrases": "hole in the road\nbroken asphalt",
        "patterns": r"\bcrack(?:ed|s)? (?:in the )?(?:road|pavement|asphalt)\b",
        "hashtags": "#pothole",
    },
    {
        "name": "Missed bin",
        # Whichever of these the city's departments are called (the seed names "sanitation").
        "departments": ["sanitation", "environmental-services", "public-works"],
        "open311_service_code": "MISSED-BIN",
        "keywords": "garbage\ntrash\nrecycling\nbins",
        "phrases": "missed pickup\nnot picked up\nnot collected\nwasn't collected\nskipped our",
        "hashtags": "#trashday",
    },
    {
        "name": "Code violation",
        "departments": ["code-enforcement", "building-safety"],
        "open311_service_code": "CODE",
        "keywords": "abandoned\novergrown\njunk",
        "phrases": "junk car\nweeds taller\ndumped",
        "patterns": r"\bweeds? (?:taller|higher) than\b",
    },
]
DECISIONS = {"pothole": "Pothole", "bin": "Missed bin", "code": "Code violation"}


def ensure_request_types():
    """The demo's request types, created in the first department of each list that exists."""
    made = {}
    for spec in REQUEST_TYPES:
        department = next(
            (
                d
                for slug in spec["departments"]
                if (d := Department.objects.filter(slug=slug).first())
            ),
            None,
        )
        if department is None:
            continue
        fields = {k: v for k, v in spec.items() if k not in ("name", "departments")}
        made[spec["name"]], _ = RequestType.objects.get_or_create(
            name=spec["name"],
            department=department,
            defaults={
                **fields,
                **CITY_BOUNDS,
                **ticket_route(department),
                "mentions": CITY_ACCOUNT,
            },
        )
    return made


def ticket_route(department):
    """Open311 when the site has a server configured; otherwise an e-mail to the department."""
    if open311_settings().endpoint:
        return {"ticket_backend": TicketBackendChoice.OPEN311}
    return {
        "ticket_backend": TicketBackendChoice.EMAIL,
        "email_to": department.contact_email or f"{department.slug}@riverton.example",
    }


def outbox_path():
    root = getattr(settings, "MEDIA_ROOT", "") or tempfile.gettempdir()
    return str(Path(root) / "cityux_social" / "demo_outbox.jsonl")


def ensure_archive(request_types):
    """Last month's posts with the decisions staff made, so the classifier has history."""
    archive, _ = Source.objects.get_or_create(
        slug="riverton-archive",
        defaults={
            "name": "Riverton archive (last month)",
            "kind": Source.Kind.FILE,
            "enabled": False,
            "config": {"path": str(HISTORY_FILE)},
        },
    )
    if archive.posts.exists():
        return archive
    source = Source(kind=Source.Kind.FILE, config={"path": str(HISTORY_FILE), "max_posts": 10_000})
    incoming = FileConnector(source).fetch()
    store_posts(archive, incoming)
    decided_at = timezone.now() - datetime.timedelta(days=7)
    for item in incoming:
        decision = item.raw.get("decision")
        post = archive.posts.get(external_id=item.external_id)
        request_type = request_types.get(DECISIONS.get(decision))
        if decision == "dismiss":
            post.status, post.dismiss_reason = SocialPost.Status.DISMISSED, "Not a request"
            post.request_type = post.department = None
        elif request_type is not None:
            post.status = SocialPost.Status.CLOSED
            post.request_type, post.department = request_type, request_type.department
            post.description = item.text
        else:
            continue
        post.decided_at = decided_at
        post.save()
    return archive


def build_social_demo():
    """Create the demo's request types, sources, posts and classifier; return a summary dict."""
    with transaction.atomic():
        request_types = ensure_request_types()
        ensure_archive(request_types)
        if not ClassifierModel.objects.filter(active=True).exists():
            classifier.train()
        source, _ = Source.objects.get_or_create(
            slug="riverton-demo-import",
            defaults={
                "name": "Riverton posts (demo import)",
                "kind": Source.Kind.FILE,
                "config": {"path": str(POSTS_FILE), "outbox": outbox_path(), "max_posts": 500},
            },
        )
    created, _ = fetch_source(source) or (0, 0)
    posts = source.posts.all()
    return {
        "request_types": len(request_types),
        "imported": created,
        "suspected": posts.filter(suspected=True).count(),
        "needs_review": posts.filter(status=SocialPost.Status.NEEDS_REVIEW).count(),
    }
