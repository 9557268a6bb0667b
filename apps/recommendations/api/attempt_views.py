"""Assessments and attempts: list a course's assessments, start one, follow it, finish it.

Items of an attempt are answered with POST /api/v1/practice/answers/ and ``attempt``; each
answer's ``next`` then carries the attempt's next item until it finishes."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.requests import request_user
from apps.assessments.models import Assessment, AssessmentKind, Attempt, AttemptStatus
from apps.core.exceptions import ApplicationError
from apps.curriculum import selectors as curriculum_selectors
from apps.recommendations.api import attempt_serializers as s
from apps.recommendations.api.filters import AttemptFilterSet
from apps.recommendations.results import AttemptFinished, AttemptStep
from apps.recommendations.services.placement import (
    placement_finish,
    placement_next,
    placement_start_or_resume,
)
from apps.recommendations.services.quiz import quiz_finish, quiz_next, quiz_start


@dataclass(frozen=True)
class AttemptFlow:
    attempt: Attempt
    next: AttemptStep | None


ERRORS = {
    400: OpenApiResponse(description="Invalid input or state; `error.fields` says which."),
    404: OpenApiResponse(description="Not found or not yours."),
}


def _own_attempt(request: Request, pk: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("assessment__course")
        .filter(pk=pk, learner=request_user(request))
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def _next_for(attempt: Attempt) -> AttemptStep | None:
    """The attempt's next item (reads only), or None once it is finished."""
    if attempt.status == AttemptStatus.FINISHED:
        return None
    if attempt.assessment.kind == AssessmentKind.DIAGNOSTIC:
        return placement_next(attempt=attempt)
    return quiz_next(attempt=attempt)


def _flow(attempt: Attempt, step: AttemptStep | AttemptFinished | None) -> dict[str, Any]:
    attempt.refresh_from_db()
    flow = AttemptFlow(attempt=attempt, next=step if isinstance(step, AttemptStep) else None)
    return s.AttemptFlowOutputSerializer(flow).data


class AssessmentListApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AssessmentOutputSerializer
    queryset = Assessment.objects.none()

    @extend_schema(
        responses={200: s.AssessmentOutputSerializer(many=True), **ERRORS},
        summary="A course's assessments (quizzes, placement, practice)",
    )
    def get(self, request: Request, slug: str) -> Response:
        course = curriculum_selectors.course_get_for(user=request_user(request), slug=slug)
        assessments = course.assessments.annotate(item_count=Count("assessment_items")).order_by(
            "kind", "title"
        )
        page = self.paginate_queryset(assessments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AttemptStartApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AttemptFlowOutputSerializer

    @extend_schema(
        request=None,
        responses={
            201: s.AttemptFlowOutputSerializer,
            200: OpenApiResponse(
                s.AttemptFlowOutputSerializer, description="A placement in progress, resumed."
            ),
            **ERRORS,
        },
        summary="Start (or resume) a quiz or placement attempt",
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = Assessment.objects.select_related("course").filter(pk=pk).first()
        if assessment is None or not curriculum_selectors.course_visible_to(
            user=request_user(request), course=assessment.course
        ):
            raise Http404("No such assessment.")
        if assessment.kind == AssessmentKind.DIAGNOSTIC:
            started = placement_start_or_resume(
                learner=request_user(request), course=assessment.course
            )
            return Response(
                _flow(started.attempt, started.step),
                status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK,
            )
        if assessment.kind == AssessmentKind.QUIZ:
            attempt, step = quiz_start(learner=request_user(request), assessment=assessment)
        else:
            raise ApplicationError(
                "Practice has no attempts.",
                fields={
                    "assessment": [
                        "Practice runs through /api/v1/practice/next/; "
                        "start a quiz or placement instead."
                    ]
                },
            )
        return Response(_flow(attempt, step), status=status.HTTP_201_CREATED)


class AttemptListApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AttemptOutputSerializer
    filterset_class = AttemptFilterSet
    queryset = Attempt.objects.none()

    @extend_schema(
        responses={200: s.AttemptOutputSerializer(many=True)},
        summary="Your attempts, newest first",
    )
    def get(self, request: Request) -> Response:
        attempts = Attempt.objects.filter(learner=request_user(request)).select_related(
            "assessment__course"
        )
        attempts = self.filter_queryset(attempts).order_by("-started_at", "-id")
        page = self.paginate_queryset(attempts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AttemptDetailApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AttemptFlowOutputSerializer

    @extend_schema(
        responses={200: s.AttemptFlowOutputSerializer, **ERRORS},
        summary="An attempt and its next item",
    )
    def get(self, request: Request, pk: int) -> Response:
        attempt = _own_attempt(request, pk)
        return Response(_flow(attempt, _next_for(attempt)))


class AttemptFinishApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.AttemptFlowOutputSerializer

    @extend_schema(
        request=None,
        responses={200: s.AttemptFlowOutputSerializer, **ERRORS},
        summary="Finish an attempt now (unanswered quiz items earn nothing)",
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = _own_attempt(request, pk)
        if attempt.assessment.kind == AssessmentKind.DIAGNOSTIC:
            placement_finish(
                learner=request_user(request), attempt=attempt, reason="finished_by_learner"
            )
        else:
            quiz_finish(learner=request_user(request), attempt=attempt)
        return Response(_flow(attempt, None))
