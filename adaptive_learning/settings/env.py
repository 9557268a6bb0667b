"""The one place settings read the environment.

FileAwareEnv also reads ``<NAME>_FILE`` (a path whose contents are the value), which is how
Kubernetes mounts secrets as files.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.FileAwareEnv()

# A key that is fine on a laptop and refused by production settings.
INSECURE_DEFAULT_SECRET_KEY = "insecure-dev-key-change-me-" + "0" * 32
