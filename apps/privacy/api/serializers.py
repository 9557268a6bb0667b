"""Input and output shapes of the data-rights endpoints (the export document: ``document``)."""

from rest_framework import serializers

from apps.privacy.document import DeletionRequestOutputSerializer, LearnerDataExportSerializer
from apps.privacy.models import DepartureReason

__all__ = [
    "ClassroomDepartureOutputSerializer",
    "DeletionRequestInputSerializer",
    "DeletionRequestOutputSerializer",
    "LearnerDataExportSerializer",
]


class DeletionRequestInputSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, help_text="The learner's password, to confirm."
    )


class ClassroomDepartureOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    classroom_id = serializers.IntegerField()
    learner_label = serializers.CharField(
        help_text="The name the teacher knew; 'An erased learner' after erasure."
    )
    reason = serializers.ChoiceField(choices=DepartureReason.choices)
    joined_at = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField()
