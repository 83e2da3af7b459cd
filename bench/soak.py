"""Collect and replay upload under sustained load, while the Celery worker and Redis are killed.

    .venv/bin/python bench/soak.py [--seconds 60] [--clients 4] [--rate 10] [--settle 300]
                                   [--database-url postgres://…]

Everything runs on loopback and is bounded in time: a private `redis-server` (append-only
file, `appendfsync everysec`) on a free port with its data in a temporary directory, the site
under gunicorn (`cityux.site.wsgi`, as shipped), one Celery worker with its beat (`-B`, solo pool),
and `--clients` threads posting tracker batches (and a replay upload every tenth request).
During the run the worker is killed with SIGKILL and restarted, then Redis is. Afterwards the
worker is given `--settle` seconds to drain the buffer and the spool, and the figures are
counted in the database:

    batches sent, accepted (204), stored, dead-lettered, lost, duplicated; replay uploads sent,
    accepted, stored; p50 / p99 latency of the collect endpoint.

Target: 0 lost, 0 duplicated. The default database is a throwaway SQLite file; pass
`--database-url` (an empty PostgreSQL database you created) to soak the production setup.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVENTS_PER_BATCH = 5


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"gave up waiting for {what} after {seconds} s")


class Process:
    """A child process that can be killed with SIGKILL and started again the same way."""

    def __init__(self, args, env, log):
        self.args, self.env, self.log, self.process = args, env, log, None

    def start(self):
        self.process = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def batch(sid, seq, t0):
    events = [{"t": "view", "ts": t0, "vid": seq, "url": f"/soak/{seq}/", "ref": ""}]
    for i in range(EVENTS_PER_BATCH - 1):
        events.append(
            {"t": "click", "ts": t0 + 100 * i, "vid": seq, "x": 10 + i, "y": 20, "sel": "#go",
             "tag": "button", "int": True, "kind": "", "re": "mutation", "rms": 30}
        )  # fmt: skip
    return json.dumps({"v": 1, "sid": sid, "seq": seq, "events": events}).encode()


def replay_upload(sid, seq, t0):
    events = [{"type": 3, "timestamp": t0 + i, "data": {"source": 1}} for i in range(20)]
    return json.dumps({"v": 1, "sid": sid, "seq": seq, "events": events}).encode()


class Client(threading.Thread):
    """Posts batches of one tracker session until told to stop; keeps what it saw."""

    def __init__(self, base, cookie, stop, rate):
        super().__init__(daemon=True)
        self.base, self.stop, self.interval = base, stop, 1 / rate
        self.headers = {
            "Content-Type": "application/json",
            "Origin": base,
            "Cookie": f"cookie_consent={cookie}",
        }
        self.sid = secrets.token_hex(12)
        self.sent = self.accepted = self.replays_sent = self.replays_accepted = 0
        self.other = {}
        self.latencies = []

    def post(self, path, data):
        request = urllib.request.Request(self.base + path, data, self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return "no answer"

    def run(self):
        t0 = int(time.time() * 1000)
        while not self.stop.is_set():
            started = time.perf_counter()
            status = self.post("/cityux/collect/", batch(self.sid, self.sent, t0))
            self.latencies.append(time.perf_counter() - started)
            self.sent += 1
            if status == 204:
                self.accepted += 1
            else:
                self.other[status] = self.other.get(status, 0) + 1
            if self.sent % 10 == 0:
                self.replays_sent += 1
                if (
                    self.post("/cityux/replay/", replay_upload(self.sid, self.replays_sent, t0))
                    == 204
                ):
                    self.replays_accepted += 1
            self.stop.wait(max(0.0, self.interval - (time.perf_counter() - started)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60, help="length of the load")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rate", type=float, default=10, help="batches/s of each client")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--settle", type=int, default=300, help="seconds allowed to drain")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if not shutil.which("redis-server"):
        raise SystemExit("Install redis-server first (apt-get install redis-server)")

    workdir = Path(tempfile.mkdtemp(prefix="cityux-soak-"))
    redis_port, site_port = free_port(), free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'soak.sqlite3'}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": f"cityux-soak-{secrets.token_hex(4)}",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    log = open(workdir / "soak.log", "w")  # noqa: SIM115 (closed in finally)
    redis = Process(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(workdir),
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
        env, log,
    )  # fmt: skip
    site = Process(
        [sys.executable, "-m", "gunicorn", "cityux.site.wsgi:application", "-w", str(args.workers),
         "-b", f"127.0.0.1:{site_port}", "--log-level", "warning"],
        env, log,
    )  # fmt: skip
    worker = Process(
        [sys.executable, "-m", "celery", "-A", "cityux.site.celery_app", "worker", "-B",
         "-s", str(workdir / "beat-schedule"), "-Q", env["CELERY_TASK_DEFAULT_QUEUE"],
         "--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel", "WARNING"],
        env, log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{site_port}"
    try:
        from bench.collect import consent_cookie, setup_database

        redis.start()
        wait_until(lambda: socket.create_connection(("127.0.0.1", redis_port)), 30, "Redis")
        setup_database(env)
        cookie = consent_cookie(env)
        site.start()
        worker.start()
        wait_until(lambda: urllib.request.urlopen(base + "/cityux/cookies/"), 60, "the site")

        stop = threading.Event()
        clients = [Client(base, cookie, stop, args.rate) for _ in range(args.clients)]
        for client in clients:
            client.start()
        faults = []
        time.sleep(args.seconds * 0.3)
        worker.kill()
        faults.append("worker SIGKILLed")
        time.sleep(3)
        worker.start()
        time.sleep(args.seconds * 0.3)
        redis.kill()
        faults.append("Redis SIGKILLed")
        time.sleep(2)
        redis.start()
        time.sleep(max(args.seconds * 0.4 - 5, 1))
        stop.set()
        for client in clients:
            client.join()
        figures = settle_and_count(clients, args.settle)
    finally:
        for process in (worker, site, redis):
            process.kill()
        log.close()
    report(args, clients, figures, faults, env["DATABASE_URL"])
    shutil.rmtree(workdir, ignore_errors=True)


def settle_and_count(clients, settle):
    """Wait (bounded) for the worker to drain buffer and spool, then count what was stored."""
    import django

    django.setup()
    from cityux.site.celery_app import app as celery_app
    from cityux_analytics import buffer
    from cityux_analytics.models import (
        DeadLetteredBatch,
        RawEvent,
        ReceivedBatch,
        SpooledBatch,
    )
    from cityux_analytics.replay.models import ReplayChunk

    last_sent = [0.0]

    def settled():
        if time.monotonic() - last_sent[0] > 5:  # as beat would every minute, sooner
            celery_app.send_task("cityux_analytics.drain_spool")
            last_sent[0] = time.monotonic()
        return buffer.pending() + buffer.processing() == 0 and not SpooledBatch.objects.exists()

    started = time.monotonic()
    wait_until(settled, settle, "the worker to drain the buffer and the spool")
    sids = [client.sid for client in clients]
    stored = ReceivedBatch.objects.filter(session__sid__in=sids).count()
    events = RawEvent.objects.filter(session__sid__in=sids).count()
    return {
        "stored": stored,
        "events": events,
        "dead_lettered": DeadLetteredBatch.objects.count(),
        "replays_stored": ReplayChunk.objects.filter(session__sid__in=sids).count(),
        "settle_seconds": time.monotonic() - started,
    }


def report(args, clients, figures, faults, database):
    sent = sum(c.sent for c in clients)
    accepted = sum(c.accepted for c in clients)
    others = {}
    for client in clients:
        for status, count in client.other.items():
            others[status] = others.get(status, 0) + count
    latencies = sorted(t for c in clients for t in c.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    lost = accepted - figures["stored"] - figures["dead_lettered"]
    duplicated_events = figures["events"] - figures["stored"] * EVENTS_PER_BATCH
    print(
        f"soak: {args.seconds} s, {args.clients} clients at up to {args.rate:g} batches/s each, "
        f"gunicorn {args.workers} workers, 1 Celery worker; "
        f"database {database.split(':', 1)[0]}; faults: {', '.join(faults)}"
    )
    print(f"  batches sent          {sent:8d}")
    print(f"  accepted (204)        {accepted:8d}   other answers: {others or 'none'}")
    print(f"  stored                {figures['stored']:8d}")
    print(f"  dead-lettered         {figures['dead_lettered']:8d}")
    print(f"  lost                  {lost:8d}   (target 0)")
    print(
        f"  duplicated            {duplicated_events:8d}   events stored beyond "
        f"{EVENTS_PER_BATCH} per stored batch (target 0)"
    )
    print(
        f"  replay uploads        {sum(c.replays_sent for c in clients):8d} sent, "
        f"{sum(c.replays_accepted for c in clients)} accepted, "
        f"{figures['replays_stored']} stored"
    )
    print(
        f"  collect latency       p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms"
    )
    print(f"  drained within        {figures['settle_seconds']:.1f} s after the load")


if __name__ == "__main__":
    main()
