import uuid
from functools import cached_property
from typing import Any

from django.conf import settings
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from apps.core.schema import ErrorDetailSerializer
from apps.recommendations import results

MAX_RECOMMENDATIONS = 20


class CourseQuerySerializer(serializers.Serializer):
    course = serializers.SlugField(help_text="Slug of the course.")


class OptionalCourseQuerySerializer(serializers.Serializer):
    course = serializers.SlugField(required=False, help_text="Limit to one course.")


class RecommendationQuerySerializer(CourseQuerySerializer):
    limit = serializers.IntegerField(
        required=False,
        default=5,
        min_value=1,
        max_value=MAX_RECOMMENDATIONS,
        help_text=f"How many, 1 to {MAX_RECOMMENDATIONS} (default 5).",
    )


class LearnerItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    type = serializers.CharField()
    stem_html = serializers.CharField()
    choices = serializers.ListField(child=serializers.DictField(), help_text="[{key, text_html}]")
    hints_html = serializers.ListField(child=serializers.CharField())
    skills = serializers.ListField(child=serializers.CharField())


class SkillRefOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class LessonRefOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class NextActivityOutputSerializer(serializers.Serializer):
    """Renders ``results.ActivityView``."""

    kind = serializers.ChoiceField(choices=["review", "practice", "lesson", "complete"])
    reason = serializers.CharField(help_text="Why this comes next, for the learner.")
    course = serializers.CharField()
    skill = SkillRefOutputSerializer(allow_null=True)
    item = LearnerItemOutputSerializer(allow_null=True)
    lesson = LessonRefOutputSerializer(allow_null=True)
    expected_gain = serializers.FloatField()
    p_correct = serializers.FloatField(
        allow_null=True,
        help_text="The learner model's chance that the learner answers the item right (null "
        "without an item).",
    )


class PlacementProgressOutputSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    max_items = serializers.IntegerField()
    theta = serializers.FloatField()
    standard_error = serializers.FloatField()


class QuizProgressOutputSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    of = serializers.IntegerField()


class PlacementResultOutputSerializer(serializers.Serializer):
    theta = serializers.FloatField()
    standard_error = serializers.FloatField()
    answered = serializers.IntegerField()
    correct = serializers.IntegerField()
    stop_reason = serializers.CharField()
    mastered_skills = serializers.ListField(child=serializers.CharField())


class QuizResultOutputSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    of = serializers.IntegerField()
    correct = serializers.IntegerField()
    score = serializers.FloatField()


class _ByTypeField(serializers.Field):
    """A value that is one of several result types, each rendered by its serializer."""

    renderers: dict[type, type[serializers.Serializer]] = {}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: object) -> Any:
        renderer = self._instances.get(type(value))
        if renderer is None:
            # Built once per field: a serializer deep-copies its fields when instantiated, and
            # rendering only reads it.
            renderer = self._instances[type(value)] = self.renderers[type(value)]()
        return renderer.to_representation(value)

    @cached_property
    def _instances(self) -> dict[type, serializers.Serializer]:
        return {}


def _one_of(name: str, *choices: type[serializers.Serializer]) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name=name, serializers=list(choices), resource_type_field_name=None
    )


@extend_schema_field(
    _one_of("AttemptProgress", PlacementProgressOutputSerializer, QuizProgressOutputSerializer)
)
class AttemptProgressField(_ByTypeField):
    renderers = {
        results.PlacementProgress: PlacementProgressOutputSerializer,
        results.QuizProgress: QuizProgressOutputSerializer,
    }


@extend_schema_field(
    _one_of("AttemptResult", PlacementResultOutputSerializer, QuizResultOutputSerializer)
)
class AttemptResultField(_ByTypeField):
    renderers = {
        results.PlacementResult: PlacementResultOutputSerializer,
        results.QuizResult: QuizResultOutputSerializer,
    }


class AttemptStepOutputSerializer(serializers.Serializer):
    """Renders ``results.AttemptStep``: the next item of a placement or quiz."""

    kind = serializers.ChoiceField(choices=["placement", "quiz"])
    attempt = serializers.IntegerField()
    progress = AttemptProgressField()
    item = LearnerItemOutputSerializer(
        allow_null=True, help_text="Null only when the placement awaits finishing."
    )
    reason = serializers.CharField()


class AttemptFinishedOutputSerializer(serializers.Serializer):
    """Renders ``results.AttemptFinished``: the attempt has just finished."""

    kind = serializers.ChoiceField(choices=["placement_finished", "quiz_finished"])
    attempt = serializers.IntegerField()
    progress = AttemptProgressField()
    result = AttemptResultField()
    reason = serializers.CharField()
    item = serializers.JSONField(allow_null=True, help_text="Always null.")


@extend_schema_field(
    _one_of(
        "NextStep",
        NextActivityOutputSerializer,
        AttemptStepOutputSerializer,
        AttemptFinishedOutputSerializer,
    )
)
class NextStepField(_ByTypeField):
    renderers = {
        results.ActivityView: NextActivityOutputSerializer,
        results.AttemptStep: AttemptStepOutputSerializer,
        results.AttemptFinished: AttemptFinishedOutputSerializer,
    }


class ClientIdField(serializers.UUIDField):
    """A UUID given as a string. DRF's field also takes an integer and makes a UUID of it
    (``142`` became ``00000000-...-00000000008e``): a client sending that has a bug, and two
    such clients would share ids."""

    def to_internal_value(self, data: Any) -> uuid.UUID:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "number"},
            {"type": "array", "items": {"type": "string"}},
        ]
    }
)
class AnswerField(serializers.JSONField):
    """The answer's JSON shape: text, a number or a list of texts (which one the item's type
    needs, grading checks). Text never holds a NUL byte or a lone surrogate (``"\\ud800"``):
    PostgreSQL cannot store either (SQLite stores them), as DRF's CharField knows."""

    default_error_messages = {
        "shape": "Give text, a number, or a list of option keys.",
        "nul": "Text cannot contain NUL (\\x00) characters.",
        "surrogate": "Text cannot contain lone surrogate characters.",
    }

    def to_internal_value(self, data: Any) -> Any:
        value: object = super().to_internal_value(data)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if not isinstance(text, str):
                self.fail("shape")
            if "\x00" in text:
                self.fail("nul")
            if not _is_utf8(text):
                self.fail("surrogate")
        return value


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: DRF's field also reads ``"yes"``, ``"on"`` or ``1``, which
    a JSON client sending them has a bug in."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its offset (``2026-11-28T10:15:00Z``). Without one, DRF reads the
    time in the server's zone, a guess that misplaces a learner's answers by hours."""

    default_error_messages = {"naive": "Give the time's offset, e.g. 2026-11-28T10:15:00Z."}

    def to_internal_value(self, value: Any) -> Any:
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and not _has_offset(value):
            self.fail("naive")
        return parsed


def _has_offset(text: str) -> bool:
    tail = text.strip()[10:]  # after the date
    return tail.endswith(("Z", "z")) or "+" in tail or "-" in tail


class AnswerSubmitInputSerializer(serializers.Serializer):
    client_id = ClientIdField(
        help_text="A UUID string generated by the client per answer; resend the same id (with "
        "the same item and answer) when retrying."
    )
    item = serializers.IntegerField(min_value=1, help_text="Id of the item answered.")
    answer = AnswerField(
        help_text="A choice key (single choice), a list of keys (multiple choice), "
        "a number or text like '3/4' (numeric), or text (short text)."
    )
    time_taken_ms = serializers.IntegerField(required=False, min_value=0, max_value=86_400_000)
    attempt = serializers.IntegerField(
        required=False, min_value=1, help_text="A placement attempt."
    )
    hint_used = StrictBooleanField(
        required=False,
        default=False,
        help_text="True if the learner opened a hint before answering: a right answer then "
        "counts as weaker evidence of the skill.",
    )
    answered_at = AwareDateTimeField(
        required=False,
        help_text="When the learner answered, for an answer queued offline (with its offset; "
        "not in the future, at most OFFLINE_ANSWER_MAX_AGE_DAYS ago). Mastery and the review "
        "schedule go by it. Default: now.",
    )


def submission_arguments(values: dict[str, Any]) -> dict[str, Any]:
    """``AnswerSubmitInputSerializer``'s validated data as ``answer_submit``'s keyword
    arguments (and ``QueuedAnswer``'s fields), for the single submit and the batch alike."""
    return {
        "item_id": values["item"],
        "answer": values["answer"],
        "client_id": values["client_id"],
        "time_taken_ms": values.get("time_taken_ms"),
        "attempt_id": values.get("attempt"),
        "hint_used": values["hint_used"],
        "answered_at": values.get("answered_at"),
    }


class SkillChangeOutputSerializer(serializers.Serializer):
    skill = serializers.CharField()
    name = serializers.CharField()
    before = serializers.FloatField()
    after = serializers.FloatField()
    threshold = serializers.FloatField()
    mastered = serializers.BooleanField()
    mastered_now = serializers.BooleanField()
    attempts = serializers.IntegerField()


class AbilityOutputSerializer(serializers.Serializer):
    theta = serializers.FloatField()
    standard_error = serializers.FloatField()


class AnswerFeedbackOutputSerializer(serializers.Serializer):
    response_id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    item = serializers.CharField()
    correct = serializers.BooleanField()
    score = serializers.FloatField()
    answer = serializers.JSONField()
    explanation_html = serializers.CharField()
    mastery = SkillChangeOutputSerializer(many=True)
    ability = AbilityOutputSerializer()
    next = NextStepField(help_text="What comes next: a recommendation or the attempt's next step.")
    answered_at = serializers.DateTimeField()


class SkillMasteryOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["mastered", "needs_review", "learning", "not_started", "locked"]
    )
    p_known = serializers.FloatField(help_text="P(skill known), BKT.")
    interval_low = serializers.FloatField(help_text="90% credible interval of p_known.")
    interval_high = serializers.FloatField()
    evidence_count = serializers.IntegerField(help_text="Answers behind the estimate.")
    retrievability = serializers.FloatField(allow_null=True, help_text="FSRS predicted recall now.")
    attempts = serializers.IntegerField()
    correct_count = serializers.IntegerField()
    last_practised_at = serializers.DateTimeField(allow_null=True)
    mastered_at = serializers.DateTimeField(allow_null=True)
    review_due_at = serializers.DateTimeField(allow_null=True)
    wheel_spinning = serializers.BooleanField()
    prerequisites = serializers.ListField(child=serializers.CharField())


class CourseMasteryOutputSerializer(serializers.Serializer):
    """Renders ``selectors.CourseMastery``."""

    course = serializers.CharField()
    ability = AbilityOutputSerializer(allow_null=True)
    ability_responses = serializers.IntegerField()
    skills = SkillMasteryOutputSerializer(many=True)


class CourseMasteryPageOutputSerializer(serializers.Serializer):
    """One page of ``selectors.CourseMastery``'s skills, headed by the course and ability."""

    course = serializers.CharField()
    ability = AbilityOutputSerializer(allow_null=True)
    ability_responses = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Skills in the course.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SkillMasteryOutputSerializer(many=True)


class DueReviewOutputSerializer(serializers.Serializer):
    course = serializers.CharField()
    skill = serializers.CharField()
    name = serializers.CharField()
    last_practised_at = serializers.DateTimeField(allow_null=True)
    review_due_at = serializers.DateTimeField(allow_null=True)
    retrievability = serializers.FloatField(allow_null=True)


class PlacementStartInputSerializer(serializers.Serializer):
    course = serializers.SlugField()


class PlacementOutputSerializer(serializers.Serializer):
    """Renders ``results.PlacementState``."""

    attempt = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["in_progress", "finished"])
    next = AttemptStepOutputSerializer(allow_null=True)
    result = PlacementResultOutputSerializer(allow_null=True)


class WheelSpinningOutputSerializer(serializers.Serializer):
    learner = serializers.CharField(source="learner.username")
    course = serializers.CharField(source="course.slug")
    skill = serializers.CharField(source="skill.slug")
    skill_name = serializers.CharField(source="skill.name")
    attempts = serializers.IntegerField()
    p_known = serializers.FloatField()
    last_practised_at = serializers.DateTimeField(allow_null=True)


class AnswerBatchInputSerializer(serializers.Serializer):
    answers = serializers.ListField(
        child=serializers.JSONField(),
        allow_empty=False,
        help_text="Answers queued offline, each as a single submit takes it (with `answered_at`); "
        "at most ANSWER_BATCH_MAX (100 by default).",
    )

    def validate_answers(self, answers: list[Any]) -> list[Any]:
        limit = settings.ANSWER_BATCH_MAX
        if len(answers) > limit:
            raise serializers.ValidationError(
                f"At most {limit} answers per request; send the rest in another."
            )
        return answers


class _RenderedField(serializers.Field):
    """A value rendered already (a stored feedback body, an error's detail), passed through."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(ErrorDetailSerializer)
class RenderedErrorField(_RenderedField):
    """An error's ``{"code", "message", "fields"}``, as the error body's ``error`` holds it."""


@extend_schema_field(AnswerFeedbackOutputSerializer)
class RenderedFeedbackField(_RenderedField):
    """A feedback body as ``AnswerFeedbackOutputSerializer`` rendered it (the receipt's)."""


class QueuedAnswerResultOutputSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The answer's position in the request's `answers`.")
    client_id = serializers.UUIDField(allow_null=True)
    status = serializers.IntegerField(
        help_text="What a single submit would have answered: 201 stored, 200 a retry (the first "
        "feedback again), else its 4xx (400, 404, 409)."
    )
    feedback = RenderedFeedbackField(allow_null=True, help_text="Null when refused.")
    error = RenderedErrorField(allow_null=True, help_text="Why it was refused; else null.")


class CourseStateOutputSerializer(serializers.Serializer):
    course = serializers.CharField()
    next = NextActivityOutputSerializer(help_text="What practice presents now.")
    mastery = CourseMasteryOutputSerializer()


class AnswerBatchOutputSerializer(serializers.Serializer):
    results = QueuedAnswerResultOutputSerializer(
        many=True, help_text="One per answer sent, in the request's order."
    )
    state = CourseStateOutputSerializer(
        many=True, help_text="After the replay, per course answered in: mastery and what is next."
    )
