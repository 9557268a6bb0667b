"""What the learner-model services return: typed results, rendered by the output serializers
in ``api/serializers.py`` (so the OpenAPI schema and the bodies cannot drift) and read by the
pages as they are.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What a learner may see of a question (``snapshot.learner_item_view``): no answer key.
LearnerItem = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SkillRef:
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class LessonRef:
    slug: str
    title: str


@dataclass(frozen=True, slots=True)
class ActivityView:
    """A recommendation as learners see it: what to do next in a course, and why."""

    kind: str  # review, practice, lesson or complete
    reason: str
    course: str
    skill: SkillRef | None
    item: LearnerItem | None
    lesson: LessonRef | None
    expected_gain: float
    p_correct: float | None = None  # chance of answering the item right; None without an item

    @property
    def chance_text(self) -> str:
        return chance_words(self.p_correct)


def chance_words(p_correct: float | None) -> str:
    """What learners are told of the predicted chance, rounded to 5% (a prediction, not a
    measurement, so no false precision)."""
    if p_correct is None:
        return ""
    return f"About {round(p_correct * 20) * 5}% likely to get this one right."


@dataclass(frozen=True, slots=True)
class PlacementProgress:
    answered: int
    max_items: int
    theta: float
    standard_error: float


@dataclass(frozen=True, slots=True)
class QuizProgress:
    answered: int
    of: int


@dataclass(frozen=True, slots=True)
class PlacementResult:
    """Stored as the attempt's ``result`` (``dataclasses.asdict``)."""

    theta: float
    standard_error: float
    answered: int
    correct: int
    stop_reason: str
    mastered_skills: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QuizResult:
    """Stored as the attempt's ``result`` (``dataclasses.asdict``)."""

    answered: int
    of: int
    correct: int
    score: float


@dataclass(frozen=True, slots=True)
class AttemptStep:
    """The next item of a placement or quiz attempt."""

    kind: str  # placement or quiz
    attempt: int
    progress: PlacementProgress | QuizProgress
    item: LearnerItem | None  # None only when a placement's stop rule holds and it awaits finish
    reason: str


@dataclass(frozen=True, slots=True)
class AttemptFinished:
    """A placement or quiz attempt that has just finished, with its result."""

    kind: str  # placement_finished or quiz_finished
    attempt: int
    progress: PlacementProgress | QuizProgress
    result: PlacementResult | QuizResult
    reason: str
    item: None = None


NextStep = ActivityView | AttemptStep | AttemptFinished


@dataclass(frozen=True, slots=True)
class SkillChange:
    """How one answer moved one skill."""

    skill: str
    name: str
    before: float
    after: float
    threshold: float
    mastered: bool
    mastered_now: bool
    attempts: int


@dataclass(frozen=True, slots=True)
class AbilitySummary:
    theta: float
    standard_error: float


@dataclass(frozen=True, slots=True)
class AnswerFeedback:
    response_id: int
    client_id: uuid.UUID
    item: str
    correct: bool
    score: float
    answer: object
    explanation_html: str
    mastery: list[SkillChange]
    ability: AbilitySummary
    next: NextStep
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """``body`` is the feedback as the API renders it (``AnswerFeedbackOutputSerializer``): a
    retry returns the stored body of the first submit, byte for byte."""

    body: dict[str, Any]
    created: bool  # False when a retry got the stored result of the first submit


@dataclass(frozen=True, slots=True)
class PlacementState:
    """A placement attempt: its next item while in progress, its result once finished."""

    attempt: int
    status: str  # in_progress or finished
    next: AttemptStep | None
    result: PlacementResult | None
