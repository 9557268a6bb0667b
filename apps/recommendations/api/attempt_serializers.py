from rest_framework import serializers

from apps.assessments.models import Assessment, Attempt
from apps.recommendations.api.serializers import AttemptStepOutputSerializer


class AssessmentOutputSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "slug", "title", "kind", "item_count", "max_items", "target_standard_error"]
        read_only_fields = fields


class AttemptOutputSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="assessment.course.slug", read_only=True)
    assessment = serializers.CharField(source="assessment.slug", read_only=True)
    kind = serializers.CharField(source="assessment.kind", read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "course",
            "assessment",
            "kind",
            "status",
            "started_at",
            "finished_at",
            "n_answered",
            "n_correct",
            "score",
            "result",
        ]
        read_only_fields = fields


class AttemptFlowOutputSerializer(serializers.Serializer):
    attempt = AttemptOutputSerializer()
    next = AttemptStepOutputSerializer(allow_null=True, help_text="The attempt's next item.")
