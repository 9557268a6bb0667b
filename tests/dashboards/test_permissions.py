"""Every page x every role: anonymous -> login, wrong role -> 403, someone else's classroom,
course or attempt -> 404, and a denied POST changes nothing."""

import pytest
from django.urls import reverse

from apps.accounts.models import Classroom, Enrollment
from apps.assessments.models import Attempt, ItemResponse
from apps.recommendations.models import LessonView, SkillMastery
from apps.recommendations.services.placement import placement_start
from tests.accounts.factories import AdminFactory, LearnerFactory, TeacherFactory
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db

LEARNER_GETS = ["practice", "mastery-map", "placement-start", "placement", "history"]
TEACHER_GETS = [
    "classroom-detail",
    "class-overview",
    "class-learner",
    "class-export",
    "item-analysis",
]
LEARNER_POSTS = [
    "practice-answer",
    "lesson-read",
    "placement-start",
    "placement",
    "placement-finish",
    "classroom-join",
]
TEACHER_POSTS = [
    "classroom-create",
    "classroom-regenerate-code",
    "classroom-joining",
    "classroom-assign-course",
    "classroom-unassign-course",
]


@pytest.fixture
def world(klass):  # type: ignore[no-untyped-def]
    from apps.curriculum import services

    services.lesson_save(
        course=klass.course, slug="intro", title="Intro", body="Hello.", skills=["s1"]
    )
    attempt, _ = placement_start(learner=klass.learner, course=klass.course)
    item = klass.course.items.first()
    klass.urls = {
        "practice": reverse("practice", args=["fractions"]),
        "practice-answer": reverse("practice-answer", args=["fractions"]),
        "lesson-read": reverse("lesson-read", args=["fractions", "intro"]),
        "mastery-map": reverse("mastery-map", args=["fractions"]),
        "placement-start": reverse("placement-start", args=["fractions"]),
        "placement": reverse("placement", args=["fractions", attempt.pk]),
        "placement-finish": reverse("placement-finish", args=["fractions", attempt.pk]),
        "history": reverse("history"),
        "classroom-join": reverse("classroom-join"),
        "classroom-create": reverse("classroom-create"),
        "classroom-detail": reverse("classroom-detail", args=[klass.classroom.pk]),
        "classroom-regenerate-code": reverse(
            "classroom-regenerate-code", args=[klass.classroom.pk]
        ),
        "classroom-joining": reverse("classroom-joining", args=[klass.classroom.pk]),
        "classroom-assign-course": reverse("classroom-assign-course", args=[klass.classroom.pk]),
        "classroom-unassign-course": reverse(
            "classroom-unassign-course", args=[klass.classroom.pk, "fractions"]
        ),
        "class-overview": reverse("class-overview", args=[klass.classroom.pk]),
        "class-learner": reverse("class-learner", args=[klass.classroom.pk, klass.learner.pk]),
        "class-export": reverse("class-export", args=[klass.classroom.pk]),
        "item-analysis": reverse("item-analysis", args=["fractions"]),
    }
    klass.post_data = {
        "item": item.pk,
        "client_id": "6f1c2a7e-3b1d-4c55-9e0f-2a8d7c9b1e42",
        "answer": "0",
        "code": klass.classroom.join_code,
        "name": "Sneaky",
        "enabled": "0",
        "course": "fractions",
    }
    return klass


def state(world):  # type: ignore[no-untyped-def]
    """Everything a denied POST could have changed."""
    classroom = Classroom.objects.get(pk=world.classroom.pk)
    return (
        Classroom.objects.count(),
        classroom.join_code,
        classroom.join_enabled,
        list(classroom.courses.values_list("slug", flat=True)),
        Enrollment.objects.count(),
        ItemResponse.objects.count(),
        LessonView.objects.count(),
        SkillMastery.objects.count(),
        list(Attempt.objects.values_list("pk", "status", "n_answered")),
    )


@pytest.mark.parametrize("name", LEARNER_GETS + TEACHER_GETS + ["home"])
def test_anonymous_get_goes_to_login(world, client, name):
    url = world.urls.get(name, reverse("home"))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", LEARNER_POSTS + TEACHER_POSTS)
def test_anonymous_post_goes_to_login_and_changes_nothing(world, client, name):
    before = state(world)
    response = client.post(world.urls[name], world.post_data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert state(world) == before


@pytest.mark.parametrize("role", ["teacher", "admin"])
@pytest.mark.parametrize("name", LEARNER_GETS)
def test_learner_pages_refuse_other_roles(world, name, role):
    user = world.teacher if role == "teacher" else AdminFactory()
    assert logged_in(user).get(world.urls[name]).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "admin"])
@pytest.mark.parametrize("name", LEARNER_POSTS)
def test_learner_posts_refuse_other_roles_and_change_nothing(world, name, role):
    user = world.teacher if role == "teacher" else AdminFactory()
    before = state(world)
    assert logged_in(user).post(world.urls[name], world.post_data).status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("name", TEACHER_GETS)
def test_teacher_pages_refuse_learners(world, name):
    assert logged_in(world.learner).get(world.urls[name]).status_code == 403


@pytest.mark.parametrize("name", TEACHER_POSTS)
def test_teacher_posts_refuse_learners_and_change_nothing(world, name):
    before = state(world)
    assert logged_in(world.learner).post(world.urls[name], world.post_data).status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("name", [n for n in TEACHER_GETS if n != "item-analysis"])
def test_another_teachers_classroom_is_not_found(world, name):
    assert logged_in(TeacherFactory()).get(world.urls[name]).status_code == 404


@pytest.mark.parametrize("name", [n for n in TEACHER_POSTS if n != "classroom-create"])
def test_posts_to_another_teachers_classroom_are_not_found_and_change_nothing(world, name):
    before = state(world)
    response = logged_in(TeacherFactory()).post(world.urls[name], world.post_data)
    assert response.status_code == 404
    assert state(world) == before


@pytest.mark.parametrize("name", TEACHER_GETS)
def test_owner_and_admin_open_every_teacher_page(world, name):
    for user in (world.teacher, AdminFactory()):
        assert logged_in(user).get(world.urls[name]).status_code == 200, user.role


@pytest.mark.parametrize("name", LEARNER_GETS)
def test_the_learner_opens_their_own_pages(world, name):
    assert logged_in(world.learner).get(world.urls[name]).status_code == 200


@pytest.mark.parametrize("name", ["practice", "mastery-map", "placement-start", "placement"])
def test_a_learner_outside_the_class_cannot_open_its_private_course(world, name):
    assert logged_in(LearnerFactory()).get(world.urls[name]).status_code == 404


@pytest.mark.parametrize(
    "name", ["practice-answer", "lesson-read", "placement", "placement-finish"]
)
def test_posts_by_a_learner_outside_the_class_are_not_found_and_change_nothing(world, name):
    before = state(world)
    response = logged_in(LearnerFactory()).post(world.urls[name], world.post_data)
    assert response.status_code == 404
    assert state(world) == before


def test_a_classmate_cannot_open_or_finish_anothers_placement(world):
    classmate = LearnerFactory()
    Enrollment.objects.create(classroom=world.classroom, learner=classmate)
    before = state(world)
    client = logged_in(classmate)
    assert client.get(world.urls["placement"]).status_code == 404
    assert client.post(world.urls["placement-finish"]).status_code == 404
    assert client.post(world.urls["placement"], world.post_data).status_code == 404
    assert state(world) == before


def test_item_analysis_of_another_authors_draft_is_not_found(world):
    from apps.curriculum import services

    services.course_create(author=TeacherFactory(), slug="secret", title="Secret")
    assert (
        logged_in(world.teacher).get(reverse("item-analysis", args=["secret"])).status_code == 404
    )


def test_item_analysis_counts_only_the_teachers_own_learners(world):
    import uuid

    from apps.recommendations.services.answers import answer_submit
    from apps.web.teacher.item_analysis_page import item_analysis

    outsider = LearnerFactory()
    from apps.curriculum import services

    services.course_update(course=world.course, is_public=True)
    item = world.course.items.get(slug="s1-i0")
    for learner in (world.learner, outsider):
        answer_submit(learner=learner, item_id=item.pk, answer="0", client_id=uuid.uuid4())
    mine = item_analysis(user=world.teacher, course=world.course)
    everyone = item_analysis(user=AdminFactory(), course=world.course)
    assert (mine.learners, everyone.learners) == (1, 2)
    assert logged_in(TeacherFactory()).get(world.urls["item-analysis"]).status_code == 200
    other = item_analysis(user=TeacherFactory(), course=world.course)
    assert other.learners == 0


@pytest.mark.parametrize("role", ["learner", "teacher", "admin"])
def test_home_opens_for_every_role(world, role):
    user = {"learner": world.learner, "teacher": world.teacher, "admin": AdminFactory()}[role]
    assert logged_in(user).get(reverse("home")).status_code == 200
