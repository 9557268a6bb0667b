"""Point 7, "teachers see who left": leaving, being removed and being erased all show on the
classroom's page under "Left the class", with the date."""

import pytest
from django.utils import timezone

from apps.accounts.models import Enrollment
from apps.privacy.models import AuditSource, ClassroomDeparture
from apps.privacy.services.erasure import learner_erase
from tests.accounts.factories import ClassroomFactory, EnrollmentFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def _detail(client, classroom) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/classrooms/{classroom.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_learner_leaves_and_the_teacher_sees_it(client, learner, teacher, enrolled):
    learner.display_name = "Ada Lovelace"
    learner.save(update_fields=["display_name"])
    classroom = enrolled.classroom
    client.force_login(learner)
    home = client.get("/").content.decode()
    assert f'action="/classrooms/{classroom.pk}/leave/"' in home

    response = client.post(f"/classrooms/{classroom.pk}/leave/")

    assert response.status_code == 302
    assert not Enrollment.objects.filter(learner=learner).exists()
    departure = ClassroomDeparture.objects.get()
    assert (departure.reason, departure.learner, departure.removed_by) == ("left", learner, None)
    client.force_login(teacher)
    page = _detail(client, classroom)
    assert "Left the class (1)" in page
    assert "Ada Lovelace" in page
    assert f"left the class · {timezone.now():%-d %b %Y}" in page


def test_a_teacher_removes_a_learner(client, learner, teacher, enrolled):
    classroom = enrolled.classroom
    client.force_login(teacher)
    url = f"/classrooms/{classroom.pk}/learners/{learner.pk}/remove/"
    # The class page links to a confirmation page, whose form posts the removal.
    assert f'href="{url}confirm/"' in _detail(client, classroom)
    assert f'action="{url}"' in client.get(f"{url}confirm/").content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assert not Enrollment.objects.filter(learner=learner).exists()
    departure = ClassroomDeparture.objects.get()
    assert (departure.reason, departure.removed_by) == ("removed", teacher)
    assert "removed by the teacher" in _detail(client, classroom)


def test_an_erased_learner_shows_as_left_without_a_name(client, learner, teacher, enrolled):
    learner.display_name = "Ada Lovelace"
    learner.save(update_fields=["display_name"])
    learner_erase(learner=learner, actor=learner, source=AuditSource.WEB)
    client.force_login(teacher)
    page = _detail(client, enrolled.classroom)
    assert "An erased learner" in page
    assert "deleted their account" in page
    assert "Ada Lovelace" not in page
    assert learner.username not in page


def test_nobody_else_removes_or_leaves(client, learner, enrolled):
    classroom = enrolled.classroom
    url = f"/classrooms/{classroom.pk}/learners/{learner.pk}/remove/"
    other_teacher = TeacherFactory()
    client.force_login(other_teacher)
    assert client.post(url).status_code == 404
    client.force_login(learner)
    assert client.post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302  # to the login page
    assert client.post(f"/classrooms/{classroom.pk}/leave/").status_code == 302
    # a learner cannot "leave" a class they are not in (nor learn that it exists)
    elsewhere = ClassroomFactory()
    client.force_login(learner)
    assert client.post(f"/classrooms/{elsewhere.pk}/leave/").status_code == 404
    assert Enrollment.objects.filter(learner=learner, classroom=classroom).exists()
    assert ClassroomDeparture.objects.count() == 0


def test_an_admin_removes_a_learner_from_any_class(client, learner, admin_user, enrolled):
    client.force_login(admin_user)
    url = f"/classrooms/{enrolled.classroom.pk}/learners/{learner.pk}/remove/"
    assert client.post(url).status_code == 302
    assert ClassroomDeparture.objects.get().removed_by == admin_user


def test_removing_someone_not_in_the_class_is_a_404(client, teacher, classroom):
    stranger = EnrollmentFactory().learner
    client.force_login(teacher)
    response = client.post(f"/classrooms/{classroom.pk}/learners/{stranger.pk}/remove/")
    assert response.status_code == 404
    assert Enrollment.objects.filter(learner=stranger).exists()
    assert ClassroomDeparture.objects.count() == 0
