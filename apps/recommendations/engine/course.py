"""The course as the adaptive loop sees it: skills, prerequisites, BKT parameters, published
items with their keys, lessons and the policy, in one immutable object. Pure data: it is built
from the database (and cached) by ``apps.recommendations.snapshot``.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apps.recommendations.engine.bkt import BktParams, item_guess_floor
from apps.recommendations.engine.mastery import MasteryPolicy

if TYPE_CHECKING:  # grading is pure Python too; the engine only carries the key along
    from apps.assessments.grading import AnswerKey
    from apps.recommendations.engine.learner_model import LearnerModelParams

DEFAULT_BKT = BktParams(prior=0.2, learn=0.15, guess=0.2, slip=0.1, forget=0.0)


@dataclass(frozen=True, slots=True)
class PolicyValues:
    """A course's policy settings (admin: Course policies), with their defaults."""

    mastery_threshold: float = 0.95
    min_correct_answers: int = 3
    min_retrievability: float = 0.8
    desired_retention: float = 0.9
    wheel_spinning_attempts: int = 10
    max_in_a_row: int = 6
    step_away_answers: int = 8
    target_success: float = 0.7
    recent_items: int = 8
    placement_max_items: int = 30
    placement_target_se: float = 0.4
    daily_goal: int = 10  # answers a day; 0: none shown
    show_streak: bool = True

    @property
    def mastery(self) -> MasteryPolicy:
        """The mastery rules with this course's thresholds."""
        return MasteryPolicy(
            p_known_threshold=self.mastery_threshold,
            min_correct=self.min_correct_answers,
            min_retrievability=self.min_retrievability,
        )

    def is_learnt(self, p_known: float, right_streak: float, credited: bool) -> bool:
        return self.mastery.is_learnt(p_known, right_streak, credited)

    def describe(self) -> str:
        """The rules in plain words, as teachers are shown them."""
        return (
            f"{self.mastery.describe()} Stuck: {self.wheel_spinning_attempts} answers on a skill "
            f"without mastering it; practice then steps away from it for "
            f"{self.step_away_answers} answers. No skill is given more than {self.max_in_a_row} "
            "times in a row without being mastered."
        )

    @property
    def history_window(self) -> int:
        """How many recent answers the policy reads: enough to exclude recent items, to count
        a run on one skill and to see whether a stuck skill has rested long enough."""
        return max(self.recent_items, self.max_in_a_row + self.step_away_answers + 1)


@dataclass(frozen=True, slots=True)
class SkillNode:
    id: int
    slug: str
    name: str
    position: int
    prerequisite_ids: tuple[int, ...]
    params: BktParams
    lesson_ids: tuple[int, ...]
    item_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ItemNode:
    id: int
    slug: str
    type: str
    skill_ids: tuple[int, ...]
    a: float
    b: float
    c: float
    key: "AnswerKey"
    explanation_html: str
    learner_view: dict[str, Any]  # exactly what a learner may see of the question

    @property
    def guess_floor(self) -> float:
        """The chance of a right answer by guessing (``bkt.item_guess_floor``)."""
        return item_guess_floor(self.c, len(self.learner_view.get("choices") or ()))


@dataclass(frozen=True, slots=True)
class LessonNode:
    id: int
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class CourseSnapshot:
    course_id: int
    slug: str
    title: str
    version: int
    policy: PolicyValues
    skills: dict[int, SkillNode]
    skill_order: tuple[int, ...]  # prerequisites first
    items: dict[int, ItemNode]
    lessons: dict[int, LessonNode]
    dependents: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # The fitted next-answer predictor (``engine.success``); None until the nightly run fits one.
    learner_model: "LearnerModelParams | None" = None

    def ancestors(self, skill_id: int) -> list[int]:
        """Everything ``skill_id`` builds on, directly or not, in course order."""
        found: set[int] = set()
        stack = list(self.skills[skill_id].prerequisite_ids)
        while stack:
            current = stack.pop()
            if current not in found and current in self.skills:
                found.add(current)
                stack.extend(self.skills[current].prerequisite_ids)
        return [s for s in self.skill_order if s in found]

    def prerequisite_columns(self) -> list[list[int]]:
        """Each skill's prerequisites as indices into ``skill_order`` (for the vectorised
        mastery rules)."""
        column = {skill_id: j for j, skill_id in enumerate(self.skill_order)}
        return [[column[p] for p in self.skills[s].prerequisite_ids] for s in self.skill_order]
