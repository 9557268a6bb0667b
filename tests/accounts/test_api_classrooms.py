import pytest
from django.urls import reverse

from apps.accounts.models import Classroom, Enrollment
from tests.accounts.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    LearnerFactory,
)
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two teachers with a classroom each; one learner in the first class, one outside."""
    mine = ClassroomFactory(name="Mine")
    theirs = ClassroomFactory(name="Theirs")
    inside = EnrollmentFactory(classroom=mine).learner
    return {
        "teacher": mine.owner,
        "other_teacher": theirs.owner,
        "mine": mine,
        "theirs": theirs,
        "inside": inside,
        "outside": LearnerFactory(),
        "admin": AdminFactory(),
    }


def names(response):
    return sorted(c["name"] for c in response.json()["results"])


def test_anonymous_gets_401_everywhere(world):
    client = client_for(None)
    pk = world["mine"].pk
    for method, url in [
        ("get", reverse("api-classrooms")),
        ("post", reverse("api-classrooms")),
        ("get", reverse("api-classroom", args=[pk])),
        ("patch", reverse("api-classroom", args=[pk])),
        ("post", reverse("api-classroom-join")),
        ("post", reverse("api-classroom-regenerate-code", args=[pk])),
        ("get", reverse("api-classroom-learners", args=[pk])),
    ]:
        assert getattr(client, method)(url, {}).status_code == 401, url


def test_list_is_scoped_by_role(world):
    url = reverse("api-classrooms")
    assert names(client_for(world["teacher"]).get(url)) == ["Mine"]
    assert names(client_for(world["inside"]).get(url)) == ["Mine"]
    assert names(client_for(world["outside"]).get(url)) == []
    assert names(client_for(world["admin"]).get(url)) == ["Mine", "Theirs"]


def test_learners_do_not_see_join_codes(world):
    url = reverse("api-classrooms")
    assert client_for(world["inside"]).get(url).json()["results"][0]["join_code"] is None
    assert (
        client_for(world["teacher"]).get(url).json()["results"][0]["join_code"]
        == world["mine"].join_code
    )


def test_teacher_creates_a_classroom_learner_cannot(world):
    url = reverse("api-classrooms")
    created = client_for(world["teacher"]).post(url, {"name": "New class"})
    refused = client_for(world["inside"]).post(url, {"name": "Sneaky"})
    assert created.status_code == 201
    assert created.json()["owner"] == world["teacher"].username
    assert created.json()["learner_count"] == 0
    assert refused.status_code == 403
    assert not Classroom.objects.filter(name="Sneaky").exists()


def test_create_with_a_blank_name_names_the_field(world):
    response = client_for(world["teacher"]).post(reverse("api-classrooms"), {"name": "  "})
    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


def test_detail_is_404_for_classrooms_you_cannot_see(world):
    url = reverse("api-classroom", args=[world["theirs"].pk])
    assert client_for(world["teacher"]).get(url).status_code == 404
    assert client_for(world["inside"]).get(url).status_code == 404
    assert client_for(world["admin"]).get(url).status_code == 200


def test_only_the_owner_or_an_admin_changes_a_classroom(world):
    url = reverse("api-classroom", args=[world["mine"].pk])
    denied_teacher = client_for(world["other_teacher"]).patch(url, {"name": "Hijacked"})
    denied_learner = client_for(world["inside"]).patch(url, {"name": "Hijacked"})
    owner = client_for(world["teacher"]).patch(url, {"join_enabled": False})
    admin = client_for(world["admin"]).patch(url, {"name": "Renamed"})
    assert (denied_teacher.status_code, denied_learner.status_code) == (404, 404)
    assert owner.status_code == 200
    assert owner.json()["join_enabled"] is False
    assert admin.status_code == 200
    assert admin.json()["name"] == "Renamed"


def test_regenerate_code(world):
    url = reverse("api-classroom-regenerate-code", args=[world["mine"].pk])
    old = world["mine"].join_code
    assert client_for(world["inside"]).post(url).status_code == 403
    assert client_for(world["other_teacher"]).post(url).status_code == 404
    world["mine"].refresh_from_db()
    assert world["mine"].join_code == old
    response = client_for(world["teacher"]).post(url)
    assert response.status_code == 200
    assert response.json()["join_code"] != old


def test_learner_joins_by_code(world):
    response = client_for(world["outside"]).post(
        reverse("api-classroom-join"), {"code": world["theirs"].join_code.lower()}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Theirs"
    assert Enrollment.objects.filter(learner=world["outside"], classroom=world["theirs"]).exists()


def test_join_with_a_wrong_code(world):
    response = client_for(world["outside"]).post(reverse("api-classroom-join"), {"code": "ZZZZ"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["code"]
    assert "code" in response.json()["error"]["message"]
    assert not Enrollment.objects.filter(learner=world["outside"]).exists()


def test_join_a_disabled_classroom(world):
    world["theirs"].join_enabled = False
    world["theirs"].save()
    response = client_for(world["outside"]).post(
        reverse("api-classroom-join"), {"code": world["theirs"].join_code}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "joining_disabled"
    assert not Enrollment.objects.filter(learner=world["outside"]).exists()


def test_teachers_cannot_use_join(world):
    response = client_for(world["teacher"]).post(
        reverse("api-classroom-join"), {"code": world["theirs"].join_code}
    )
    assert response.status_code == 403


def test_learner_list_for_teachers_only(world):
    url = reverse("api-classroom-learners", args=[world["mine"].pk])
    assert client_for(world["inside"]).get(url).status_code == 403
    assert client_for(world["other_teacher"]).get(url).status_code == 404
    response = client_for(world["teacher"]).get(url)
    assert [u["username"] for u in response.json()["results"]] == [world["inside"].username]
