"""/health, /ready and /metrics, including /ready against dependencies that are really down."""

import json

import pytest
from django.test import override_settings

from tests.accounts.factories import LearnerFactory
from tests.core.helpers import get_in_fresh_process, run_django

# Port 1 on loopback: nothing listens there, so connections are refused at once.
DEAD_POSTGRES = "postgres://postgres@127.0.0.1:1/none"
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_health_needs_no_dependencies(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_reports_every_check_green(client):
    response = client.get("/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert sorted(body["checks"]) == ["broker", "cache", "database"]
    assert all(check["ok"] for check in body["checks"].values())


def test_probes_bypass_the_host_check_and_https_redirect(client):
    # Kubelet calls the pod IP over plain HTTP.
    with override_settings(ALLOWED_HOSTS=["example.com"], SECURE_SSL_REDIRECT=True):
        assert client.get("/health", HTTP_HOST="10.1.2.3:8000").status_code == 200
        assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_ops_endpoints_only_answer_get(client):
    assert client.post("/health").status_code == 405


def test_ready_names_a_dead_database():
    status, body = get_in_fresh_process("/ready", {"DATABASE_URL": DEAD_POSTGRES})
    assert status == 503
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["cache"]["ok"] is True
    assert "database" in body["message"]


def test_ready_names_a_dead_cache():
    status, body = get_in_fresh_process(
        "/ready", {"REDIS_URL": DEAD_REDIS, "CELERY_BROKER_URL": "filesystem://"}
    )
    assert status == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["message"].startswith("Not ready: cache")


def test_ready_names_a_dead_broker():
    status, body = get_in_fresh_process("/ready", {"CELERY_BROKER_URL": DEAD_REDIS})
    assert status == 503
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["broker"]


def test_a_dead_cache_does_not_break_pages():
    # django-redis fails open: pages still render when Redis is gone.
    status, _ = get_in_fresh_process(
        "/health", {"REDIS_URL": DEAD_REDIS, "CELERY_BROKER_URL": "filesystem://"}
    )
    assert status == 200


@pytest.mark.django_db
def test_metrics_export_request_database_cache_and_business_metrics(client):
    LearnerFactory()
    client.get("/accounts/login/")
    text = client.get("/metrics").content.decode()
    for name in [
        "django_http_requests_total_by_method_total",
        "django_http_responses_total_by_status_total",
        "django_db_execute_total",
        "django_cache_get_total",
        'adaptive_users{role="learner"}',
    ]:
        assert name in text, name


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="s3cret")
def test_metrics_token_when_configured(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


def test_each_request_logs_one_json_line_with_its_request_id():
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/accounts/login/', HTTP_X_REQUEST_ID='req-abc-123')\n"
        "assert r['X-Request-ID'] == 'req-abc-123'\n"
    )
    result = run_django(code, {"DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.base"})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    request_lines = [line for line in lines if line["logger"] == "apps.request"]
    assert len(request_lines) == 1
    assert request_lines[0]["request_id"] == "req-abc-123"
    assert (request_lines[0]["path"], request_lines[0]["status"]) == ("/accounts/login/", 200)
    assert {"time", "level", "message"} <= set(request_lines[0])


@pytest.mark.django_db
def test_metrics_report_the_celery_queue_depth(client):
    from adaptive_learning.celery import app
    from apps.core.tasks import ping

    app.control.purge()
    for _ in range(3):
        ping.delay()  # no worker runs in this test: they wait in the queue
    text = client.get("/metrics").content.decode()
    assert 'adaptive_celery_queue_length{queue="celery"} 3.0' in text
    app.control.purge()
