"""The learner's practice history for mobile clients: paginated, filterable, newest first."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.permissions import IsLearner
from apps.accounts.requests import request_user
from apps.assessments.models import ItemResponse
from apps.recommendations.history import (
    HistoryEntry,
    HistoryFilter,
    history_entries,
    practice_history,
)


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
    """Renders ``history.HistoryEntry``: the answer, and how it moved each skill."""

    id = serializers.IntegerField(source="response.id")
    client_id = serializers.UUIDField(source="response.client_id")
    answered_at = serializers.DateTimeField(source="response.created_at")
    course = serializers.CharField(source="response.item.course.slug")
    item = HistoryItemSerializer(source="response.item")
    answer = serializers.JSONField(
        source="response.answer", help_text="What the learner gave, as stored."
    )
    correct = serializers.BooleanField(source="response.correct")
    score = serializers.FloatField(source="response.score")
    time_taken_ms = serializers.IntegerField(source="response.time_taken_ms", allow_null=True)
    placement = serializers.SerializerMethodField(help_text="Answered in the placement test.")
    mastery_changes = HistoryMasteryChangeSerializer(many=True)

    def get_placement(self, entry: HistoryEntry) -> bool:
        return entry.response.in_placement


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
        entries = history_entries(page or [])
        return self.get_paginated_response(HistoryEntrySerializer(entries, many=True).data)
