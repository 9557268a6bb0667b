"""Usernames: NFKC, no invisible characters, Django's validator, unique case-insensitively."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.usernames import username_clean
from tests.accounts.factories import PASSWORD, AdminFactory, LearnerFactory

pytestmark = pytest.mark.django_db

REFUSED_NEXT_TO_LEARNER = ["ｌｅａｒｎｅｒ", "learner\u200b", "bad user <b>", "Learner", "LEARNER"]
SIGN_UP_PASSWORD = "a sturdy passphrase"


@pytest.mark.parametrize("username", REFUSED_NEXT_TO_LEARNER)
def test_sign_up_page_refuses_the_name_next_to_learner(client, username):
    # given
    LearnerFactory(username="learner")
    # when
    response = client.post(
        reverse("signup"),
        {
            "username": username,
            "password1": SIGN_UP_PASSWORD,
            "password2": SIGN_UP_PASSWORD,
            "role": "learner",
        },
    )
    # then
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["username"]
    assert list(User.objects.values_list("username", flat=True)) == ["learner"]


@pytest.mark.parametrize("username", REFUSED_NEXT_TO_LEARNER)
def test_register_api_refuses_the_name_next_to_learner(api_client, username):
    # given
    LearnerFactory(username="learner")
    # when
    response = api_client.post(
        reverse("api-register"), {"username": username, "password": SIGN_UP_PASSWORD}
    )
    # then
    assert response.status_code == 400
    body = response.json()["error"]
    assert list(body["fields"]) == ["username"]
    assert "username" in body["message"]
    assert list(User.objects.values_list("username", flat=True)) == ["learner"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("José", "José"), ("學生", "學生"), ("ｍｉａ", "mia"), ("  ana.b+c@x_y-z ", "ana.b+c@x_y-z")],
)
def test_valid_unicode_names_are_accepted_and_stored_nfkc(api_client, typed, stored):
    response = api_client.post(
        reverse("api-register"), {"username": typed, "password": SIGN_UP_PASSWORD}
    )
    assert response.status_code == 201
    assert response.json()["username"] == stored
    assert list(User.objects.values_list("username", flat=True)) == [stored]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("a\u200db", "invisible"),
        ("a\x07b", "invisible"),
        ("a b", "invalid"),
        ("x" * 151, "max_length"),
    ],
)
def test_username_clean_names_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as caught:
        username_clean(value)
    assert caught.value.code == code


def test_username_clean_lets_a_user_keep_their_own_name_when_renamed():
    user = LearnerFactory(username="learner")
    assert username_clean("Learner", exclude_pk=user.pk) == "Learner"
    with pytest.raises(ValidationError):
        username_clean("Learner")


def test_the_database_refuses_a_case_variant_inserted_directly():
    LearnerFactory(username="learner")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="LEARNER", password="!")])
    assert User.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's lower() folds ASCII letters only; .ci/run checks this on PostgreSQL",
)
def test_postgres_refuses_a_non_ascii_case_variant():
    services.user_create(username="josé", password=SIGN_UP_PASSWORD)
    with pytest.raises(ValidationError):
        username_clean("JOSÉ")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="JOSÉ", password="!")])


def test_create_user_and_createsuperuser_apply_the_rule():
    LearnerFactory(username="learner")
    with pytest.raises(ValidationError):
        User.objects.create_user("ｌｅａｒｎｅｒ", password=PASSWORD)
    assert User.objects.create_user("ｒｏｏｔ", password=PASSWORD).username == "root"
    call_command("createsuperuser", "--noinput", username="boss", email="b@example.com")
    assert User.objects.get(username="boss").is_superuser
    assert User.objects.count() == 3


@pytest.mark.parametrize("typed", ["learner", "Learner", "ｌｅａｒｎｅｒ", " learner "])
def test_login_page_accepts_the_stored_name_in_any_case(client, typed):
    LearnerFactory(username="learner")
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_token_api_accepts_a_case_variant(api_client):
    LearnerFactory(username="learner")
    response = api_client.post(reverse("api-token"), {"username": "LEARNER", "password": PASSWORD})
    assert response.status_code == 200
    assert "access" in response.json()


def test_admin_add_form_refuses_a_case_variant(client):
    # given
    client.force_login(AdminFactory())
    LearnerFactory(username="learner")
    # when
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "Learner",
            "password1": SIGN_UP_PASSWORD,
            "password2": SIGN_UP_PASSWORD,
            "usable_password": "true",
            "role": "learner",
        },
    )
    # then
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["username"]
    assert User.objects.filter(username__iexact="learner").count() == 1


def test_admin_change_form_refuses_renaming_to_a_case_variant(client):
    # given
    client.force_login(AdminFactory())
    LearnerFactory(username="learner")
    other = LearnerFactory(username="other")
    page = client.get(reverse("admin:accounts_user_change", args=[other.pk]))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key not in {"groups", "user_permissions", "password"}
    }
    # when
    response = client.post(
        reverse("admin:accounts_user_change", args=[other.pk]),
        {**data, "username": "LEARNER", "date_joined_0": "2026-01-01", "date_joined_1": "10:00"},
    )
    # then
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["username"]
    other.refresh_from_db()
    assert other.username == "other"
