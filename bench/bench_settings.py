"""Settings for the HTTP benchmarks: the application's own settings plus two baseline views."""

from adaptive_learning.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
