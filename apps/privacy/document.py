"""The learner-data document: one shape for ``GET /api/v1/me/data/``, the "Your data" download
and the admin's export, so they cannot drift. It lives outside ``api/`` because the page and the
admin hand it out too.

The shape is a contract like the rest of the API: ``format`` and ``version`` say which shape a
file has, and fields are only ever added.
"""

from typing import Any

from rest_framework import serializers

from apps.privacy.models import DeletionStatus
from apps.privacy.selectors import LearnerDataExport


class DataProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    display_name = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.CharField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class DataEnrolmentSerializer(serializers.Serializer):
    classroom_id = serializers.IntegerField()
    classroom = serializers.CharField(source="classroom.name")
    teacher = serializers.CharField(source="classroom.owner.shown_name")
    joined_at = serializers.DateTimeField()


class DataAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    course = serializers.CharField(source="item.course.slug")
    item = serializers.CharField(source="item.slug")
    attempt_id = serializers.IntegerField(allow_null=True)
    answer = serializers.JSONField()
    correct = serializers.BooleanField()
    score = serializers.FloatField()
    time_taken_ms = serializers.IntegerField(allow_null=True)
    predicted_correct = serializers.FloatField(
        allow_null=True, help_text="The learner model's P(correct) just before this answer."
    )
    created_at = serializers.DateTimeField()


class DataAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.CharField(source="assessment.course.slug")
    assessment = serializers.CharField(source="assessment.slug")
    kind = serializers.CharField(source="assessment.kind")
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    n_answered = serializers.IntegerField()
    n_correct = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    result = serializers.JSONField(help_text="e.g. a placement's ability estimate.")


class DataMasterySerializer(serializers.Serializer):
    course = serializers.CharField(source="course.slug")
    skill = serializers.CharField(source="skill.slug")
    p_known = serializers.FloatField()
    attempts = serializers.IntegerField()
    correct_count = serializers.IntegerField()
    last_practised_at = serializers.DateTimeField(allow_null=True)
    mastered_at = serializers.DateTimeField(allow_null=True)
    seeded_by_placement = serializers.BooleanField()
    review_due_at = serializers.DateTimeField(allow_null=True)
    wheel_spinning = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class DataMasteryChangeSerializer(serializers.Serializer):
    answer_id = serializers.IntegerField(source="response_id")
    skill = serializers.CharField(source="skill.slug")
    p_before = serializers.FloatField()
    p_after = serializers.FloatField()
    created_at = serializers.DateTimeField()


class DataAbilitySerializer(serializers.Serializer):
    course = serializers.CharField(source="course.slug")
    theta = serializers.FloatField()
    standard_error = serializers.FloatField()
    n_responses = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class DataRecommendationSerializer(serializers.Serializer):
    """Renders ``recommendation_history.RecommendationShown``."""

    course = serializers.CharField()
    kind = serializers.CharField()
    skill = serializers.CharField(allow_null=True)
    item = serializers.CharField(allow_null=True)
    lesson = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    answer_id = serializers.IntegerField(
        allow_null=True,
        help_text="The answer this recommendation followed; null for one given otherwise "
        "(e.g. after a skip).",
    )


class DataLessonReadSerializer(serializers.Serializer):
    course = serializers.CharField(source="lesson.course.slug")
    lesson = serializers.CharField(source="lesson.slug")
    first_viewed_at = serializers.DateTimeField()
    last_viewed_at = serializers.DateTimeField()


class DeletionRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DeletionStatus.choices)
    requested_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="When the erasure is carried out.")
    completed_at = serializers.DateTimeField(allow_null=True)


class LearnerDataExportSerializer(serializers.Serializer):
    format = serializers.CharField(help_text="Always adaptive-learning.learner-data.")
    version = serializers.IntegerField(help_text="The shape's version; fields are only added.")
    exported_at = serializers.DateTimeField()
    profile = DataProfileSerializer()
    enrolments = DataEnrolmentSerializer(many=True)
    answers = DataAnswerSerializer(many=True)
    attempts = DataAttemptSerializer(many=True)
    placements = DataAttemptSerializer(many=True, help_text="The placement tests, from attempts.")
    mastery = DataMasterySerializer(many=True)
    mastery_changes = DataMasteryChangeSerializer(many=True)
    abilities = DataAbilitySerializer(many=True)
    recommendations = DataRecommendationSerializer(
        many=True, help_text="What the system told the learner to do next, and why."
    )
    lessons_read = DataLessonReadSerializer(many=True)
    deletion_requests = DeletionRequestOutputSerializer(many=True)


def learner_data_document(export: LearnerDataExport) -> dict[str, Any]:
    """The export as the JSON-ready document every channel (API, page, admin) hands out."""
    return dict(LearnerDataExportSerializer(export).data)
