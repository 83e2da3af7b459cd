"""Synthetic but realistic traffic for the demo, sent through the real ingest and pipeline.

The story a newcomer's dashboards tell: the pothole report button is broken (rage clicks that
hit the TypeError its `report.js` really throws), the business licence form confuses people (dead
clicks on its labels, many leave it half done), and "Pay online" on the water bill page is slow
(rage clicks, quick backs). Everything else is calm. The selectors are those the tracker gives
the elements of the real pages (see cityux/site templates), so the click map finds them, and the
troubled visits of the last days carry a short replay built from those pages (demo_replays.py).
"""

import datetime
import random
import secrets

from django.utils import timezone

from .demo_replays import PageSnapshots, recording_of
from .ingest import ingest_batch
from .models import TrackedSession
from .pipeline import process_closed_sessions
from .replay.models import ReplayChunk

DEMO_SID_PREFIX = "demo-"
POTHOLE = "/public-works/report-a-pothole/"
LICENCE = "/economic-development/apply-for-a-business-licence/"
WATER_BILL = "/utilities-water/pay-your-water-bill/"
# The elements of the story, as the tracker names them on the demo site's pages.
POTHOLE_BUTTON = "#report-form-submit"
POTHOLE_HEADING = "#report-form-title"
POTHOLE_ERROR = "Uncaught TypeError: Cannot read properties of undefined (reading 'photo')"
POTHOLE_ERROR_SOURCE = "http://127.0.0.1:8000/static/cityux_site/report.js:14:68"
LICENCE_FORM = "#form-apply-for-a-business-licence"
LICENCE_NAME = "#id_business_name"
LICENCE_TYPE = "#id_type_of_business"
LICENCE_TYPE_LABEL = "#id_type_of_business-label"
PAY_ONLINE = "#service-action"
# Troubled visits of the last RECORDED_DAYS days come with a replay.
RECORDED_DAYS = 7
CALM_PAGES = [
    "/",
    "/parks-recreation/",
    "/public-works/street-light-out/",
    "/sanitation/",
    "/library/",
    "/police/",
    "/search/?q=trash",
]


class _Visit:
    def __init__(self, rng, start_ms):
        self.rng = rng
        self.ts = start_ms
        self.vid = -1
        self.events = []

    def wait(self, low, high):
        self.ts += self.rng.randint(low, high)

    def view(self, url):
        self.vid += 1
        self.wait(300, 3000)
        self.events.append({"t": "view", "ts": self.ts, "vid": self.vid, "url": url, "ref": ""})

    def click(self, selector, reaction="mutation", rms=60.0, gap=(800, 6000), tag="button"):
        self.wait(*gap)
        x, y = self.rng.randint(200, 900), self.rng.randint(150, 1400)
        kind = "link" if tag == "a" else ""
        self.events.append(
            {
                "t": "click", "ts": self.ts, "vid": self.vid, "x": x, "y": y, "sel": selector,
                "tag": tag, "int": tag in ("button", "a", "input"), "kind": kind,
                "re": reaction, "rms": rms if reaction else None,
            }
        )  # fmt: skip

    def rage(self, selector, reaction="", rms=None, tag="button"):
        self.click(selector, reaction, rms, tag=tag)
        for _ in range(self.rng.randint(2, 5)):
            self.wait(150, 600)
            self.events.append({**self.events[-1], "ts": self.ts})

    def error(self, message, source):
        self.wait(20, 300)
        self.events.append(
            {"t": "error", "ts": self.ts, "vid": self.vid, "msg": message, "src": source}
        )

    def field(self, selector, form, action):
        self.wait(500, 4000)
        self.events.append(
            {
                "t": "field",
                "ts": self.ts,
                "vid": self.vid,
                "sel": selector,
                "form": form,
                "act": action,
            }
        )


def _pothole(visit):
    visit.view(POTHOLE)
    visit.click(POTHOLE_HEADING, reaction="", tag="h2")
    if visit.rng.random() < 0.55:
        visit.rage(POTHOLE_BUTTON)
        visit.error(POTHOLE_ERROR, POTHOLE_ERROR_SOURCE)


def _licence(visit):
    visit.view(LICENCE)
    form = LICENCE_FORM
    visit.field(LICENCE_NAME, form, "focus")
    visit.field(LICENCE_NAME, form, "blur")
    if visit.rng.random() < 0.4:
        visit.click(LICENCE_TYPE_LABEL, reaction="", tag="label")
    visit.field(LICENCE_TYPE, form, "focus")
    if visit.rng.random() < 0.6:
        visit.view("/economic-development/")  # left without submitting
    else:
        visit.wait(2000, 20000)
        visit.events.append({"t": "submit", "ts": visit.ts, "vid": visit.vid, "form": form})


def _water_bill(visit):
    visit.view("/utilities-water/")
    visit.view(WATER_BILL)
    if visit.rng.random() < 0.45:
        visit.rage(PAY_ONLINE, reaction="navigation", rms=2900, tag="a")
        visit.view("/utilities-water/")  # came straight back
    else:
        visit.click(PAY_ONLINE, reaction="navigation", rms=400, tag="a")


def _calm(visit):
    for url in visit.rng.sample(CALM_PAGES, visit.rng.randint(1, 3)):
        visit.view(url)
        visit.click("#main-content a.card", reaction="navigation", rms=120, tag="a")


STORIES = [(_pothole, 0.2), (_licence, 0.2), (_water_bill, 0.2), (_calm, 0.4)]


def generate_demo_traffic(days=28, sessions_per_day=40, seed=2026, now=None):
    """Ingest demo visits for the last `days` days and process them; skip if already there."""
    if TrackedSession.objects.filter(sid__startswith=DEMO_SID_PREFIX).exists():
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    stories, weights = zip(*STORIES, strict=True)
    count = 0
    recorded = {}
    for day in range(days, 0, -1):
        # Traffic grows over the month, so week-over-week changes have a story too.
        for _ in range(int(sessions_per_day * (0.6 + 0.8 * (days - day) / days))):
            start = now - datetime.timedelta(days=day, seconds=rng.randint(0, 86_000))
            visit = _Visit(rng, int(start.timestamp() * 1000))
            story = rng.choices(stories, weights)[0]
            story(visit)
            sid = DEMO_SID_PREFIX + secrets.token_hex(8)
            ingest_batch({"sid": sid, "seq": 0, "events": visit.events})
            if story is not _calm and day <= RECORDED_DAYS:
                recorded[sid] = visit.events
            count += 1
    store_demo_replays(recorded)
    process_closed_sessions(now=now)
    return count


def store_demo_replays(recorded, snapshots=None):
    """Store a replay for each of the `recorded` visits ({sid: tracker events})."""
    snapshots = snapshots or PageSnapshots()
    sessions = dict(TrackedSession.objects.filter(sid__in=recorded).values_list("sid", "pk"))
    chunks = []
    for sid, events in recorded.items():
        recording = recording_of(events, snapshots.get, snapshots.site_url)
        if recording and sid in sessions:
            data = ReplayChunk.compress(recording)
            chunks.append(ReplayChunk(session_id=sessions[sid], seq=0, data=data, size=len(data)))
    ReplayChunk.objects.bulk_create(chunks, ignore_conflicts=True)
    return len(chunks)
