"""Collect endpoint throughput against a bare Django view, same gunicorn server, same run.

    .venv/bin/python bench/collect.py [--seconds 10] [--rounds 3] [--connections 8]

Needs `wrk` (apt-get install wrk) and Redis (the collect path enqueues to a real broker, on a
queue nobody consumes; it is purged afterwards).

Two servers are measured one after the other, each for `--rounds` alternating wrk runs of the
bare view and of the collect endpoint:

* ``cityux.site.wsgi:application``, the site as shipped: `CollectFastPath` answers the collect URL
  without the page middleware (cityux_analytics/wsgi.py). This is the budgeted figure.
* Django's plain WSGI application, where the batch goes through URL resolution and every
  middleware like any page: the figure for a site that does not wrap its WSGI app.

For each it prints requests/s (median of the rounds), the ratio collect / bare (budget ≥ 0.8)
and the ratio of server CPU time per request (bare / collect, from the workers' /proc stat),
which is less disturbed by other load on the machine than requests/s.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_database(env):
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def consent_cookie(env):
    code = (
        "from django.test import Client; c = Client();"
        "c.post('/cityux/cookies/', {'action': 'accept_all'});"
        "print(c.cookies['cookie_consent'].value)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


def sample_batch():
    t0 = int(time.time() * 1000)
    events = [{"t": "view", "ts": t0, "vid": 0, "url": "/public-works/", "ref": ""}]
    for i in range(20):
        events.append(
            {"t": "click", "ts": t0 + 400 * i, "vid": 0, "x": 100 + i, "y": 300, "sel": "#submit",
             "tag": "button", "int": True, "kind": "", "re": "mutation", "rms": 35,
             # What the tracker says about a named button (tracker.js `namesOf`).
             "role": "button", "name": "Submit report", "ctx": "Report a pothole", "ctxr": "form"}
        )  # fmt: skip
    return json.dumps({"v": 1, "sid": secrets.token_hex(10), "seq": 0, "events": events})


def wrk(url, seconds, connections, lua):
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", lua, url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    statuses = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if statuses:
        raise SystemExit(f"{url} answered {statuses.group(1)} non-2xx responses:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), requests


def cpu_seconds(master):
    """User + system CPU time of gunicorn's workers (the master only supervises)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def measure(app, args, env, lua):
    """Median requests/s and CPU per request of bare and collect, alternating, on one server."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app,
         "-w", str(args.workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    urls = {"bare": base + "/bench/bare/", "collect": base + "/cityux/collect/"}
    rates = {"bare": [], "collect": []}
    cpu = {"bare": [], "collect": []}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(urllib.request.Request(urls["bare"], method="POST"))
                break
            except OSError:
                time.sleep(0.1)
        for url in urls.values():  # warm up both paths in every worker
            wrk(url, 2, args.connections, lua)
        for _ in range(args.rounds):
            for name, url in urls.items():
                before = cpu_seconds(server.pid)
                rate, requests = wrk(url, args.seconds, args.connections, lua)
                rates[name].append(rate)
                cpu[name].append((cpu_seconds(server.pid) - before) / requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {name: (statistics.median(rates[name]), statistics.median(cpu[name])) for name in urls}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    # gunicorn's advice for sync workers: 2 × cores + 1.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("Install wrk first: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="cityux-bench-"))
    queue = f"cityux-bench-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "PYTHONPATH": str(ROOT),
    }
    servers = {
        "site as shipped (CollectFastPath)": "cityux.site.wsgi:application",
        "plain Django WSGI app": "django.core.wsgi:get_wsgi_application()",
    }
    try:
        setup_database(env)
        cookie = consent_cookie(env)
        lua = workdir / "post.lua"
        lua.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(sample_batch())}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Origin"] = "http://127.0.0.1:{args.port}"\n'
            f'wrk.headers["Cookie"] = "cookie_consent={cookie}"\n'
        )
        results = {label: measure(app, args, env, str(lua)) for label, app in servers.items()}
    finally:
        import redis

        client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
        for key in [queue, *client.scan_iter(f"cityux:analytics:collect:{queue}*")]:
            client.delete(key)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"gunicorn, {args.workers} workers x {args.threads} threads; wrk, {args.connections} "
        f"connections; median of {args.rounds} rounds of {args.seconds} s"
    )
    for label, result in results.items():
        (bare, bare_cpu), (collect, collect_cpu) = result["bare"], result["collect"]
        print(f"{label}:")
        print(f"  bare Django view (204):  {bare:8.0f} requests/s  {bare_cpu * 1e6:6.0f} µs CPU")
        print(
            f"  collect endpoint (204):  {collect:8.0f} requests/s  {collect_cpu * 1e6:6.0f} µs CPU"
            "  (validate, consent, enqueue)"
        )
        print(f"  ratio collect / bare:    {collect / bare:8.2f}   (budget ≥ 0.80)")
        print(f"  CPU ratio bare / collect:{bare_cpu / collect_cpu:8.2f}")


if __name__ == "__main__":
    main()
