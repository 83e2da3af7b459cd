"""Page serve time with personalisation: 50 active segments vs the same page without it.

    .venv/bin/python bench/personalize.py [--db /tmp/cityux-bench-personalize.sqlite3] [--runs 300]

Builds a throwaway SQLite database with the reference site's home page, whose highlights hold a
personalised block with one variant for each of 50 live segments (every rule type is used), and
times `GET /` through Django's test Client (the whole middleware stack, templates, database):

- baseline: the site without the profile middleware, for a visitor without consent (the
  default content; no profile is read);
- personalised: the profile middleware on, a returning visitor who consented, whose profile
  matches several segments; all 50 segments are evaluated on every request.

Requests alternate between the two so both see the same machine load; the medians and their
ratio are printed (budget: ≤ 1.10).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = 50
BUDGET = 1.10
MIDDLEWARE = "cityux_personalize.middleware.VisitorProfileMiddleware"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/cityux-bench-personalize.sqlite3")
    parser.add_argument("--runs", type=int, default=300, help="timed requests per variant")
    return parser.parse_args()


def set_up_django(db_path):
    if os.path.exists(db_path):
        os.remove(db_path)
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cityux.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # time what production runs
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def rule_sets(department_slug, page_id, area_id, questionnaire_id):
    """50 rule lists covering every rule type; some match the bench visitor, most do not."""
    kinds = [
        [{"type": "visit_count", "value": {"operator": "gte", "count": 2}}],
        [{"type": "first_visit", "value": None}],
        [{"type": "department_interest", "value": {"department": department_slug, "pages": 2}}],
        [{"type": "visited_page", "value": {"page": page_id}}],
        [{"type": "referrer", "value": {"pattern": "*.example.org"}}],
        [{"type": "query_parameter", "value": {"name": "utm_campaign", "value": "spring"}}],
        [{"type": "device", "value": {"device": "mobile"}}],
        [
            {
                "type": "time_window",
                "value": {"days": ["5", "6"], "start": "08:00:00", "end": "12:00:00"},
            }
        ],
        [{"type": "area", "value": {"area": area_id}}],
        [{"type": "answer", "value": {"questionnaire": questionnaire_id, "answer": "Daycare"}}],
        [{"type": "logged_in", "value": None}],
        [{"type": "language", "value": {"language": "es"}}],
    ]
    sets = []
    for n in range(SEGMENTS):
        rules = kinds[n % len(kinds)] + kinds[(n * 5 + 3) % len(kinds)]
        sets.append((rules, "all" if n % 2 else "any"))
    return sets


def build_site():
    import json
    import uuid

    from django.core.cache import cache
    from wagtail.models import Page, Site

    from cityux.models import Department, DepartmentRootPage
    from cityux.site.models import HomePage, SectionPage, ServicePage
    from cityux_personalize.models import CityArea, Questionnaire, Segment

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Riverton", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "port": 80}
    )
    department = Department.objects.get(slug="parks-recreation")
    section = home.add_child(instance=SectionPage(title=department.name, slug="parks"))
    DepartmentRootPage.objects.create(department=department, page=section)
    services = [
        section.add_child(
            instance=ServicePage(title=f"Service {n}", slug=f"s{n}", summary="A service.")
        )
        for n in range(5)
    ]
    area = CityArea.objects.create(
        name="Riverside",
        slug="riverside",
        geojson=json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}),
    )
    questionnaire = Questionnaire.objects.create(
        question="What kind of business are you opening?", slug="business", choices="Shop\nDaycare"
    )
    segments = []
    for n, (rules, match) in enumerate(
        rule_sets(department.slug, services[0].pk, area.pk, questionnaire.pk)
    ):
        segment = Segment(name=f"Segment {n}", match=match, rules=json.dumps(rules), live=False)
        segment.save()
        segment.save_revision().publish()
        segments.append(segment)

    def block(kind, value):
        return {"type": kind, "value": value, "id": str(uuid.uuid4())}

    def content(text):
        return [block("heading", text), block("paragraph", f"<p>{text}: what to do next.</p>")]

    variants = [
        block("item", {"segments": [block("item", s.pk)], "content": content(s.name)})
        for s in segments
    ]
    home.highlights = json.dumps(
        [block("personalised", {"variants": variants, "default": content("Welcome")})]
    )
    home.save_revision().publish()
    cache.clear()
    return services


def make_clients(services):
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    baseline = Client()
    baseline.post("/cityux/cookies/", {"action": "save", "groups": []})
    baseline.get("/")  # loads the middleware chain without the profile middleware

    with override_settings(
        MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE],
        CITYUX_PERSONALIZE={"VISIT_GAP_MINUTES": 0},
    ):
        personalised = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Chrome/120")
        personalised.post("/cityux/cookies/", {"action": "save", "groups": ["personalization"]})
        for service in services[:3]:
            personalised.get(service.url)  # a returning visitor interested in parks
        personalised.get("/")
    return baseline, personalised


def count_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    return len(queries.captured_queries)


def time_requests(baseline, personalised, runs):
    timings = {"baseline": [], "personalised": []}
    for _ in range(runs):
        for name, client in (("baseline", baseline), ("personalised", personalised)):
            started = time.perf_counter()
            response = client.get("/")
            timings[name].append(time.perf_counter() - started)
            assert response.status_code == 200
    return timings


def main():
    args = parse_args()
    set_up_django(args.db)
    services = build_site()
    baseline, personalised = make_clients(services)
    html = personalised.get("/").content.decode()
    matched = html.count('data-cityux-personalised="segment-')
    assert matched == 1, "the personalised visitor should see a variant"
    assert 'data-cityux-personalised="default"' in baseline.get("/").content.decode()
    for _ in range(20):  # warm-up
        baseline.get("/")
        personalised.get("/")
    base_queries = count_queries(baseline)
    pers_queries = count_queries(personalised)
    timings = time_requests(baseline, personalised, args.runs)
    base = statistics.median(timings["baseline"]) * 1000
    pers = statistics.median(timings["personalised"]) * 1000
    ratio = pers / base
    print(
        f"{SEGMENTS} live segments, {args.runs} requests each, GET / through Django's test Client"
    )
    print(f"  without personalisation: {base:7.2f} ms median, {base_queries} queries")
    print(f"  personalised:            {pers:7.2f} ms median, {pers_queries} queries")
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(f"  ratio: {ratio:.3f} ({verdict} the {BUDGET:.2f} budget)")


if __name__ == "__main__":
    main()
