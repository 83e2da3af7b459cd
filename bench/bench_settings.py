"""Settings for the benchmarks: the production-like dev settings plus a bare baseline view."""

from cityux.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bench_urls"
# The limiter still counts every request; it just never trips under the benchmark's load.
CITYUX_ANALYTICS = {"RATE_LIMITS": {"session": 10**9, "ip": 10**9}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
