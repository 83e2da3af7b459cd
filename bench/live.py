"""Click → dashboard latency, live: p50 / p95 over real browser visits (budget p95 ≤ 15 s).

    python bench/live.py [--visits 50] [--db /tmp/cityux-live-bench.sqlite3]

Needs Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/0) and Debian's Chromium.
Builds the demo city (no seeded traffic) in a throwaway database (or DATABASE_URL's), serves
it with `runserver` and runs one real `celery worker -B` on the project's own beat schedule.
Each visit is a fresh browser context on the pothole page that accepts cookies and rage
clicks a button four times; the latency is the time from its last click until the page's
day rollup (what the dashboards read) counts its rage click. The visitor stays on the page,
so only the tracker's periodic flush, the buffer drain and live detection bring it in.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.live_worker import broker_url, redis_problem, wait_until, worker_with_beat  # noqa: E402

POTHOLE = "/public-works/report-a-pothole/"
BUDGET_P95_S = 15.0
BUTTON = """() => {
    const button = document.createElement('button');
    button.id = 'send-report';
    button.textContent = 'Send report';
    button.addEventListener('click', () => { button.dataset.n = (+button.dataset.n || 0) + 1; });
    document.querySelector('main').prepend(button);
}"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=50)
    parser.add_argument("--db", default="/tmp/cityux-live-bench.sqlite3", help="SQLite file")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per visit at most")
    return parser.parse_args()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_city(env):
    for command in (["migrate", "-v0"], ["cityux_demo", "--no-traffic", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def rage_clicks_today(url):
    from django.utils import timezone

    from cityux_analytics.models import PageDailyStats

    row = PageDailyStats.objects.filter(date=timezone.localdate(), url=url).first()
    return row.rage_click if row else 0


def visit(browser, base_url):
    """One resident's visit with a rage click; returns the monotonic time of the last click."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + POTHOLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("() => document.querySelector('script[data-collect]') !== null")
    page.evaluate(BUTTON)
    for _ in range(4):
        page.click("#send-report", delay=20)
        page.wait_for_timeout(100)
    return context, time.monotonic()


def main():
    args = parse_args()
    broker = broker_url()
    if problem := redis_problem(broker):
        sys.exit(problem)
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{args.db}"
    if database.startswith("sqlite:///") and Path(args.db).exists():
        Path(args.db).unlink()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cityux.settings.dev", "DATABASE_URL": database}
    print(f"Building the demo city in {database} …", flush=True)
    build_city(env)
    os.environ.update(env)
    # Playwright's sync API runs an event loop in this thread; the ORM polls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

    port = free_port()
    with worker_with_beat(database, broker) as (worker, queue):
        server_env = {**env, "CELERY_BROKER_URL": broker, "CELERY_TASK_DEFAULT_QUEUE": queue}
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        try:
            latencies = run_visits(args, base_url, sync_playwright, CHROMIUM, CHROMIUM_FLAGS)
        finally:
            server.terminate()
            server.wait(timeout=20)
    report(latencies, args.visits)


def run_visits(args, base_url, sync_playwright, chromium, flags):
    import urllib.request

    wait_until(lambda: _answers(urllib.request, base_url), seconds=60)
    latencies = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags)
        for number in range(1, args.visits + 1):
            context, clicked = visit(browser, base_url)
            counted = wait_until(
                lambda n=number: rage_clicks_today(POTHOLE) >= n, args.timeout, interval=0.1
            )
            latency = time.monotonic() - clicked
            context.close()
            if not counted:
                print(f"visit {number}: not counted after {args.timeout:.0f} s", flush=True)
                break
            latencies.append(latency)
            print(f"visit {number}: {latency:.1f} s", flush=True)
        browser.close()
    return latencies


def _answers(request, base_url):
    try:
        with request.urlopen(base_url + "/", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def report(latencies, visits):
    if len(latencies) < visits:
        print(f"Only {len(latencies)} of {visits} visits reached the dashboard.")
    if len(latencies) < 2:
        return
    p50 = statistics.median(latencies)
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[18]
    print(
        f"click → dashboard over {len(latencies)} visits: p50 {p50:.1f} s, p95 {p95:.1f} s, "
        f"max {max(latencies):.1f} s; p95 / budget ({BUDGET_P95_S:.0f} s) = "
        f"{p95 / BUDGET_P95_S:.2f}"
    )


if __name__ == "__main__":
    main()
