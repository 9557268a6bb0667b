"""The learner's home: per course, what to do next and why, reviews due, and progress.

One query for the courses, one for all the learner's mastery rows, one for their abilities,
then a few small ones per course (lessons read, recent items inside ``learner_view``, the
pending item, the answers per day of the last year for the streak): the cost
grows with the learner's courses, never with other learners or the length of their history.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum.models import Course
from apps.curriculum.selectors import course_list_for
from apps.recommendations import pending
from apps.recommendations.activity import activity_view
from apps.recommendations.engine.policy import due_reviews
from apps.recommendations.learner_state import learner_view
from apps.recommendations.mastery_states import SkillCell, classify
from apps.recommendations.models import LearnerAbility, SkillMastery
from apps.recommendations.motivation import Motivation, motivation_for
from apps.recommendations.results import ActivityView
from apps.recommendations.snapshot import course_snapshot


@dataclass(frozen=True)
class DueSkill:
    slug: str
    name: str
    last_practised_at: datetime | None
    retrievability: float | None


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    next: ActivityView
    due: list[DueSkill]
    cells: list[SkillCell]
    threshold: float
    motivation: Motivation

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def mastered(self) -> int:
        return sum(cell.state == "mastered" for cell in self.cells)

    @property
    def percent(self) -> int:
        return round(100 * self.mastered / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return any(cell.attempts for cell in self.cells)

    def count(self, state: str) -> int:
        return sum(cell.state == state for cell in self.cells)

    @property
    def in_progress(self) -> int:
        return self.count("learning")

    @property
    def ready(self) -> int:
        return self.count("not_started")

    @property
    def locked(self) -> int:
        return self.count("locked")


def learner_home(*, learner: User, now: datetime | None = None) -> list[CourseProgress]:
    now = now or timezone.now()
    courses = list(course_list_for(user=learner))
    rows: dict[int, dict[int, SkillMastery]] = defaultdict(dict)
    for row in SkillMastery.objects.filter(learner=learner, course_id__in=[c.pk for c in courses]):
        rows[row.course_id][row.skill_id] = row
    thetas = dict(LearnerAbility.objects.filter(learner=learner).values_list("course_id", "theta"))
    progress = []
    for course in courses:
        snapshot = course_snapshot(course)
        view = learner_view(
            learner=learner,
            snapshot=snapshot,
            now=now,
            rows=rows[course.pk],
            theta=thetas.get(course.pk, 0.0),
        )
        # What practice presents: the pending item if there is one, so "next up" here is the
        # question the practice page shows.
        recommendation = pending.current_activity(learner=learner, snapshot=snapshot, view=view)
        progress.append(
            CourseProgress(
                course=course,
                next=activity_view(snapshot, recommendation),
                due=[
                    DueSkill(
                        skill.slug, skill.name, status.last_practised_at, status.retrievability
                    )
                    for skill, status in due_reviews(snapshot, view)
                ],
                cells=classify(snapshot, rows[course.pk], now),
                threshold=snapshot.policy.mastery_threshold,
                motivation=motivation_for(learner=learner, course=course, now=now),
            )
        )
    return progress
