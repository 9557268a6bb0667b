import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from apps.accounts.models import Role, User
from tests.accounts.factories import PASSWORD, LearnerFactory

pytestmark = pytest.mark.django_db


def obtain(client, username, password=PASSWORD):
    return client.post(reverse("api-token"), {"username": username, "password": password})


def test_register_creates_a_learner_and_returns_it(api_client):
    response = api_client.post(
        reverse("api-register"),
        {"username": "mia", "password": "a sturdy passphrase", "email": "Mia@Example.com"},
    )
    assert response.status_code == 201
    assert response.json()["username"] == "mia"
    assert response.json()["role"] == "learner"
    assert "password" not in response.json()
    assert User.objects.get(username="mia").email == "mia@example.com"


def test_register_as_teacher_files_a_request_and_never_makes_an_admin(api_client):
    ok = api_client.post(
        reverse("api-register"),
        {"username": "tom", "password": "a sturdy passphrase", "role": "teacher"},
    )
    refused = api_client.post(
        reverse("api-register"),
        {"username": "eve", "password": "a sturdy passphrase", "role": "admin"},
    )
    assert ok.status_code == 201
    assert (ok.json()["role"], ok.json()["teacher_request"]) == (Role.LEARNER, "pending")
    assert User.objects.get(username="tom").role == Role.LEARNER
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["role"]
    assert not User.objects.filter(username="eve").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": "a sturdy passphrase"}, "username"),
        ({"username": "x"}, "password"),
        ({"username": "x", "password": "short"}, "password"),
        ({"username": "x", "password": "a sturdy passphrase", "email": "not-an-email"}, "email"),
        ({"username": "x" * 151, "password": "a sturdy passphrase"}, "username"),
    ],
)
def test_register_bad_input_is_a_400_naming_the_field_and_creates_nothing(
    api_client, payload, field
):
    response = api_client.post(reverse("api-register"), payload)
    body = response.json()
    assert response.status_code == 400
    assert body["error"]["code"] == "validation_error"
    assert field in body["error"]["fields"]
    assert field in body["error"]["message"]
    assert User.objects.count() == 0


def test_register_non_json_body_is_a_400_not_a_500(api_client):
    response = api_client.generic(
        "POST", reverse("api-register"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_token_obtain_and_use(api_client):
    user = LearnerFactory()
    tokens = obtain(api_client, user.username).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = api_client.get(reverse("api-me"))
    assert me.status_code == 200
    assert me.json()["username"] == user.username


def test_token_obtain_with_a_wrong_password_is_401_in_the_common_shape(api_client):
    user = LearnerFactory()
    response = obtain(api_client, user.username, "wrong password")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"
    assert "access" not in response.json()


def test_refresh_rotates_and_blacklists_the_old_refresh_token(api_client):
    user = LearnerFactory()
    first = obtain(api_client, user.username).json()
    rotated = api_client.post(reverse("api-token-refresh"), {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    replay = api_client.post(reverse("api-token-refresh"), {"refresh": first["refresh"]})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "token_not_valid"
    again = api_client.post(reverse("api-token-refresh"), {"refresh": rotated.json()["refresh"]})
    assert again.status_code == 200


def test_logout_blacklists_the_refresh_token(api_client):
    user = LearnerFactory()
    tokens = obtain(api_client, user.username).json()
    out = api_client.post(reverse("api-logout"), {"refresh": tokens["refresh"]})
    assert out.status_code == 205
    after = api_client.post(reverse("api-token-refresh"), {"refresh": tokens["refresh"]})
    assert after.status_code == 401
    twice = api_client.post(reverse("api-logout"), {"refresh": tokens["refresh"]})
    assert twice.status_code == 400
    assert list(twice.json()["error"]["fields"]) == ["refresh"]


def test_logout_with_garbage_names_the_refresh_field(api_client):
    response = api_client.post(reverse("api-logout"), {"refresh": "garbage"})
    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["message"]


def test_me_requires_authentication(api_client):
    response = api_client.get(reverse("api-me"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_me_patch_updates_the_profile_and_a_shared_email_is_not_revealed(
    as_user, eager_celery, django_capture_on_commit_callbacks
):
    user = LearnerFactory()
    other = LearnerFactory()
    client = as_user(user)
    ok = client.patch(reverse("api-me"), {"display_name": "Ada L."})
    with django_capture_on_commit_callbacks(execute=True):
        shared = client.patch(reverse("api-me"), {"email": other.email.upper()})
    assert ok.status_code == 200
    assert ok.json()["display_name"] == "Ada L."
    # The same answer as for a fresh address; the address's owner is told by mail instead.
    assert (shared.status_code, shared.json()["email"]) == (200, other.email)
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert user.username in mail.outbox[0].body


def test_auth_endpoints_are_throttled(api_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    user = LearnerFactory()
    statuses = [obtain(api_client, user.username, "wrong").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    throttled = obtain(api_client, user.username)
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
