"""Dashboard speed: the department hub page and the Pages report at 10M raw events of history.

    .venv/bin/python bench/dashboard.py [--db /tmp/cityux-bench.sqlite3] [--runs 10] [--rebuild]

Builds (once; reused while it matches) a throwaway SQLite database with the rollups that 10M
raw events leave behind: 22 departments × 365 days × 40 pages, about 31 raw events per page
and day. No raw event is stored: reports read rollups only, and the run checks that not one
query touches the raw events table. Each screen is fetched through Django's test Client as a
department lead (Public Works and Parks and Recreation) and as a superuser; the median of
`--runs` requests after one warm-up is printed in ms and as a ratio to the 300 ms budget.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENT_COUNT = 22
DAYS = 365
PAGES_PER_DEPARTMENT = 40
EVENTS_PER_VIEW = 5.6
BUDGET_MS = 300
ERROR_SIGNATURES = [f"TypeError: field {n} is undefined @ /static/forms.js" for n in range(30)]
SELECTORS = ["button.apply", "a.pay-online", "form#request button", "div.card", "img.map"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/cityux-bench.sqlite3", help="SQLite file to use")
    parser.add_argument("--runs", type=int, default=10, help="timed requests per screen")
    parser.add_argument("--rebuild", action="store_true", help="start from an empty database")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def set_up_django(db_path, rebuild):
    if rebuild and os.path.exists(db_path):
        os.remove(db_path)
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cityux.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Time what production runs: no per-query debug bookkeeping.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def build_pages():
    """A section of 40 pages for each department (the rollups point at real pages)."""
    from wagtail.models import Page

    from cityux.models import Department, DepartmentRootPage

    root = Page.get_first_root_node()
    pages = {}
    for department in Department.objects.order_by("pk")[:DEPARTMENT_COUNT]:
        section = root.add_child(instance=Page(title=department.name, slug=department.slug))
        DepartmentRootPage.objects.create(department=department, page=section)
        children = [section] + [
            section.add_child(instance=Page(title=f"Service {n}", slug=f"service-{n}"))
            for n in range(1, PAGES_PER_DEPARTMENT)
        ]
        pages[department.pk] = [(page.pk, f"/{department.slug}/{page.slug}/") for page in children]
    return pages


def day_counts(rng):
    views = rng.randint(2, 9)
    sessions = max(1, views - rng.randint(0, 2))
    kinds = {
        "rage_click": rng.choice((0, 0, 0, 1, 2)),
        "dead_click": rng.choice((0, 0, 1, 1, 3)),
        "error_click": rng.choice((0, 0, 0, 0, 1)),
        "mouse_thrash": rng.choice((0, 0, 0, 1)),
        "quick_back": rng.choice((0, 0, 1)),
        "excessive_scroll": rng.choice((0, 0, 0, 1)),
        "form_abandonment": rng.choice((0, 0, 0, 0, 1)),
    }
    frustrated = min(sessions, sum(1 for n in kinds.values() if n))
    return {"views": views, "sessions": sessions, "frustrated_sessions": frustrated, **kinds}


def build_rollups(seed):
    """About 10M raw events' worth of page, department and element rollups; returns events."""
    from django.db import connection, transaction

    from cityux_analytics.models import DepartmentDailyStats, ElementDailyStats, PageDailyStats

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
    pages = build_pages()
    today = datetime.date.today()
    views = 0
    for offset in range(DAYS):
        day = today - datetime.timedelta(days=offset)
        page_rows, department_rows, element_rows = [], [], []
        for department_id, department_pages in pages.items():
            totals = {}
            for page_id, url in department_pages:
                counts = day_counts(rng)
                views += counts["views"]
                for name, value in counts.items():
                    totals[name] = totals.get(name, 0) + value
                page_rows.append(
                    PageDailyStats(
                        date=day, url=url, page_id=page_id, department_id=department_id, **counts
                    )
                )
                element_rows += element_rollups(rng, day, department_id, url, counts)
            department_rows.append(
                DepartmentDailyStats(date=day, department_id=department_id, **totals)
            )
        with transaction.atomic():
            PageDailyStats.objects.bulk_create(page_rows, batch_size=2000)
            DepartmentDailyStats.objects.bulk_create(department_rows)
            ElementDailyStats.objects.bulk_create(element_rows, batch_size=2000)
    return round(views * EVENTS_PER_VIEW)


def element_rollups(rng, day, department_id, url, counts):
    from cityux_analytics.models import ElementDailyStats

    rows = []
    for kind in ("rage_click", "dead_click", "error_click"):
        if counts[kind]:
            rows.append(
                ElementDailyStats(
                    date=day,
                    department_id=department_id,
                    url=url,
                    kind=kind,
                    selector=rng.choice(SELECTORS),
                    detail=rng.choice(ERROR_SIGNATURES) if kind == "error_click" else "",
                    signals=counts[kind],
                    sessions=1,
                )
            )
    return rows


def expected_page_rows():
    return DEPARTMENT_COUNT * DAYS * PAGES_PER_DEPARTMENT


def ensure_data(seed):
    from cityux_analytics.models import PageDailyStats

    if PageDailyStats.objects.count() == expected_page_rows():
        print("Reusing the rollups already in the database (--rebuild to start again).")
        return
    if PageDailyStats.objects.exists():
        sys.exit("The database holds other rollups: run with --rebuild.")
    started = time.perf_counter()
    events = build_rollups(seed)
    print(
        f"Built rollups for ~{events / 1e6:.1f}M raw events "
        f"in {time.perf_counter() - started:.0f} s."
    )


def users():
    from django.contrib.auth import get_user_model

    from cityux.models import Department

    User = get_user_model()
    lead, _ = User.objects.get_or_create(username="bench-lead")
    lead.groups.set(
        [
            department.lead_group
            for department in Department.objects.filter(
                slug__in=["public-works", "parks-recreation"]
            )
        ]
    )
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench-admin", "bench@example.com", None)
    return {"lead": lead, "superuser": admin}


class QueryCounter:
    """Counts queries, and those that touch the raw events table (there must be none)."""

    def __init__(self):
        from cityux_analytics.models import RawEvent

        self.table = RawEvent._meta.db_table
        self.queries = 0
        self.raw_event_queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        if self.table in sql:
            self.raw_event_queries += 1
        return execute(sql, params, many, context)


def time_screen(client, url, runs, counter):
    """Median ms of `runs` GETs of `url` after one warm-up, and the queries of one request."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    before = counter.queries
    client.get(url)
    queries = counter.queries - before
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(durations), queries


def main():
    args = parse_args()
    set_up_django(args.db, args.rebuild)
    ensure_data(args.seed)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from cityux_analytics.models import PageDailyStats, RawEvent

    screens = [
        ("department hub page", reverse("cityux_hub:department", args=["public-works"])),
        ("Pages by frustration", reverse("cityux_analytics_reports:pages")),
        ("City UX overview", reverse("cityux_hub:overview")),
    ]
    print(
        f"Rollups: {PageDailyStats.objects.count():,} page-days "
        f"({DEPARTMENT_COUNT} departments × {DAYS} days × {PAGES_PER_DEPARTMENT} pages). "
        f"Raw events stored: {RawEvent.objects.count()} (reports never read them)."
    )
    print(f"Median of {args.runs} requests, budget {BUDGET_MS} ms (ratio = time / budget):")
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for role, user in users().items():
            client = Client()
            client.force_login(user)
            for name, url in screens:
                ms, queries = time_screen(client, url, args.runs, counter)
                print(
                    f"  {name:<22} as {role:<9} {ms:7.1f} ms  "
                    f"ratio {ms / BUDGET_MS:.2f}  ({queries} queries)"
                )
    print(f"Queries that touched {counter.table}: {counter.raw_event_queries}")
    if counter.raw_event_queries:
        sys.exit("A report read raw events.")


if __name__ == "__main__":
    main()
