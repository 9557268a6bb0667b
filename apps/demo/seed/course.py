"""The demo course for `manage.py seed_demo`: Fractions, published, public, assigned to the demo
teacher's "Demo class". Idempotent: an existing course is left as it is, only re-published.

The JSON file is the course as authored; the demo adds its assessments here (a practice set, a
placement diagnostic and a short quiz) so the file stays a plain course and its own test's exact
shape holds.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from apps.accounts.models import Classroom, User
from apps.curriculum import services
from apps.curriculum.exchange import course_import
from apps.curriculum.models import Course, Status

DEMO_FILE = Path(__file__).resolve().parents[1] / "courses" / "fractions.json"
DEMO_SLUG = "fractions"
DEMO_TEACHER = "teacher"
DEMO_CLASSROOM = "Demo class"
QUIZ_MODULE = "m1-what-is-a-fraction"


def demo_assessments(course: dict[str, Any]) -> list[dict[str, Any]]:
    module_of = {skill["slug"]: skill["module"] for skill in course["skills"]}
    first_module = [
        item["slug"]
        for item in course["items"]
        if module_of[item["skills"][0]] == QUIZ_MODULE and item.get("status") == Status.PUBLISHED
    ]
    return [
        {
            # Empty item lists: practice and the diagnostic draw on every published item.
            "slug": "fractions-practice",
            "title": "Fractions practice",
            "kind": "practice",
            "items": [],
        },
        {
            "slug": "fractions-placement",
            "title": "Fractions placement test",
            "kind": "diagnostic",
            "items": [],
            "max_items": 15,
            "target_standard_error": 0.35,
        },
        {
            "slug": "what-is-a-fraction-quiz",
            "title": "Quiz: what is a fraction?",
            "kind": "quiz",
            "items": first_module[::4][:8],
        },
    ]


def _import_demo_course(author: User | None, log: Callable[[str], None]) -> Course:
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    document["course"].setdefault("assessments", demo_assessments(document["course"]))
    result = course_import(
        source_name=DEMO_FILE.name, content=json.dumps(document), author=author, publish=True
    )
    log(f"demo course: {result.summary()}")
    return result.course


@transaction.atomic
def seed(log: Callable[[str], None]) -> None:
    teacher = User.objects.filter(username=DEMO_TEACHER).first()
    course = Course.objects.filter(slug=DEMO_SLUG).first()
    if course is None:
        course = _import_demo_course(teacher, log)
    else:
        log(f"demo course: {DEMO_SLUG!r} is already there")
    services.course_update(course=course, status=Status.PUBLISHED, is_public=True)
    classrooms = Classroom.objects.filter(name=DEMO_CLASSROOM, owner__username=DEMO_TEACHER)
    for classroom in classrooms:
        services.classroom_assign_course(classroom=classroom, course=course)
    assigned = f", assigned to {DEMO_CLASSROOM!r}" if classrooms else ""
    log(f"demo course: {course.title!r} is published and public{assigned}")
