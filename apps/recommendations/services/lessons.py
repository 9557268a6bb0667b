from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum.models import Lesson
from apps.recommendations.learner_state import lessons_from_state
from apps.recommendations.models import LearnerAbility, LessonView
from apps.recommendations.services.locks import lock_ability
from apps.recommendations.state_row import lessons_json


@transaction.atomic
def lesson_mark_read(*, learner: User, lesson: Lesson) -> LessonView:
    """Record that the learner opened the lesson: the first time, and the latest (a stuck
    learner sent back to it ends their run on the skill by reading it again). The learner's
    state row in the course keeps the readings too, for the answer path."""
    now = timezone.now()
    state = lock_ability(learner, lesson.course_id)  # serialised with the learner's answers
    view, _ = LessonView.objects.update_or_create(
        learner=learner,
        lesson=lesson,
        defaults={"last_viewed_at": now},
        create_defaults={"first_viewed_at": now, "last_viewed_at": now},
    )
    # Not tracked yet: from the lesson views, this one included.
    readings = lessons_from_state(state.lessons_read, learner=learner, course_id=lesson.course_id)
    readings[lesson.pk] = now
    LearnerAbility.objects.filter(pk=state.pk).update(lessons_read=lessons_json(readings))
    return view
