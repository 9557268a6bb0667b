from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum.models import Lesson
from apps.recommendations.models import LessonView


def lesson_mark_read(*, learner: User, lesson: Lesson) -> LessonView:
    """Record that the learner opened the lesson (once); the policy then moves on to practice."""
    view, _ = LessonView.objects.get_or_create(
        learner=learner, lesson=lesson, defaults={"first_viewed_at": timezone.now()}
    )
    return view
