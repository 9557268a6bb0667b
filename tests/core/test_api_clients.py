"""What clients in the wild send: a POST without the trailing slash, and cross-origin calls."""

import json

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.curriculum.models import Course
from tests.curriculum.factories import CourseFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"
APP = "https://app.example.org"


def test_a_post_without_the_trailing_slash_is_served_with_its_body(learner):
    refresh = RefreshToken.for_user(learner)

    response = APIClient().post(f"{API}/auth/logout", {"refresh": str(refresh)}, format="json")

    assert response.status_code == 205
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).count() == 1


def test_a_patch_without_the_trailing_slash_writes(teacher):
    course = CourseFactory(created_by=teacher, slug="algebra")

    response = client_for(teacher).patch(
        f"{API}/courses/algebra", {"title": "Algebra II"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Course.objects.get(pk=course.pk).title == "Algebra II"


def test_a_get_without_the_trailing_slash_still_redirects_to_the_canonical_url(learner):
    response = client_for(learner).get(f"{API}/me")

    assert response.status_code == 301
    assert response["Location"] == f"{API}/me/"


def test_a_post_to_an_unknown_url_without_slash_is_a_json_404(learner):
    response = client_for(learner).post(f"{API}/nothing-here", {}, format="json")

    assert response.status_code == 404
    assert json.loads(response.content)["error"]["code"] == "not_found"


def preflight(path: str, origin: str):
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_a_preflight_from_an_allowed_origin_gets_the_cors_headers():
    response = preflight(f"{API}/practice/answers/", APP)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "if-none-match"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_an_api_answer_to_an_allowed_origin_exposes_the_headers_clients_read(learner):
    response = client_for(learner).get(f"{API}/me/", HTTP_ORIGIN=APP)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "X-Request-ID", "Deprecation", "Sunset"} <= exposed


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_another_origin_and_the_pages_get_no_cors_headers():
    other = preflight(f"{API}/practice/answers/", "https://evil.example")
    page = preflight("/accounts/login/", APP)

    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in page


def test_no_origin_is_allowed_by_default():
    response = preflight(f"{API}/practice/answers/", APP)

    assert "Access-Control-Allow-Origin" not in response
