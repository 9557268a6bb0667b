"""Settings for the test suite: base settings with faster hashing, captured mail, and a test
database and broker that a real Celery worker process (started by a fixture) can share."""

import os

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# One test database per session, so two sessions on one machine never clobber each other's.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so a worker process started by the tests sees the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

if CELERY_BROKER_URL.startswith("filesystem://"):
    # Never share a queue with a `make run` worker on the same checkout.
    _test_celery_dir = VAR_DIR / "celery-test"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_test_celery_dir / "queue"),
        "data_folder_out": str(_test_celery_dir / "queue"),
        "processed_folder": str(_test_celery_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_test_celery_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{_test_celery_dir / 'results'}"
    for _folder in ("queue", "processed", "results", "control"):
        (_test_celery_dir / _folder).mkdir(parents=True, exist_ok=True)

if CACHES["auth"]["BACKEND"].endswith("FileBasedCache"):  # noqa: F405
    # A folder per session: conftest clears it between tests, which must not empty another
    # session's (or a `make run` server's).
    CACHES["auth"]["LOCATION"] = str(VAR_DIR / "cache" / f"auth-test-{os.getpid()}")  # noqa: F405
