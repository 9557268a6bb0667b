"""Sign-up is one call: the 201 of POST /api/v1/auth/register/ carries the token pair."""

import pytest
from django.urls import reverse
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.accounts.models import TeacherRequest, User
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

PASSPHRASE = "a sturdy passphrase"


def test_register_returns_a_token_pair_that_works_at_once(api_client):
    # when
    response = api_client.post(
        reverse("api-register"), {"username": "noor", "password": PASSPHRASE}, format="json"
    )
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["username"] == "noor"
    assert body["role"] == "learner"
    user = User.objects.get(username="noor")
    assert user.last_login is not None
    assert OutstandingToken.objects.filter(user=user).count() == 1
    bearer = client_for(None)
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    me = bearer.get("/api/v1/me/")
    assert (me.status_code, me.json()["username"]) == (200, "noor")
    refreshed = client_for(None).post(
        "/api/v1/auth/token/refresh/", {"refresh": body["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200, refreshed.json()
    assert set(refreshed.json()) >= {"access", "refresh"}


def test_register_keeps_the_teacher_request_fields(api_client):
    response = api_client.post(
        reverse("api-register"),
        {
            "username": "ines",
            "password": PASSPHRASE,
            "request_teacher": True,
            "teacher_note": "Lycée Voltaire",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["role"] == "learner"
    assert body["teacher_request"] == "pending"
    assert body["access"]
    assert body["refresh"]
    assert TeacherRequest.objects.get(user__username="ines").note == "Lycée Voltaire"


@pytest.mark.parametrize("field", ["username", "password", "display_name", "teacher_note"])
def test_register_text_with_a_nul_byte_is_a_400_and_creates_nothing(api_client, field):
    payload = {"username": "omar", "password": PASSPHRASE}
    payload[field] = payload.get(field, "text") + "\x00"
    users, tokens = User.objects.count(), OutstandingToken.objects.count()
    response = api_client.post(reverse("api-register"), payload, format="json")
    assert response.status_code == 400, response.json()
    assert list(response.json()["error"]["fields"]) == [field]
    assert (User.objects.count(), OutstandingToken.objects.count()) == (users, tokens)


def test_the_schema_documents_the_token_pair(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/auth/register/"]["post"]
    ref = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"access", "refresh", "username", "teacher_request"} <= set(component["properties"])
    assert {"access", "refresh"} <= set(component["required"])
