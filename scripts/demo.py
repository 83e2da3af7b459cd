#!/usr/bin/env python
"""Run the demo city: migrate, seed, then serve the site and process its visits.

    python scripts/demo.py [--addr 127.0.0.1:8000] [--state-dir .demo]

Starts Django's server on `--addr` (default $HOST_PORT, else 127.0.0.1:8000) and one Celery
worker with beat (`cityux.site.celery_app:app`), both with `cityux.site.demo_settings`: the
broker is $CELERY_BROKER_URL when set, else kombu's filesystem transport under the state
folder, which needs no server. Prints the address once the site answers there; Ctrl-C (or
SIGTERM) stops both.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "cityux.site.demo_settings"
CELERY_APP = "cityux.site.celery_app:app"
READY_TIMEOUT_S = 120


def parse_addr(addr):
    """("127.0.0.1", 8000) from "127.0.0.1:8000" or "8000"; SystemExit with the reason if bad."""
    host, _, port = addr.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SystemExit(f"demo: {addr!r} is not HOST:PORT (for example 127.0.0.1:8000)")
    return host or "127.0.0.1", int(port)


def port_is_free(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def run_step(python, *args, env):
    """Run one manage.py command in the foreground; stop the launcher if it fails."""
    result = subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env)
    if result.returncode:
        raise SystemExit(f"demo: `manage.py {' '.join(args)}` failed ({result.returncode})")


def start(command, env):
    # Each child leads its own process group, so stopping it also stops what it started
    # (the worker's beat and pool processes).
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:  # it ended meanwhile
        pass


def stop(processes):
    for process in processes:
        if process.poll() is None:
            signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
            process.wait()


def wait_until_served(url, processes):
    """True once `url` answers; False if a process died or the timeout passed first."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addr", default=os.environ.get("HOST_PORT") or "127.0.0.1:8000")
    parser.add_argument("--state-dir", default=os.environ.get("CITYUX_DEMO_STATE") or ".demo")
    options = parser.parse_args(argv)
    host, port = parse_addr(options.addr)
    if not port_is_free(host, port):
        raise SystemExit(f"demo: {host}:{port} is taken; run with HOST_PORT=127.0.0.1:<free port>")
    state = (ROOT / options.state_dir).resolve()
    for folder in ("broker", "broker-control"):
        (state / folder).mkdir(parents=True, exist_ok=True)
    url = f"http://{host}:{port}/"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "CITYUX_DEMO_STATE": str(state),
        "WAGTAILADMIN_BASE_URL": url.rstrip("/"),
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    run_step(python, "migrate", "--noinput", "--verbosity", "0", env=env)
    run_step(python, "cityux_demo", "--site-url", url, env=env)
    broker = env.get("CELERY_BROKER_URL") or f"filesystem:// (under {state / 'broker'})"
    processes = [
        start([python, "manage.py", "runserver", "--noreload", f"{host}:{port}"], env),
        start(
            [
                python, "-m", "celery", "-A", CELERY_APP, "worker", "--beat",
                "--pool", "solo", "--loglevel", "WARNING",
                "--schedule", str(state / "celerybeat-schedule"),
            ],
            env,
        ),
    ]  # fmt: skip
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True) or stop(processes))
    try:
        if not wait_until_served(url, processes):
            print("demo: the site or the worker did not start; see the messages above.")
            return 1
        print(
            f"\nThe demo city is served at {url} (admin: {url}admin/).\n"
            f"A Celery worker with beat processes its visits, broker {broker}.\n"
            "Press Ctrl-C to stop both.",
            flush=True,
        )
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        return 0 if stopping else 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
