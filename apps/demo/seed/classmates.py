"""Demo classmates for `manage.py seed_demo`: simulated learners with three weeks of practice
in the demo course, enrolled in the demo class, so the teacher's heatmap, drill-downs and item
analysis have something to show on a fresh `make run`. The demo `learner` account itself starts
with no answers, to try the practice loop from the beginning.

Idempotent: when the demo class already has its classmates, nothing is added.
"""

from collections.abc import Callable

from django.db import transaction

from apps.accounts.models import Classroom, Enrollment
from apps.curriculum.models import Course
from apps.demo.seed.course import DEMO_CLASSROOM, DEMO_SLUG, DEMO_TEACHER
from apps.demo.seed.recommendation_logs import recommendation_logs_seed
from apps.demo.simulation import simulate_learners

DEMO_CLASSMATES = 24
DEMO_DAYS = 21
DEMO_PREFIX = "demo"
DEMO_SEED = 2026  # the same classmates on every machine


def seed(log: Callable[[str], None]) -> None:
    course = Course.objects.filter(slug=DEMO_SLUG).first()
    classroom = Classroom.objects.filter(name=DEMO_CLASSROOM, owner__username=DEMO_TEACHER).first()
    if course is None or classroom is None:
        return
    stem = f"{DEMO_PREFIX}-{course.slug}-"
    if Enrollment.objects.filter(classroom=classroom, learner__username__startswith=stem).exists():
        log(f"demo classmates: already in {DEMO_CLASSROOM!r}")
        return
    with transaction.atomic():
        result = simulate_learners(
            course=course,
            learners=DEMO_CLASSMATES,
            days=DEMO_DAYS,
            seed=DEMO_SEED,
            prefix=DEMO_PREFIX,
            with_history=True,
        )
        Enrollment.objects.bulk_create(
            Enrollment(classroom=classroom, learner_id=learner_id)
            for learner_id in result.learner_ids
        )
        advice = recommendation_logs_seed(course=course, learner_ids=result.learner_ids)
    log(
        f"demo classmates: {result.learners} simulated learners with {result.responses} answers "
        f"and {advice} recommendations over {DEMO_DAYS} days, enrolled in {DEMO_CLASSROOM!r}"
    )
