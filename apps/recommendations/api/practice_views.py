"""Skipping the pending practice item (``GET /api/v1/practice/next/`` keeps presenting it
until it is answered or skipped)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.requests import request_user
from apps.curriculum import selectors as curriculum_selectors
from apps.recommendations.activity import activity_view
from apps.recommendations.api.serializers import NextActivityOutputSerializer
from apps.recommendations.services.practice import practice_skip


class PracticeSkipInputSerializer(serializers.Serializer):
    course = serializers.SlugField(help_text="Slug of the course whose pending item to skip.")


class PracticeSkipApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=PracticeSkipInputSerializer,
        responses={
            200: NextActivityOutputSerializer,
            400: OpenApiResponse(description="Invalid input; `error.fields` names the field."),
            404: OpenApiResponse(description="No such course visible to you."),
            409: OpenApiResponse(description="No practice item is pending in this course."),
        },
        summary="Skip the pending practice item and get the next one",
        description="The skip is logged (teachers see it) and is no evidence on any skill; the "
        "next activity returned is the new pending one.",
    )
    def post(self, request: Request) -> Response:
        data = PracticeSkipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = curriculum_selectors.course_get_for(
            user=request_user(request), slug=data.validated_data["course"]
        )
        snapshot, recommendation = practice_skip(learner=request_user(request), course=course)
        return Response(NextActivityOutputSerializer(activity_view(snapshot, recommendation)).data)
