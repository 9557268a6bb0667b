"""The class overview: every learner of a classroom against every skill of a course (the
teacher's heatmap page and the class mastery API read it).

Two queries whatever the class size (its learners, then the mastery rows in the course of
those not cached: see ``class_grid``); the course graph comes from the cached snapshot.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from apps.accounts.models import Classroom, User
from apps.curriculum.models import Course
from apps.recommendations.class_grid import LearnerCells, class_cells
from apps.recommendations.engine.course import CourseSnapshot
from apps.recommendations.engine.mastery import shown_percent
from apps.recommendations.mastery_states import SkillCell
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
    values: LearnerCells  # the cells as cached; ``cells`` builds them when asked
    skill_order: tuple[int, ...]
    stuck_on: tuple[tuple[str, int, int], ...]  # (skill name, answers, percent) when stuck

    @cached_property
    def cells(self) -> list[SkillCell]:
        """The cells in course order. Built on first use: a page shows a fraction of a big
        class's rows, and building 6,000 cells it does not show cost more than the page."""
        return self.values.cells(self.skill_order)

    @property
    def mastered(self) -> int:
        return self.values.mastered

    @property
    def wheel_spinning(self) -> int:
        return self.values.stuck

    @property
    def attempts_unmastered(self) -> int:
        return self.values.attempts_unmastered

    @property
    def mean_p_known(self) -> float:
        return self.values.mean_p_known

    @property
    def last_practised_at(self) -> datetime | None:
        return self.values.latest_practice

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
    not_started: int = 0  # no answer yet and not mastered (placement masters without one)


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
    snapshot = course_snapshot(course)
    order = snapshot.skill_order
    grid = class_cells(classroom=classroom, course=course, snapshot=snapshot, now=now)
    return [(learner, values.cells(order)) for learner, values in grid]


def _row(snapshot: CourseSnapshot, learner: User, values: LearnerCells) -> HeatmapRow:
    order = tuple(snapshot.skill_order)
    stuck_on = tuple(
        (snapshot.skills[skill_id].name, attempts, shown_percent(p))
        for skill_id, attempts, p, stuck in zip(
            order, values.attempts, values.p_known, values.wheel_spinning, strict=True
        )
        if stuck
    )
    return HeatmapRow(learner=learner, values=values, skill_order=order, stuck_on=stuck_on)


def _columns(snapshot: CourseSnapshot, rows: list[HeatmapRow]) -> list[SkillColumn]:
    """Each skill's counts over the class, with numpy over the rows' cached tuples."""
    size, width = len(rows), len(snapshot.skill_order)
    states = np.array([row.values.states for row in rows], dtype=object).reshape(size, width)
    attempts = np.array([row.values.attempts for row in rows], dtype=np.int64).reshape(size, width)
    stuck = np.array([row.values.wheel_spinning for row in rows], dtype=bool).reshape(size, width)
    p_known = np.array([row.values.p_known for row in rows], dtype=float).reshape(size, width)
    mastered = states == "mastered"
    due = states == "needs_review"
    started = attempts > 0
    mastered_n, started_n = mastered.sum(axis=0), started.sum(axis=0)
    not_learnt = (started & ~mastered & ~due).sum(axis=0)
    not_started = (~started & ~mastered & ~due).sum(axis=0)
    columns = []
    for index, skill_id in enumerate(snapshot.skill_order):
        skill = snapshot.skills[skill_id]
        columns.append(
            SkillColumn(
                skill_id=skill_id,
                slug=skill.slug,
                name=skill.name,
                started=int(started_n[index]),
                mastered=int(mastered_n[index]),
                wheel_spinning=int(stuck[:, index].sum()),
                mean_p_known=float(p_known[:, index].sum()) / size if size else 0.0,
                flagged=size > 0
                and started_n[index] >= CLASS_FLAG_SHARE * size
                and mastered_n[index] < CLASS_FLAG_SHARE * size,
                not_learnt=int(not_learnt[index]),
                due_review=int(due[:, index].sum()),
                not_started=int(not_started[index]),
            )
        )
    return columns


def class_heatmap(
    *, classroom: Classroom, course: Course, sort: str = DEFAULT_SORT, now: datetime | None = None
) -> Heatmap:
    snapshot = course_snapshot(course)
    grid = class_cells(classroom=classroom, course=course, snapshot=snapshot, now=now)
    rows = [_row(snapshot, learner, values) for learner, values in grid]
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
