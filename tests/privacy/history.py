"""A real learner history, made through the services the app uses: a placement test started
and answered once, practice answers, a lesson read."""

import uuid

from apps.accounts.models import User
from apps.curriculum.models import Course
from apps.recommendations.results import AttemptStep
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.services.lessons import lesson_mark_read
from apps.recommendations.services.placement import placement_finish, placement_start


def learner_history(*, learner: User, course: Course, answers: int) -> None:
    attempt, step = placement_start(learner=learner, course=course)
    assert isinstance(step, AttemptStep)
    assert step.item is not None
    answer_submit(
        learner=learner,
        item_id=step.item["id"],
        answer="0",
        client_id=uuid.uuid4(),
        attempt_id=attempt.pk,
    )
    placement_finish(learner=learner, attempt=attempt)
    items = list(course.items.order_by("id").values_list("id", flat=True))
    for n in range(answers):
        answer_submit(
            learner=learner,
            item_id=items[n % len(items)],
            answer=str(n % 4),
            client_id=uuid.uuid4(),
        )
    lesson = course.lessons.first()
    if lesson is not None:
        lesson_mark_read(learner=learner, lesson=lesson)
