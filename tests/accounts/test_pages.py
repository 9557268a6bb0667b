"""The account pages, driven through Django's test client the way a browser posts forms."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import Classroom, Enrollment, User
from tests.accounts.factories import PASSWORD, ClassroomFactory, LearnerFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_home_redirects_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_up_logs_the_new_learner_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "email": "",
            "password1": "plenty of words here",
            "password2": "plenty of words here",
            "role": "learner",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"].username == "noor"
    assert b"Join class" in response.content


def test_sign_up_with_mismatched_passwords_shows_the_error_and_creates_nothing(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "password1": "plenty of words here",
            "password2": "different words",
            "role": "learner",
        },
    )
    assert response.status_code == 400
    assert b"The two passwords differ." in response.content
    assert not User.objects.filter(username="noor").exists()


def test_sign_up_with_a_taken_name_or_weak_password(client):
    LearnerFactory(username="noor")
    response = client.post(
        reverse("signup"),
        {"username": "NOOR", "password1": "123", "password2": "123", "role": "learner"},
    )
    assert response.status_code == 400
    assert b"A user with that username already exists." in response.content
    assert b"This password is too short" in response.content
    assert User.objects.count() == 1


def test_log_in_and_out(client):
    user = LearnerFactory()
    page = client.get(reverse("login"))
    assert b'name="username"' in page.content
    assert b'for="id_password"' in page.content
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error(client):
    user = LearnerFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_password_change(client):
    user = LearnerFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")


def test_password_reset_by_email(client, eager_celery, django_capture_on_commit_callbacks):
    user = LearnerFactory(email="reset.me@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "reset.me@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset passphrase works", "new_password2": "reset passphrase works"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("reset passphrase works")


def test_learner_joins_a_class_from_the_home_page(client):
    classroom = ClassroomFactory()
    learner = LearnerFactory()
    client.force_login(learner)
    wrong = client.post(reverse("classroom-join"), {"code": "WRONG"})
    assert wrong.status_code == 400
    assert b"No classroom has this join code" in wrong.content
    ok = client.post(reverse("classroom-join"), {"code": classroom.join_code}, follow=True)
    assert f"You joined {classroom.name}".encode() in ok.content
    assert Enrollment.objects.filter(learner=learner, classroom=classroom).exists()


def test_teacher_creates_regenerates_and_closes_from_the_home_page(client):
    teacher = TeacherFactory()
    client.force_login(teacher)
    client.post(reverse("classroom-create"), {"name": "Year 7"})
    classroom = Classroom.objects.get(owner=teacher)
    old_code = classroom.join_code
    client.post(reverse("classroom-regenerate-code", args=[classroom.pk]))
    client.post(reverse("classroom-joining", args=[classroom.pk]), {"enabled": "0"})
    classroom.refresh_from_db()
    assert classroom.join_code != old_code
    assert classroom.join_enabled is False
    page = client.get(reverse("home"))
    assert classroom.join_code.encode() in page.content


def test_teacher_cannot_touch_another_teachers_classroom_and_learner_cannot_create(client):
    classroom = ClassroomFactory()
    client.force_login(TeacherFactory())
    code = classroom.join_code
    assert client.post(reverse("classroom-regenerate-code", args=[classroom.pk])).status_code == 404
    assert client.post(reverse("classroom-joining", args=[classroom.pk])).status_code == 404
    classroom.refresh_from_db()
    assert (classroom.join_code, classroom.join_enabled) == (code, True)
    client.force_login(LearnerFactory())
    assert client.post(reverse("classroom-create"), {"name": "Nope"}).status_code == 403
    assert not Classroom.objects.filter(name="Nope").exists()


def test_admin_site_lists_users_and_classrooms_with_search(client):
    from tests.accounts.factories import AdminFactory

    ClassroomFactory(name="Findable class")
    client.force_login(AdminFactory())
    users = client.get(
        reverse("admin:accounts_user_changelist"), {"q": "teacher", "role": "teacher"}
    )
    rooms = client.get(reverse("admin:accounts_classroom_changelist"), {"q": "Findable"})
    assert users.status_code == 200
    assert rooms.status_code == 200
    assert b"Findable class" in rooms.content


def test_admin_site_is_closed_to_teachers(client):
    client.force_login(TeacherFactory())
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
