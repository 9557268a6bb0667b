"""The learner's practice history for mobile clients: paginated, filterable, newest first."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import IsLearner
from apps.accounts.requests import request_user
from apps.assessments.models import ItemResponse
from apps.recommendations.history import HistoryFilter, practice_history


class HistoryQuerySerializer(serializers.Serializer):
    course = serializers.SlugField(required=False, help_text="Only answers in this course.")
    skill = serializers.SlugField(required=False, help_text="Only answers to items on this skill.")
    since = serializers.DateTimeField(required=False, help_text="Answered at or after (ISO 8601).")
    until = serializers.DateTimeField(required=False, help_text="Answered before (ISO 8601).")

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since >= until:
            raise serializers.ValidationError({"until": ["Must be later than `since`."]})
        return attrs


class HistoryMasteryChangeSerializer(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    skill_name = serializers.CharField(source="skill.name")
    p_before = serializers.FloatField(help_text="P(known) before this answer.")
    p_after = serializers.FloatField(help_text="P(known) after this answer.")


class HistoryItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    type = serializers.CharField()
    stem_html = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client_id = serializers.UUIDField()
    answered_at = serializers.DateTimeField(source="created_at")
    course = serializers.CharField(source="item.course.slug")
    item = HistoryItemSerializer()
    answer = serializers.JSONField(help_text="What the learner gave, as stored.")
    correct = serializers.BooleanField()
    score = serializers.FloatField()
    time_taken_ms = serializers.IntegerField(allow_null=True)
    placement = serializers.SerializerMethodField(help_text="Answered in the placement test.")
    mastery_changes = HistoryMasteryChangeSerializer(many=True)

    def get_placement(self, response: ItemResponse) -> bool:
        return response.in_placement


class PracticeHistoryApi(GenericAPIView):
    permission_classes = [IsLearner]
    serializer_class = HistoryEntrySerializer
    queryset = ItemResponse.objects.none()  # the schema's; requests use practice_history

    @extend_schema(
        parameters=[HistoryQuerySerializer],
        responses={
            200: HistoryEntrySerializer(many=True),
            400: OpenApiResponse(description="A bad filter; `error.fields` names it."),
        },
        summary="My practice history: every answer, its correctness and mastery change",
    )
    def get(self, request: Request) -> Response:
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            practice_history(
                learner=request_user(request), only=HistoryFilter(**query.validated_data)
            )
        )
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)
