import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get({path!r})
print(json.dumps({{"status": response.status_code, "body": response.content.decode()}}))
"""


def run_django(code: str, env: dict[str, str], timeout: int = 90) -> subprocess.CompletedProcess:
    """Run Python in a fresh process configured only by ``env`` (like a new pod)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "CELERY_RESULT_BACKEND",
            "DEBUG",
            "SECRET_KEY",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def get_in_fresh_process(path: str, env: dict[str, str]) -> tuple[int, dict]:
    result = run_django(
        PROBE.format(path=path),
        {"DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.base", **env},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    last = result.stdout.strip().splitlines()[-1]
    payload = json.loads(last)
    return payload["status"], json.loads(payload["body"])
