"""One learner in one course, for their teacher: mastery over time per skill, flags, and the
reasons the system gave them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from apps.accounts.models import User
from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.answer_log import MasteryStep, mastery_steps
from apps.recommendations.engine.mastery import shown_percent
from apps.recommendations.models import LearnerAbility
from apps.recommendations.recommendation_history import (
    RecommendationShown,
    recommendation_history,
)
from apps.recommendations.selectors import SkillMasteryView, ability_for, skill_mastery_list
from apps.recommendations.snapshot import course_snapshot
from apps.web.charts import ChartPoint, mastery_line_chart_svg

REASONS_SHOWN = 20


@dataclass(frozen=True)
class SkillHistory:
    view: SkillMasteryView
    chart: SafeString | None  # None until the learner answered an item of the skill


@dataclass(frozen=True)
class LearnerDetail:
    learner: User
    course: Course
    threshold: float
    skills: list[SkillHistory]
    ability: LearnerAbility | None
    reasons: list[RecommendationShown]
    mean_difficulty: float = 0.0  # the course's average item difficulty (IRT b)

    @property
    def ability_words(self) -> str:
        """The ability estimate in plain words, against the course's average item."""
        if self.ability is None:
            return "not measured yet"
        return ability_in_words(
            self.ability.theta, self.ability.standard_error, self.mean_difficulty
        )

    @property
    def wheel_spinning(self) -> list[SkillMasteryView]:
        return [history.view for history in self.skills if history.view.wheel_spinning]

    @property
    def practised(self) -> list[SkillHistory]:
        return [history for history in self.skills if history.chart is not None]


def ability_in_words(theta: float, standard_error: float, mean_difficulty: float) -> str:
    """ "above the course's average item (estimate 0.8, give or take 0.3)". Within one
    standard error of the average it is "about", since the estimate cannot tell more."""
    gap = theta - mean_difficulty
    margin = max(standard_error, 0.1)
    where = "about at" if abs(gap) <= margin else ("above" if gap > 0 else "below")
    estimate = f"{theta:.1f}".replace("-", "−")
    return (
        f"{where} the course's average item (estimate {estimate}, "
        f"give or take {standard_error:.1f})"
    )


@dataclass(frozen=True, slots=True)
class _Point:
    """One answer's move of one skill, as the chart plots it."""

    step: MasteryStep
    answered_at: datetime
    correct: bool


def _point_label(number: int, point: _Point) -> str:
    when = date_format(timezone.localtime(point.answered_at), "DATETIME_FORMAT")
    verdict = "right" if point.correct else "wrong"
    before, after = shown_percent(point.step.before), shown_percent(point.step.after)
    return f"Answer {number}, {when}: {verdict}, {before}% → {after}%"


def _points_by_skill(
    learner: User, course: Course, skill_ids: Iterable[int]
) -> dict[int, list[_Point]]:
    """Every move of the course's skills by the learner's answers, oldest first: one query."""
    wanted = set(skill_ids)
    points: dict[int, list[_Point]] = defaultdict(list)
    answers = (
        ItemResponse.objects.filter(
            learner=learner, item__course=course, mastery_changes__isnull=False
        )
        .order_by("created_at", "id")
        .values_list("created_at", "correct", "mastery_changes")
    )
    for answered_at, correct, stored in answers:
        for step in mastery_steps(stored):
            if step.skill_id in wanted:
                points[step.skill_id].append(_Point(step, answered_at, correct))
    return points


def learner_detail(*, learner: User, course: Course) -> LearnerDetail:
    snapshot = course_snapshot(course)
    changes = _points_by_skill(learner, course, snapshot.skills)
    threshold = snapshot.policy.mastery_threshold
    slugs = {skill.slug: skill_id for skill_id, skill in snapshot.skills.items()}
    skills = []
    for view in skill_mastery_list(learner=learner, course=course):
        history = changes.get(slugs[view.slug], [])
        chart = None
        if history:
            chart = mastery_line_chart_svg(
                title=f"Mastery of {view.name} over time",
                start=history[0].step.before,
                points=[
                    ChartPoint(point.step.after, _point_label(n, point))
                    for n, point in enumerate(history, start=1)
                ],
                threshold=threshold,
                id_prefix=f"chart-{view.slug}",
            )
        skills.append(SkillHistory(view=view, chart=chart))
    reasons = recommendation_history(learner=learner, course=course, limit=REASONS_SHOWN)
    return LearnerDetail(
        learner=learner,
        course=course,
        threshold=threshold,
        skills=skills,
        ability=ability_for(learner=learner, course=course),
        reasons=reasons,
        mean_difficulty=(
            sum(item.b for item in snapshot.items.values()) / len(snapshot.items)
            if snapshot.items
            else 0.0
        ),
    )
