"""A class with a course assigned, as the dashboard tests need it."""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Classroom, User
from apps.curriculum import services as curriculum_services
from apps.curriculum.models import Course
from tests.accounts.factories import ClassroomFactory, EnrollmentFactory, LearnerFactory
from tests.recommendations.builders import chain_course


@dataclass
class Class:
    course: Course
    classroom: Classroom
    teacher: User
    learner: User


@pytest.fixture
def klass(db) -> Class:  # type: ignore[no-untyped-def]
    """A private three-skill course assigned to a classroom with one learner in it."""
    course = chain_course(slug="fractions", skills=3, items_per_skill=5, public=False)
    classroom = ClassroomFactory(name="Year 7")
    curriculum_services.classroom_assign_course(classroom=classroom, course=course)
    learner = LearnerFactory(username="ada")
    EnrollmentFactory(classroom=classroom, learner=learner)
    return Class(course, classroom, classroom.owner, learner)


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_item(html: str) -> tuple[int, str]:
    """The item id and its slug from a rendered question form."""
    item_id = re.search(r'name="item" value="(\d+)"', html)
    slug = re.search(r'data-item-slug="([\w-]+)"', html)
    assert item_id, "no question on the page"
    assert slug, "no question on the page"
    return int(item_id.group(1)), slug.group(1)


def right_answer(slug: str) -> str:
    """The builders' numeric items are answered by the digit after '-i' in their slug."""
    return slug.split("-i")[1]


def post_answer(client: Client, course: Course, html: str, *, right: bool = True, **extra):  # type: ignore[no-untyped-def]
    item_id, slug = shown_item(html)
    client_id = re.search(r'name="client_id" value="([\w-]+)"', html).group(1)  # type: ignore[union-attr]
    data = {
        "item": item_id,
        "client_id": client_id,
        "answer": right_answer(slug) if right else "99",
        **extra,
    }
    return client.post(reverse("practice-answer", args=[course.slug]), data)


def practise_until_mastered(client: Client, course: Course, limit: int = 20) -> int:
    """Answer right until a skill is mastered; returns the number of answers it took."""
    page = client.get(reverse("practice", args=[course.slug])).content.decode()
    for n in range(1, limit + 1):
        feedback = post_answer(client, course, page).content.decode()
        if "You mastered" in feedback:
            return n
        nxt = re.search(r'<a class="button" href="([^"]+)"[^>]*>Continue</a>', feedback)
        assert nxt, "no Continue link on the feedback"
        page = client.get(nxt.group(1).replace("&amp;", "&")).content.decode()
    raise AssertionError("no skill mastered")


def fresh_uuid() -> str:
    return str(uuid.uuid4())
