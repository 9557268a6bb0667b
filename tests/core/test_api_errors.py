"""Under /api/ every error is ``{"error": {"code", "message", "fields"}}`` with a readable
message and the right status, and matches the OpenAPI schema; elsewhere Django's HTML pages."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from apps.curriculum.models import Course
from tests.core.schema_validation import SchemaChecker
from tests.curriculum.factories import CourseFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(scope="module")
def checker() -> SchemaChecker:
    return SchemaChecker()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json", response.content
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def expired_access(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=2), lifetime=timedelta(minutes=1))
    return str(token)


def tampered_access(user) -> str:
    token = str(AccessToken.for_user(user))
    return token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")


@pytest.mark.parametrize(
    ("make_token", "code", "message"),
    [
        (lambda user: "garbage", "token_not_valid", "Given token not valid for any token type"),
        (tampered_access, "token_not_valid", "Given token not valid for any token type"),
        (expired_access, "token_not_valid", "Given token not valid for any token type"),
        (
            lambda user: str(RefreshToken.for_user(user)),  # a refresh token as access
            "token_not_valid",
            "Given token not valid for any token type",
        ),
        (
            lambda user: "",  # `Authorization: Bearer ` with nothing after it
            "bad_authorization_header",
            "Authorization header must contain two space-delimited values",
        ),
    ],
    ids=["garbage", "tampered", "expired", "wrong-type", "empty-bearer"],
)
def test_a_bad_access_token_is_a_readable_401(learner, checker, make_token, code, message):
    response = bearer(make_token(learner)).get(f"{API}/me/")

    error = error_of(response, 401)
    assert error == {"code": code, "message": message, "fields": {}}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    checker.check(response, code)
    checker.assert_no_drift()


def test_a_logged_out_access_token_keeps_its_token_revoked_code(learner, checker):
    refresh = RefreshToken.for_user(learner)
    client = bearer(str(refresh.access_token))
    assert client.post(f"{API}/auth/logout/", {"refresh": str(refresh)}).status_code == 205

    response = client.get(f"{API}/me/")

    assert error_of(response, 401) == {
        "code": "token_revoked",
        "message": "This access token was ended by a logout; sign in again.",
        "fields": {},
    }
    checker.check(response, "revoked")
    checker.assert_no_drift()


def test_a_blacklisted_or_garbage_refresh_token_is_a_readable_401(learner, checker):
    refresh = RefreshToken.for_user(learner)
    refresh.blacklist()
    client = APIClient()

    blacklisted = client.post(f"{API}/auth/token/refresh/", {"refresh": str(refresh)})
    garbage = client.post(f"{API}/auth/token/refresh/", {"refresh": "garbage"})

    assert error_of(blacklisted, 401) == {
        "code": "token_not_valid",
        "message": "Token is blacklisted",
        "fields": {},
    }
    assert error_of(garbage, 401)["message"] == "Token is invalid"
    checker.check(blacklisted, "blacklisted")
    checker.check(garbage, "garbage")
    checker.assert_no_drift()


def test_an_unknown_api_url_is_a_json_404_and_a_page_url_stays_html(learner):
    response = client_for(learner).get(f"{API}/no-such-thing/")

    assert error_of(response, 404) == {
        "code": "not_found",
        "message": f"No API endpoint at {API}/no-such-thing/; the endpoints are listed at "
        "/api/schema/.",
        "fields": {},
    }
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_an_unknown_course_names_the_path_parameter(learner, checker):
    response = client_for(learner).get(f"{API}/courses/nope/")

    assert error_of(response, 404) == {
        "code": "not_found",
        "message": "No such course.",
        "fields": {"slug": ["No such course: 'nope'."]},
    }
    checker.check(response, "unknown course")
    checker.assert_no_drift()


def test_an_unknown_course_under_a_nested_url_names_the_outer_slug(learner):
    response = client_for(learner).get(f"{API}/courses/nope/skills/s1/")

    assert error_of(response, 404)["fields"] == {"slug": ["No such course: 'nope'."]}


def test_a_page_past_the_last_is_a_documented_404_naming_page(learner, checker):
    response = client_for(learner).get(f"{API}/classrooms/", {"page": 99})

    assert error_of(response, 404)["fields"] == {"page": ["There are 1 pages."]}
    checker.check(response, "page 99")
    checker.assert_no_drift()


def test_a_wrong_method_is_a_json_405_with_allow(learner, checker):
    response = client_for(learner).delete(f"{API}/me/teacher-request/")

    error = error_of(response, 405)
    assert error == {"code": "method_not_allowed", "message": error["message"], "fields": {}}
    assert error["message"] == 'Method "DELETE" not allowed.'
    assert response["Allow"] == "POST, OPTIONS"


def test_an_oversized_json_body_is_a_413_naming_the_limit(learner, teacher, checker):
    body = json.dumps({"title": "x" * (6 * 1024 * 1024)})
    course = CourseFactory(created_by=teacher, slug="big")

    response = client_for(teacher).patch(
        f"{API}/courses/{course.slug}/", body, content_type="application/json"
    )

    assert error_of(response, 413) == {
        "code": "request_too_large",
        "message": "The request body is larger than the 2,621,440 bytes (2.5 MB) this API accepts.",
        "fields": {},
    }
    assert Course.objects.get(pk=course.pk).title == course.title
    checker.check(response, "6 MB")
    checker.assert_no_drift()


def test_a_multipart_import_of_several_megabytes_reaches_the_importer(teacher):
    # Over Django's 2.5 MB, under the import's 10 MB: the importer reads it (and refuses it as
    # JSON it cannot parse, naming the file), not the size limit.
    upload = ("x" * (6 * 1024 * 1024)).encode()

    response = client_for(teacher).post(
        f"{API}/courses/import/",
        {"file": SimpleUploadedFile("course.json", upload, "application/json")},
        format="multipart",
    )

    assert error_of(response, 400) == {
        "code": "import_failed",
        "message": "course.json was not imported: 1 problem. (line 1, column 1: Invalid JSON: "
        "Expecting value.)",
        "fields": {"line 1, column 1": ["Invalid JSON: Expecting value."]},
    }


def test_a_multipart_body_over_the_upload_limit_is_a_413(teacher):
    upload = b"x" * (12 * 1024 * 1024)

    response = client_for(teacher).post(
        f"{API}/courses/import/",
        {"file": SimpleUploadedFile("course.json", upload, "application/json")},
        format="multipart",
    )

    assert error_of(response, 413)["message"] == (
        "The request body is larger than the 11,534,336 bytes (11 MB) this API accepts."
    )


def test_malformed_json_is_a_400(learner, checker):
    response = client_for(learner).post(
        f"{API}/practice/answers/", "{not json", content_type="application/json"
    )

    error = error_of(response, 400)
    assert error["code"] == "parse_error"
    assert error["message"].startswith("JSON parse error")
    checker.check(response, "bad json")
    checker.assert_no_drift()


def test_a_suspicious_request_is_a_json_400(learner):
    # A Host header outside ALLOWED_HOSTS: Django's SuspiciousOperation, answered by handler400.
    response = client_for(learner).get(f"{API}/me/", HTTP_HOST="evil.example")

    assert error_of(response, 400) == {
        "code": "bad_request",
        "message": "The request is malformed and was refused.",
        "fields": {},
    }
    page = Client().get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.core.api_test_urls")
def test_a_crash_under_the_api_is_a_json_500():
    client = APIClient(raise_request_exception=False)

    response = client.get(f"{API}/test/crash/")

    assert error_of(response, 500) == {
        "code": "server_error",
        "message": "Something went wrong on our side; it has been logged.",
        "fields": {},
    }


def test_a_multipart_form_field_over_djangos_limit_is_a_413(teacher):
    # Under the multipart cap, but a form field (not a file) over DATA_UPLOAD_MAX_MEMORY_SIZE:
    # Django's parser raises RequestDataTooBig, which handler400 answers as a 413.
    response = client_for(teacher).post(
        f"{API}/courses/import/",
        {"course": "x" * (3 * 1024 * 1024)},
        format="multipart",
    )

    assert error_of(response, 413) == {
        "code": "request_too_large",
        "message": "The request body is larger than the 2,621,440 bytes (2.5 MB) this API accepts.",
        "fields": {},
    }
