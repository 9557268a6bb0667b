"""The departures through the API: a learner leaves, a teacher removes and lists who left."""

import pytest

from apps.accounts.models import Enrollment
from apps.privacy.models import ClassroomDeparture
from tests.accounts.factories import ClassroomFactory, TeacherFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_learner_leaves_through_the_api(learner, enrolled):
    response = client_for(learner).post(f"/api/v1/classrooms/{enrolled.classroom.pk}/leave/")
    assert response.status_code == 200
    assert response.json()["reason"] == "left"
    assert not Enrollment.objects.filter(learner=learner).exists()
    again = client_for(learner).post(f"/api/v1/classrooms/{enrolled.classroom.pk}/leave/")
    assert again.status_code == 404
    assert ClassroomDeparture.objects.count() == 1


def test_a_teacher_removes_and_lists_who_left(learner, teacher, enrolled):
    classroom = enrolled.classroom
    client = client_for(teacher)

    removed = client.post(f"/api/v1/classrooms/{classroom.pk}/learners/{learner.pk}/remove/")
    listing = client.get(f"/api/v1/classrooms/{classroom.pk}/departures/")

    assert removed.status_code == 200
    assert listing.status_code == 200
    [row] = listing.json()["results"]
    assert (row["learner_label"], row["reason"]) == (learner.shown_name, "removed")
    assert not Enrollment.objects.filter(learner=learner).exists()


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_teacher"])
def test_nobody_else_removes_a_learner_or_lists_departures(who, learner, enrolled):
    user = {"anonymous": None, "learner": learner, "other_teacher": TeacherFactory()}[who]
    classroom = enrolled.classroom
    client = client_for(user)
    remove = client.post(f"/api/v1/classrooms/{classroom.pk}/learners/{learner.pk}/remove/")
    listing = client.get(f"/api/v1/classrooms/{classroom.pk}/departures/")
    expected = {"anonymous": 401, "learner": 403, "other_teacher": 404}[who]
    assert (remove.status_code, listing.status_code) == (expected, expected)
    assert Enrollment.objects.filter(learner=learner, classroom=classroom).exists()
    assert ClassroomDeparture.objects.count() == 0


def test_a_teacher_cannot_leave_for_a_learner(teacher, learner, enrolled):
    response = client_for(teacher).post(f"/api/v1/classrooms/{enrolled.classroom.pk}/leave/")
    assert response.status_code == 403
    other = ClassroomFactory()
    assert client_for(learner).post(f"/api/v1/classrooms/{other.pk}/leave/").status_code == 404
    assert Enrollment.objects.filter(learner=learner).count() == 1
