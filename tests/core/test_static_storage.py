"""Production settings put static files on S3 behind CloudFront only when told to.

Each case starts the settings in a fresh process (like a new pod). Nothing here reaches AWS:
the S3 storage is built and asked for a URL, which with a custom domain needs no request.
"""

import json
import subprocess
import sys

from tests.core.helpers import REPO, run_django
from tests.core.test_settings import GOOD, run_env

S3 = {
    "STATIC_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "adaptive-learning-static-123456789012",
    "AWS_S3_REGION_NAME": "us-west-2",
    "STATIC_CDN_DOMAIN": "d1234abcd.cloudfront.net",
}

PRINT_STATIC = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "backend": settings.STORAGES["staticfiles"]["BACKEND"],
    "s3": {name: getattr(settings, name, None) for name in (
        "AWS_STORAGE_BUCKET_NAME", "AWS_S3_CUSTOM_DOMAIN", "AWS_QUERYSTRING_AUTH", "AWS_LOCATION")},
    "static_url": settings.STATIC_URL,
    "script_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"],
}))
"""

# The storage the settings name, configured by them, and the URL it gives a file (the manifest
# subclass would read its manifest from the bucket on creation, so the plain S3 storage is built).
S3_URL = """
import django
django.setup()
from django.conf import settings
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage
assert issubclass(import_string(settings.STORAGES["staticfiles"]["BACKEND"]), S3Storage)
print(S3Storage().url("css/app.3f2a.css"))
"""


def static_settings(env: dict[str, str]) -> dict:
    result = run_django(PRINT_STATIC, env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_whitenoise_serves_static_files_by_default():
    found = static_settings(GOOD)
    assert found["backend"].startswith(("whitenoise.", "django.contrib.staticfiles."))
    assert found["static_url"] == "/static/"
    assert found["script_src"] == ["'self'"]


def test_s3_manifest_storage_behind_cloudfront_when_configured():
    found = static_settings({**GOOD, **S3})
    assert found["backend"] == "storages.backends.s3.S3ManifestStaticStorage"
    assert found["s3"] == {
        "AWS_STORAGE_BUCKET_NAME": S3["AWS_STORAGE_BUCKET_NAME"],
        "AWS_S3_CUSTOM_DOMAIN": S3["STATIC_CDN_DOMAIN"],
        "AWS_QUERYSTRING_AUTH": False,
        "AWS_LOCATION": "static",
    }
    assert found["static_url"] == "https://d1234abcd.cloudfront.net/static/"
    # Pages may load their scripts from the CDN, and still from nowhere else.
    assert found["script_src"] == ["'self'", "https://d1234abcd.cloudfront.net"]


def test_static_url_can_be_set_explicitly():
    found = static_settings({**GOOD, **S3, "STATIC_URL": "https://static.example.com/s/"})
    assert found["static_url"] == "https://static.example.com/s/"


def test_the_s3_storage_builds_cdn_urls_without_calling_aws():
    result = run_django(S3_URL, {**GOOD, **S3})
    assert result.returncode == 0, result.stderr[-2000:]
    url = result.stdout.strip().splitlines()[-1]
    assert url == "https://d1234abcd.cloudfront.net/static/css/app.3f2a.css"


def test_s3_without_a_cdn_domain_or_bucket_refuses_to_start():
    no_domain = {k: v for k, v in S3.items() if k != "STATIC_CDN_DOMAIN"}
    result = run_django("import django; django.setup()", {**GOOD, **no_domain})
    assert result.returncode != 0
    assert "STATIC_CDN_DOMAIN" in result.stderr
    no_bucket = {k: v for k, v in S3.items() if k != "AWS_STORAGE_BUCKET_NAME"}
    result = run_django("import django; django.setup()", {**GOOD, **no_bucket})
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_unknown_static_storage_is_refused():
    result = run_django("import django; django.setup()", {**GOOD, "STATIC_STORAGE": "ftp"})
    assert result.returncode != 0
    assert "STATIC_STORAGE must be whitenoise or s3" in result.stderr


def test_check_deploy_stays_clean_with_s3_static_files():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**run_env(), **GOOD, **S3},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
