"""The class overview: every learner of a classroom against every skill of a course (the
teacher's heatmap page and the class mastery API read it).

Two queries whatever the class size (its learners, then all their mastery rows in the course);
the course graph comes from the cached snapshot.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from apps.accounts.models import Classroom, User
from apps.accounts.selectors import classroom_learners
from apps.curriculum.models import Course
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.mastery_states import (
    MasteryRow,
    SkillCell,
    classify_many,
    mastery_rows_of,
)
from apps.recommendations.models import SkillMastery
from apps.recommendations.snapshot import course_snapshot

SORTS = {
    "stuck": "most stuck first",
    "progress": "fewest skills mastered first",
    "name": "name",
}
DEFAULT_SORT = "stuck"
# A skill is flagged for the teacher when at least this share of the class has started it and
# less than this share has mastered it: "most of the class is working on it and not there yet".
# Skills nobody reached yet are not flagged; they are simply later in the course.
CLASS_FLAG_SHARE = 0.5


@dataclass(frozen=True)
class HeatmapRow:
    learner: User
    cells: list[SkillCell]
    mastered: int
    wheel_spinning: int
    attempts_unmastered: int  # answers spent on skills not mastered yet
    mean_p_known: float
    last_practised_at: datetime | None
    stuck_on: tuple[tuple[str, int, int], ...]  # (skill name, answers, percent) when stuck

    @property
    def stuck_key(self) -> tuple[int, int, float]:
        return (-self.wheel_spinning, -self.attempts_unmastered, self.mean_p_known)


@dataclass(frozen=True)
class SkillColumn:
    skill_id: int
    slug: str
    name: str
    started: int
    mastered: int
    wheel_spinning: int
    mean_p_known: float
    flagged: bool
    # Learners who started the skill and are neither there nor due ("not yet learnt"), and
    # learners who had mastered it and are due to review it: two different things to do.
    not_learnt: int = 0
    due_review: int = 0


@dataclass(frozen=True)
class Heatmap:
    course: Course
    snapshot: CourseSnapshot
    columns: list[SkillColumn]
    rows: list[HeatmapRow]
    sort: str

    @property
    def threshold(self) -> float:
        return self.snapshot.policy.mastery_threshold

    @property
    def flagged_skills(self) -> list[SkillColumn]:
        return [column for column in self.columns if column.flagged]

    @property
    def not_yet_learnt(self) -> list[SkillColumn]:
        """Skills some learners started and have not learnt: most learners first, then the
        class furthest from mastery (lowest mean), then course order."""
        ranked = [c for c in self.columns if c.not_learnt]
        return sorted(ranked, key=lambda c: (-c.not_learnt, c.mean_p_known))

    @property
    def due_for_review(self) -> list[SkillColumn]:
        """Skills learners had mastered and should now review, most learners first."""
        ranked = [c for c in self.columns if c.due_review]
        return sorted(ranked, key=lambda c: (-c.due_review, c.mean_p_known))

    @property
    def wheel_spinning_rows(self) -> list[HeatmapRow]:
        return [row for row in self.rows if row.wheel_spinning]


def class_mastery_rows(
    *, classroom: Classroom, course: Course, now: datetime | None = None
) -> list[tuple[User, list[SkillCell]]]:
    """Each learner of the class with their cells in course order (learners by username)."""
    now = now or timezone.now()
    snapshot = course_snapshot(course)
    learners = list(classroom_learners(classroom=classroom))
    by_learner: dict[int, dict[int, MasteryRow]] = defaultdict(dict)
    rows = SkillMastery.objects.filter(course=course, learner__enrollments__classroom=classroom)
    for row in mastery_rows_of(rows):
        by_learner[row.learner_id][row.skill_id] = row
    cells = classify_many(snapshot, [by_learner[learner.pk] for learner in learners], now)
    return list(zip(learners, cells, strict=True))


def _row(snapshot: CourseSnapshot, learner: User, cells: list[SkillCell]) -> HeatmapRow:
    practised = [c.last_practised_at for c in cells if c.last_practised_at]
    return HeatmapRow(
        learner=learner,
        cells=cells,
        mastered=sum(c.state == "mastered" for c in cells),
        wheel_spinning=sum(c.wheel_spinning for c in cells),
        attempts_unmastered=sum(c.attempts for c in cells if c.state != "mastered"),
        mean_p_known=sum(c.p_known for c in cells) / len(cells) if cells else 0.0,
        last_practised_at=max(practised) if practised else None,
        stuck_on=tuple(
            (snapshot.skills[c.skill_id].name, c.attempts, c.percent)
            for c in cells
            if c.wheel_spinning
        ),
    )


def _columns(snapshot: CourseSnapshot, rows: list[HeatmapRow]) -> list[SkillColumn]:
    columns = []
    size = len(rows)
    for index, skill_id in enumerate(snapshot.skill_order):
        skill = snapshot.skills[skill_id]
        cells = [row.cells[index] for row in rows]
        started = sum(c.attempts > 0 for c in cells)
        mastered = sum(c.state == "mastered" for c in cells)
        due_review = sum(c.state == "needs_review" for c in cells)
        columns.append(
            SkillColumn(
                skill_id=skill_id,
                slug=skill.slug,
                name=skill.name,
                started=started,
                mastered=mastered,
                wheel_spinning=sum(c.wheel_spinning for c in cells),
                mean_p_known=sum(c.p_known for c in cells) / size if size else 0.0,
                flagged=size > 0
                and started >= CLASS_FLAG_SHARE * size
                and mastered < CLASS_FLAG_SHARE * size,
                not_learnt=sum(
                    c.attempts > 0 and c.state not in ("mastered", "needs_review") for c in cells
                ),
                due_review=due_review,
            )
        )
    return columns


def class_heatmap(
    *, classroom: Classroom, course: Course, sort: str = DEFAULT_SORT, now: datetime | None = None
) -> Heatmap:
    snapshot = course_snapshot(course)
    rows = [
        _row(snapshot, learner, cells)
        for learner, cells in class_mastery_rows(classroom=classroom, course=course, now=now)
    ]
    sort = sort if sort in SORTS else DEFAULT_SORT
    if sort == "stuck":
        rows.sort(key=lambda r: (*r.stuck_key, r.learner.username))
    elif sort == "progress":
        rows.sort(key=lambda r: (r.mastered, r.mean_p_known, r.learner.username))
    else:
        rows.sort(key=lambda r: r.learner.username.lower())
    return Heatmap(
        course=course, snapshot=snapshot, columns=_columns(snapshot, rows), rows=rows, sort=sort
    )
