"""The OpenAPI schema is a contract: it generates without warnings and the docs are served
from our own static files."""

import subprocess
import sys

import pytest

from tests.core.helpers import REPO


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--fail-on-warn",
            "--validate",
            "--file",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "/api/v1/auth/token/" in out.read_text()


@pytest.mark.django_db
def test_schema_and_swagger_ui_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/?format=json")
    docs = client.get("/api/docs/")
    assert schema.status_code == 200
    assert "/api/v1/classrooms/join/" in schema.json()["paths"]
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_unknown_api_path_and_method_use_the_error_shape(as_user):
    from tests.accounts.factories import LearnerFactory

    client = as_user(LearnerFactory())
    wrong_method = client.delete("/api/v1/me/")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    missing = client.get("/api/v1/classrooms/999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
