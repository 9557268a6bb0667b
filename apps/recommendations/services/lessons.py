from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum.models import Lesson
from apps.recommendations.models import LessonView


def lesson_mark_read(*, learner: User, lesson: Lesson) -> LessonView:
    """Record that the learner opened the lesson: the first time, and the latest (a stuck
    learner sent back to it ends their run on the skill by reading it again)."""
    now = timezone.now()
    view, _ = LessonView.objects.update_or_create(
        learner=learner,
        lesson=lesson,
        defaults={"last_viewed_at": now},
        create_defaults={"first_viewed_at": now, "last_viewed_at": now},
    )
    return view
