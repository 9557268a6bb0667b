"""Who becomes a teacher: sign-up makes learners; an admin approves a request, or an invitation
makes a teacher directly, once."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import Classroom, Role, TeacherInvitation, TeacherRequest, User
from apps.core.exceptions import Conflict
from tests.accounts.factories import AdminFactory, LearnerFactory, TeacherFactory

pytestmark = pytest.mark.django_db

PASSPHRASE = "plenty of words here"


def browser_sign_up(client, username, **extra):  # type: ignore[no-untyped-def]
    data = {"username": username, "password1": PASSPHRASE, "password2": PASSPHRASE, **extra}
    return client.post(reverse("signup"), data)


def api_sign_up(api_client, username, **extra):  # type: ignore[no-untyped-def]
    return api_client.post(
        reverse("api-register"), {"username": username, "password": PASSPHRASE, **extra}
    )


def admin_action(client, action, requests):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("admin:accounts_teacherrequest_changelist"),
        {"action": action, "_selected_action": [r.pk for r in requests]},
    )


def test_browser_sign_up_asking_for_teacher_makes_a_learner_with_a_pending_request(client):
    # when
    response = browser_sign_up(client, "tara", request_teacher="on", teacher_note="Hill School")
    # then
    assert response.status_code == 302
    user = User.objects.get(username="tara")
    assert user.role == Role.LEARNER
    assert list(TeacherRequest.objects.values_list("user__username", "status", "note")) == [
        ("tara", "pending", "Hill School")
    ]


def test_browser_sign_up_posting_the_old_role_field_still_makes_a_learner(client):
    response = browser_sign_up(client, "ravi", role="teacher")
    assert response.status_code == 302
    assert User.objects.get(username="ravi").role == Role.LEARNER
    assert not TeacherRequest.objects.exists()


def test_api_sign_up_request_teacher_shows_pending_in_me(api_client):
    created = api_sign_up(api_client, "lena", request_teacher=True, teacher_note="Oak Primary")
    token = api_client.post(
        reverse("api-token"), {"username": "lena", "password": PASSPHRASE}
    ).json()["access"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    me = api_client.get(reverse("api-me"))
    assert created.status_code == 201
    assert (me.json()["role"], me.json()["teacher_request"]) == ("learner", "pending")


def test_a_learner_who_never_asked_has_no_request(as_user):
    assert as_user(LearnerFactory()).get(reverse("api-me")).json()["teacher_request"] is None


def test_a_pending_teacher_is_refused_teacher_endpoints(api_client, as_user):
    api_sign_up(api_client, "pat", role="teacher")
    client = as_user(User.objects.get(username="pat"))
    response = client.post(reverse("api-classrooms"), {"name": "Pat's class"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Classroom.objects.exists()


def test_admin_approves_in_the_admin_and_the_learner_becomes_a_teacher(client, as_user):
    # given
    learner = LearnerFactory()
    teacher_request = services.teacher_request_create(user=learner, note="Elm High")
    admin = AdminFactory()
    client.force_login(admin)
    # when
    pending = client.get(
        reverse("admin:accounts_teacherrequest_changelist"), {"status__exact": "pending"}
    )
    response = admin_action(client, "approve", [teacher_request])
    # then
    assert pending.status_code == 200
    assert learner.username.encode() in pending.content
    assert response.status_code == 302
    learner.refresh_from_db()
    teacher_request.refresh_from_db()
    assert learner.role == Role.TEACHER
    assert (teacher_request.status, teacher_request.decided_by) == ("approved", admin)
    api = as_user(learner)
    assert api.get(reverse("api-me")).json()["teacher_request"] == "approved"
    assert api.post(reverse("api-classrooms"), {"name": "Elm 7B"}).status_code == 201


def test_admin_declines_and_the_learner_stays_a_learner(client):
    learner = LearnerFactory()
    teacher_request = services.teacher_request_create(user=learner)
    client.force_login(AdminFactory())
    admin_action(client, "decline", [teacher_request])
    learner.refresh_from_db()
    teacher_request.refresh_from_db()
    assert (learner.role, teacher_request.status) == (Role.LEARNER, "declined")
    with pytest.raises(Conflict):
        services.teacher_request_approve(request=teacher_request, by=AdminFactory())
    learner.refresh_from_db()
    assert learner.role == Role.LEARNER


def test_teachers_cannot_reach_the_teacher_request_admin(client):
    teacher_request = services.teacher_request_create(user=LearnerFactory())
    client.force_login(TeacherFactory())
    response = admin_action(client, "approve", [teacher_request])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    teacher_request.refresh_from_db()
    assert teacher_request.status == "pending"


def test_asking_later_from_the_account_and_asking_twice_is_one_request(as_user):
    learner = LearnerFactory()
    client = as_user(learner)
    first = client.post(reverse("api-teacher-request"), {"note": "Ash Academy"})
    second = client.post(reverse("api-teacher-request"), {"note": "again"})
    assert (first.status_code, first.json()["status"]) == (201, "pending")
    assert second.json()["id"] == first.json()["id"]
    assert TeacherRequest.objects.filter(user=learner).count() == 1


def test_asking_later_from_the_account_page(client):
    learner = LearnerFactory()
    client.force_login(learner)
    assert client.get(reverse("teacher-request")).status_code == 200
    response = client.post(reverse("teacher-request"), {"note": "Birch School"}, follow=True)
    assert b"waiting for an administrator" in response.content
    assert TeacherRequest.objects.get(user=learner).note == "Birch School"


def test_a_teacher_asking_is_a_400_naming_the_field(as_user):
    response = as_user(TeacherFactory()).post(reverse("api-teacher-request"), {})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["request_teacher"]
    assert not TeacherRequest.objects.exists()


def _invite_in_admin(client, email):  # type: ignore[no-untyped-def]
    client.force_login(AdminFactory())
    response = client.post(
        reverse("admin:accounts_teacherinvitation_add"),
        {"email": email, "valid_days": 7},
        follow=True,
    )
    client.logout()
    text = " ".join(str(m) for m in response.context["messages"])
    return re.search(r"invitation=([\w-]+)", text).group(1)


def test_an_admin_invitation_signs_a_teacher_up_once(client, api_client):
    # given
    token = _invite_in_admin(client, "New.Teacher@School.example")
    invitation = TeacherInvitation.objects.get()
    assert token not in invitation.token_hash  # only the hash is stored
    # when
    page = client.get(reverse("signup"), {"invitation": token})
    signed_up = browser_sign_up(client, "newteacher", invitation=token)
    client.logout()
    reused_browser = browser_sign_up(client, "second", invitation=token)
    reused_api = api_sign_up(api_client, "third", invitation=token)
    # then
    assert b"teacher account" in page.content
    assert signed_up.status_code == 302
    teacher = User.objects.get(username="newteacher")
    assert (teacher.role, teacher.email) == (Role.TEACHER, "new.teacher@school.example")
    invitation.refresh_from_db()
    assert invitation.used_by == teacher
    assert reused_browser.status_code == 400
    assert b"already been used" in reused_browser.content
    assert reused_api.status_code == 400
    assert list(reused_api.json()["error"]["fields"]) == ["invitation"]
    assert not User.objects.filter(username__in=["second", "third"]).exists()


def test_an_api_sign_up_with_an_invitation_creates_a_teacher(api_client):
    issued = services.teacher_invitation_create(email="t@school.example", by=None)
    response = api_sign_up(api_client, "apiteacher", invitation=issued.token)
    assert response.status_code == 201
    assert (response.json()["role"], response.json()["email"]) == ("teacher", "t@school.example")


@pytest.mark.parametrize("kind", ["expired", "unknown"])
def test_expired_or_unknown_invitations_are_a_400_naming_the_field(api_client, kind):
    issued = services.teacher_invitation_create(email="t@school.example", by=None)
    if kind == "expired":
        TeacherInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    token = issued.token if kind == "expired" else "not-a-real-token"
    response = api_sign_up(api_client, "late", invitation=token)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["invitation"]
    assert not User.objects.filter(username="late").exists()
