"""Production settings refuse an insecure configuration, and accept a good one cleanly."""

import subprocess
import sys

import pytest

from tests.core.helpers import REPO, run_django

GOOD = {
    "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.production",
    "SECRET_KEY": "k3y-" + "x9Q2vL7pZ" * 8,
    "ALLOWED_HOSTS": "learn.example.com",
    "DEBUG": "false",
}


def start(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_django("import django; django.setup()", env)


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"DEBUG": "true"}, "DEBUG must be false"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short-but-random-Zx81"}, "at least 50 characters"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_an_insecure_config(override, named):
    env = {**GOOD, **override}
    if override.get("SECRET_KEY") == "":
        del env["SECRET_KEY"]  # unset: the built-in development key would be used
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Refusing to start" in result.stderr
    assert named in result.stderr


def test_production_starts_with_a_good_config():
    assert start(GOOD).returncode == 0


def test_check_deploy_is_clean_under_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**run_env(), **GOOD},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_secrets_can_come_from_files(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("f1le-" + "Qw8rT5yU" * 8)
    env = {**GOOD, "SECRET_KEY_FILE": str(key_file)}
    del env["SECRET_KEY"]
    result = run_django(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SECRET_KEY[:5])",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "f1le-"


def run_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
