"""The learner home and the class heatmap cost the same number of queries for 5 learners as
for 50: nothing is fetched per learner."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Enrollment, Role, User
from apps.recommendations.models import SkillMastery
from apps.recommendations.services.answers import answer_submit
from tests.dashboards.conftest import logged_in

pytestmark = pytest.mark.django_db

# Session + user (2), then the page's own reads. Home: classes, courses, mastery rows,
# abilities, then per course (one here): lessons read, recent items, the pending item (latest
# log, last answer) and the answers per day (daily goal, streak). Heatmap: classroom, courses,
# learners, mastery rows.
HOME_MAX_QUERIES = 11
HEATMAP_MAX_QUERIES = 6


def add_learners(klass, count: int, first: int = 0) -> None:  # type: ignore[no-untyped-def]
    """``count`` more learners in the class, each with a row per skill and some stuck."""
    users = User.objects.bulk_create(
        User(username=f"bulk{n}", role=Role.LEARNER, password="!")
        for n in range(first, first + count)
    )
    Enrollment.objects.bulk_create(Enrollment(classroom=klass.classroom, learner=u) for u in users)
    now = timezone.now()
    SkillMastery.objects.bulk_create(
        SkillMastery(
            learner=user,
            skill=skill,
            course=klass.course,
            p_known=0.5,
            attempts=n + 1,
            last_practised_at=now,
            wheel_spinning=n % 2 == 0,
        )
        for n, user in enumerate(users)
        for skill in klass.course.skills.all()
    )


def grow_class(klass, size: int) -> None:  # type: ignore[no-untyped-def]
    """``size`` learners in the class in all (the fixture's own learner has answered twice)."""
    add_learners(klass, size - 1)
    item = klass.course.items.get(slug="s1-i1")
    for _ in range(2):
        answer_submit(learner=klass.learner, item_id=item.pk, answer="1", client_id=uuid.uuid4())


def count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm the course snapshot cache, as in production
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [5, 50])
def test_learner_home_queries_are_bounded(klass, size, django_assert_max_num_queries):
    grow_class(klass, size)
    client = logged_in(klass.learner)
    client.get(reverse("home"))
    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_heatmap_queries_are_bounded(klass, size, django_assert_max_num_queries):
    grow_class(klass, size)
    client = logged_in(klass.teacher)
    url = reverse("class-overview", args=[klass.classroom.pk])
    client.get(url)
    with django_assert_max_num_queries(HEATMAP_MAX_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("<tr data-learner=") == size


def test_the_counts_are_equal_for_5_and_50_learners(klass):
    pages = [
        (klass.learner, reverse("home")),
        (klass.teacher, reverse("class-overview", args=[klass.classroom.pk])),
        (klass.teacher, reverse("class-export", args=[klass.classroom.pk])),
        (klass.teacher, reverse("home")),
    ]
    grow_class(klass, 5)
    with_5 = [count(logged_in(user), url) for user, url in pages]
    add_learners(klass, 45, first=1000)
    with_50 = [count(logged_in(user), url) for user, url in pages]
    assert klass.classroom.enrollments.count() == 50
    assert with_5 == with_50
