"""Settings for the schema fuzzing run (tests/fuzz/run_fuzz.py): the application's own settings
with every limit that would turn the run into 429s or lock its accounts out raised out of reach.

The limits themselves are tested elsewhere (tests/accounts, tests/core/test_throttles_*); here
they would only hide the responses the fuzzer is looking for behind a 429.
"""

from adaptive_learning.settings.base import *  # noqa: F403
from adaptive_learning.settings.base import REST_FRAMEWORK

UNREACHABLE_RATE = "1000000/second"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], UNREACHABLE_RATE
    ),
}
# The fuzzer sends wrong passwords for the demo accounts by the hundred.
AXES_FAILURE_LIMIT = 10**9
# A deletion request that got through would erase its account only after this, not mid-run.
PRIVACY_ERASURE_GRACE_DAYS = 7
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Server errors are what the run is for: print their tracebacks, nothing else.
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
    "root": {"level": "CRITICAL"},
}
