"""Responses the schema fuzzer (tests/fuzz/run_fuzz.py, response_schema_conformance) found to
differ from the OpenAPI schema, each replayed with the test client and checked strictly."""

import pytest

from tests.accounts.factories import LearnerFactory, TeacherFactory
from tests.core.schema_validation import SchemaChecker
from tests.curriculum.factories import CourseFactory, LessonFactory, SkillFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def test_an_account_without_an_email_matches_the_schema():
    # given: e-mail is optional, so "" is a stored value, not an address
    learner = LearnerFactory(email="")
    checker = SchemaChecker()
    # when
    body = checker.check(client_for(learner).get("/api/v1/me/"))
    checker.check(client_for(learner).patch("/api/v1/me/", {"email": ""}, format="json"))
    # then
    assert body["email"] == ""
    checker.assert_no_drift()


def test_skills_and_lessons_outside_any_module_match_the_schema():
    # given: a learner's view (an author's lessons also carry `body`, documented in prose)
    course = CourseFactory()
    skill = SkillFactory(course=course, module=None)
    lesson = LessonFactory(course=course, module=None)
    client = client_for(LearnerFactory())
    checker = SchemaChecker()
    base = f"/api/v1/courses/{course.slug}"
    # when
    skills = checker.check(client.get(f"{base}/skills/"))
    checker.check(client.get(f"{base}/skills/{skill.slug}/"))
    checker.check(client.get(f"{base}/lessons/"))
    checker.check(client.get(f"{base}/lessons/{lesson.slug}/"))
    # then
    assert skills["results"][0]["module"] is None
    checker.assert_no_drift()


def test_the_course_authors_list_matches_the_schema():
    # given
    teacher = TeacherFactory()
    course = CourseFactory(created_by=teacher)
    checker = SchemaChecker()
    # when
    authors = checker.check(client_for(teacher).get(f"/api/v1/courses/{course.slug}/authors/"))
    # then
    assert [author["username"] for author in authors] == [teacher.username]
    checker.assert_no_drift()
