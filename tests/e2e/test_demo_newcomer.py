"""A newcomer runs the demo as `make demo` does (scripts/demo.py: its own server and Celery worker
on a broker that needs no server), rage-clicks the broken button, and the demo lead sees it."""

import os
import re
import socket
import subprocess
import sys
import time
import zoneinfo
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings

from cityux_analytics import demo
from tests.e2e.helpers import accept_all, log_in

ROOT = Path(__file__).resolve().parents[2]
POTHOLE = "/public-works/report-a-pothole/"
READY_TIMEOUT_S = 420  # migrate and seed on a busy machine
SEEN_TIMEOUT_S = 120


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_launcher(tmp_path):
    """scripts/demo.py on a free port, with a private SQLite file and state folder."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL"}
        and name not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    addr = f"127.0.0.1:{free_port()}"
    log = (tmp_path / "demo.log").open("w+")
    launcher = subprocess.Popen(
        [sys.executable, "scripts/demo.py", "--addr", addr, "--state-dir", str(tmp_path / "st")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        served = None
        while served is None and launcher.poll() is None and time.monotonic() < deadline:
            time.sleep(1)
            served = re.search(r"The demo city is served at (\S+) ", Path(log.name).read_text())
        printed = Path(log.name).read_text()
        assert served, f"the demo did not start:\n{printed[-3000:]}"
        assert served.group(1) == f"http://{addr}/"  # the address it really serves
        assert re.search(r"Seeded in \d+\.\d s\.", printed)
        yield served.group(1).rstrip("/")
    finally:
        launcher.terminate()  # as Ctrl-C: the launcher stops the server and the worker
        launcher.wait(timeout=30)
        log.close()
    assert launcher.returncode == 0
    leftovers = subprocess.run(["pgrep", "-f", addr], capture_output=True, text=True).stdout
    assert leftovers.strip() == "", "the server or the worker outlived the launcher"


def test_a_newcomers_rage_clicks_reach_the_demo_leads_report(demo_launcher, new_context):
    resident = new_context().new_page()
    resident.goto(demo_launcher + POTHOLE)
    accept_all(resident)
    for _ in range(4):
        resident.get_by_role("button", name="Submit report").click()
        resident.wait_for_timeout(150)
    with resident.expect_response(lambda r: "/cityux/collect/" in r.url and r.status == 204):
        resident.goto(demo_launcher + "/")  # leaving sends the tracker's batch
    resident.context.close()
    clicked = time.monotonic()

    lead = new_context().new_page()
    log_in(lead, demo_launcher)
    # Today only: the seeded visits all ended before today began.
    today = datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date().isoformat()
    report = f"{demo_launcher}/admin/cityux/analytics/elements/?date_from={today}&date_to={today}"
    rage_rows = lead.locator("main table tbody tr").filter(has_text="Rage click")
    while time.monotonic() - clicked < SEEN_TIMEOUT_S:
        lead.goto(report)
        if any(demo.POTHOLE_BUTTON in row.inner_html() for row in rage_rows.all()):
            break
        lead.wait_for_timeout(3000)
    else:
        pytest.fail(f"the rage clicks were not in the lead's report {SEEN_TIMEOUT_S} s on")
    print(f"\nclick → lead's report: {time.monotonic() - clicked:.0f} s")
