"""Collect endpoint throughput against a bare Django view, same gunicorn server, same run.

    .venv/bin/python bench/collect.py [--seconds 10] [--connections 8]

Needs `wrk` (apt-get install wrk) and Redis (the collect path enqueues to a real broker, on a
queue nobody consumes; it is purged afterwards). Prints requests/s of both and the ratio
(budget: collect ≥ 0.8 × bare).
"""

import argparse
import json
import os
import re
import secrets
import shutil
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
             "tag": "button", "int": True, "kind": "", "re": "mutation", "rms": 35}
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
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
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
    setup_database(env)
    cookie = consent_cookie(env)
    body = sample_batch()
    lua = workdir / "post.lua"
    lua.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Origin"] = "http://127.0.0.1:{args.port}"\n'
        f'wrk.headers["Cookie"] = "cookie_consent={cookie}"\n'
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cityux.wsgi:application",
         "-w", str(args.workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(urllib.request.Request(base + "/bench/bare/", method="POST"))
                break
            except OSError:
                time.sleep(0.1)
        wrk(base + "/cityux/collect/", 2, args.connections, str(lua))  # warm up both paths
        wrk(base + "/bench/bare/", 2, args.connections, str(lua))
        bare = wrk(base + "/bench/bare/", args.seconds, args.connections, str(lua))
        collect = wrk(base + "/cityux/collect/", args.seconds, args.connections, str(lua))
    finally:
        server.terminate()
        server.wait(timeout=10)
        import redis

        client = redis.Redis.from_url(env["CELERY_BROKER_URL"])
        for key in [queue, *client.scan_iter(f"cityux:analytics:collect:{queue}*")]:
            client.delete(key)
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"gunicorn, {args.workers} workers x {args.threads} threads; "
        f"wrk, {args.connections} connections"
    )
    print(f"bare Django view (204):   {bare:10.0f} requests/s")
    print(f"collect endpoint (204):   {collect:10.0f} requests/s  (validate, consent, enqueue)")
    print(f"ratio collect / bare:     {collect / bare:10.2f}   (budget ≥ 0.80)")


if __name__ == "__main__":
    main()
