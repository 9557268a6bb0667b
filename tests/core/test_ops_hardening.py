"""/metrics is closed in production unless a token (or an explicit opt-out) says otherwise, and
/ready names a failed dependency without telling the world where it lives."""

import json

import pytest

from tests.core.helpers import get_in_fresh_process, run_django

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.production",
    "SECRET_KEY": "k3y-" + "x9Q2vL7pZ" * 8,
    "ALLOWED_HOSTS": "learn.example.com",
    # The ops middleware answers before the HTTPS redirect; the probe speaks plain HTTP.
}

METRICS_PROBE = """
import json, django
django.setup()
from django.test import Client
headers = {headers!r}
response = Client().get("/metrics", **headers)
print(json.dumps({{"status": response.status_code, "body": response.content.decode()[:2000]}}))
"""


def scrape(env: dict[str, str], **headers: str) -> tuple[int, str]:
    result = run_django(METRICS_PROBE.format(headers=headers), env)
    assert result.returncode == 0, result.stderr[-2000:]
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    return payload["status"], payload["body"]


def test_production_refuses_metrics_without_a_token():
    status, body = scrape(PRODUCTION)
    assert status == 403
    assert "METRICS_TOKEN" in body
    assert "django_http" not in body


def test_production_serves_metrics_openly_only_when_told_to():
    status, body = scrape({**PRODUCTION, "METRICS_PUBLIC": "true"})
    assert status == 200
    assert "python_info" in body


def test_production_metrics_with_a_token_want_it():
    env = {**PRODUCTION, "METRICS_TOKEN": "t0ken-for-prometheus"}
    assert scrape(env)[0] == 401
    assert scrape(env, HTTP_AUTHORIZATION="Bearer wrong")[0] == 401
    status, body = scrape(env, HTTP_AUTHORIZATION="Bearer t0ken-for-prometheus")
    assert status == 200
    assert "python_info" in body


def test_development_metrics_stay_open_without_a_token():
    status, _ = scrape({"DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.base"})
    assert status == 200


# Credentials, host, port and names that must not appear in /ready's answer.
SECRET_BITS = ["hunter2", "sekret-user", "sekret_db", "127.0.0.1", "6399", "5499", "port"]


@pytest.mark.parametrize(
    ("env", "failed"),
    [
        ({"DATABASE_URL": "postgres://sekret-user:hunter2@127.0.0.1:5499/sekret_db"}, "database"),
        (
            {
                "REDIS_URL": "redis://:hunter2@127.0.0.1:6399/0",
                "CELERY_BROKER_URL": "filesystem://",
            },
            "cache",
        ),
        ({"CELERY_BROKER_URL": "redis://sekret-user:hunter2@127.0.0.1:6399/0"}, "broker"),
    ],
)
def test_ready_names_the_failed_dependency_and_nothing_about_where_it_is(env, failed):
    status, body = get_in_fresh_process("/ready", env)
    assert status == 503
    assert body["message"] == f"Not ready: {failed}"
    assert body["checks"][failed]["ok"] is False
    assert body["checks"][failed]["error"].startswith(f"{failed} unavailable (")
    text = json.dumps(body)
    assert [bit for bit in SECRET_BITS if bit in text] == []
