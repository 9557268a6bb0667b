"""Practice API for mobile and web clients: thin views over the recommendation services."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors as account_selectors
from apps.accounts.permissions import IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.assessments.models import AssessmentKind, Attempt
from apps.curriculum import selectors as curriculum_selectors
from apps.recommendations import selectors
from apps.recommendations.activity import activity_view
from apps.recommendations.api import serializers as s
from apps.recommendations.models import SkillMastery
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.services.lessons import lesson_mark_read
from apps.recommendations.services.placement import (
    placement_finish,
    placement_start_or_resume,
    placement_state,
    placement_state_after,
)

COURSE_PARAM = OpenApiParameter("course", required=True, description="Course slug")
PAGE_PARAMS = [
    OpenApiParameter("page", int, description="Page number, from 1."),
    OpenApiParameter("page_size", int, description="Results per page, 1 to 500 (default 50)."),
]
ERRORS = {
    400: OpenApiResponse(description="Invalid input; `error.fields` names each bad field."),
    404: OpenApiResponse(description="No such course, item or attempt visible to you."),
}
ANSWER_EXAMPLE = OpenApiExample(
    "Numeric answer",
    value={
        "client_id": "6f1c2a7e-3b1d-4c55-9e0f-2a8d7c9b1e42",
        "item": 42,
        "answer": "3/4",
        "time_taken_ms": 8200,
    },
    request_only=True,
)
FEEDBACK_EXAMPLE = OpenApiExample(
    "Feedback",
    value={
        "response_id": 1017,
        "client_id": "6f1c2a7e-3b1d-4c55-9e0f-2a8d7c9b1e42",
        "item": "sf-004",
        "correct": True,
        "score": 1.0,
        "answer": "3/4",
        "explanation_html": "<p>Divide top and bottom by 2.</p>",
        "mastery": [
            {
                "skill": "simplifying-fractions",
                "name": "Simplifying fractions",
                "before": 0.62,
                "after": 0.81,
                "threshold": 0.95,
                "mastered": False,
                "mastered_now": False,
                "attempts": 4,
            }
        ],
        "ability": {"theta": 0.35, "standard_error": 0.61},
        "next": {
            "kind": "practice",
            "course": "fractions",
            "reason": "Keep going: Simplifying fractions is at 81%; it counts as mastered at 95%.",
            "skill": {"slug": "simplifying-fractions", "name": "Simplifying fractions"},
            "item": {
                "id": 43,
                "slug": "sf-005",
                "type": "short_text",
                "stem_html": "<p>…</p>",
                "choices": [],
                "hints_html": ["…"],
                "skills": ["simplifying-fractions"],
            },
            "lesson": None,
            "expected_gain": 0.03,
        },
        "answered_at": "2026-11-28T10:15:00+00:00",
    },
    response_only=True,
)


def _course_from_query(request: Request, required: bool = True):  # type: ignore[no-untyped-def]
    query = (s.CourseQuerySerializer if required else s.OptionalCourseQuerySerializer)(
        data=request.query_params
    )
    query.is_valid(raise_exception=True)
    slug = query.validated_data.get("course")
    return (
        curriculum_selectors.course_get_for(user=request_user(request), slug=slug) if slug else None
    )


class NextActivityApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[COURSE_PARAM],
        responses={200: s.NextActivityOutputSerializer, **ERRORS},
        summary="What to do next in a course, and why",
        description="The same item on every request until it is answered (POST "
        "/api/v1/practice/answers/) or skipped (POST /api/v1/practice/skip/).",
    )
    def get(self, request: Request) -> Response:
        course = _course_from_query(request)
        # The pending item until it is answered or skipped (apps.recommendations.pending).
        snapshot, recommendation = selectors.practice_next(
            learner=request_user(request), course=course
        )
        view = activity_view(snapshot, recommendation)
        return Response(s.NextActivityOutputSerializer(view).data)


class RecommendationListApi(GenericAPIView):
    # Paginated like every list (the ranking itself stops at `limit`).
    permission_classes = [IsAuthenticated]
    serializer_class = s.NextActivityOutputSerializer
    queryset = SkillMastery.objects.none()  # the schema's; requests rank in the engine

    @extend_schema(
        parameters=[s.RecommendationQuerySerializer],
        responses={200: s.NextActivityOutputSerializer(many=True), **ERRORS},
        summary="Ranked recommendations: due reviews, then the learning frontier",
    )
    def get(self, request: Request) -> Response:
        # `limit` outside 1..20 is a 400 naming it, not quietly clamped.
        query = s.RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        course = curriculum_selectors.course_get_for(
            user=request_user(request), slug=query.validated_data["course"]
        )
        snapshot, ranked = selectors.recommendations_for(
            learner=request_user(request), course=course, limit=query.validated_data["limit"]
        )
        page = self.paginate_queryset([activity_view(snapshot, r) for r in ranked])
        return self.get_paginated_response(s.NextActivityOutputSerializer(page, many=True).data)


class AnswerSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.AnswerSubmitInputSerializer,
        responses={
            201: s.AnswerFeedbackOutputSerializer,
            200: OpenApiResponse(
                s.AnswerFeedbackOutputSerializer,
                description="A retry: the stored result of the first submit.",
            ),
            409: OpenApiResponse(
                description="`client_id_reused`: the client_id is already used, by another "
                "learner or by you for a different item or answer."
            ),
            **ERRORS,
        },
        examples=[ANSWER_EXAMPLE, FEEDBACK_EXAMPLE],
        summary="Submit an answer (idempotent by client_id)",
        description="Grades the answer, updates mastery, ability and review schedule, and returns "
        "feedback with the next activity. Resending the same `client_id` with the same item and "
        "answer stores nothing new and returns the first result with status 200; the same "
        "`client_id` with another item or answer is a 409. `answer` must have the item type's "
        "JSON type: a list for multiple choice, a string for single choice and short text. "
        "`hint_used` marks a hinted answer (weaker evidence); `answered_at` dates an answer "
        "given earlier (offline; see the batch endpoint for a queue of them).",
    )
    def post(self, request: Request) -> Response:
        data = s.AnswerSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = answer_submit(
            learner=request_user(request), **s.submission_arguments(data.validated_data)
        )
        # The body is the feedback rendered by AnswerFeedbackOutputSerializer (stored so).
        return Response(
            outcome.body,
            status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
        )


class MasteryApi(GenericAPIView):
    # Paginated like every list: the skills are the list; the course and ability head it.
    permission_classes = [IsAuthenticated]
    serializer_class = s.SkillMasteryOutputSerializer
    queryset = SkillMastery.objects.none()  # the schema's; requests use course_mastery

    @extend_schema(
        parameters=[COURSE_PARAM, *PAGE_PARAMS],
        responses={200: s.CourseMasteryPageOutputSerializer, **ERRORS},
        summary="Your mastery of every skill in a course, with uncertainty and evidence",
        description="The skills in the course's order, paginated (`count`, `next`, `previous`, "
        "`results`), with the course's ability estimate on every page.",
    )
    def get(self, request: Request) -> Response:
        course = _course_from_query(request)
        mastery = selectors.course_mastery(learner=request_user(request), course=course)
        page = self.paginate_queryset(mastery.skills)
        listed = self.get_paginated_response(s.SkillMasteryOutputSerializer(page, many=True).data)
        head = s.CourseMasteryOutputSerializer(mastery).data
        body = {key: head[key] for key in ("course", "ability", "ability_responses")}
        return Response(s.CourseMasteryPageOutputSerializer({**body, **listed.data}).data)


class DueReviewsApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.DueReviewOutputSerializer
    queryset = SkillMastery.objects.none()  # the schema's; requests use due_reviews_for

    @extend_schema(
        parameters=[OpenApiParameter("course", description="Course slug (default: all yours)")],
        responses={200: s.DueReviewOutputSerializer(many=True), **ERRORS},
        summary="Skills due for review, most faded first",
    )
    def get(self, request: Request) -> Response:
        course = _course_from_query(request, required=False)
        courses = (
            [course]
            if course
            else list(curriculum_selectors.course_list_for(user=request_user(request)))
        )
        page = self.paginate_queryset(
            list(selectors.due_reviews_for(learner=request_user(request), courses=courses))
        )
        return self.get_paginated_response(s.DueReviewOutputSerializer(page, many=True).data)


class PlacementStartApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.PlacementStartInputSerializer,
        responses={
            201: s.PlacementOutputSerializer,
            200: OpenApiResponse(
                s.PlacementOutputSerializer,
                description="A placement was in progress: it is resumed, the same item pending.",
            ),
            **ERRORS,
        },
        summary="Start (or resume) the adaptive placement test of a course",
        description="Answer its items with POST /api/v1/practice/answers/ and `attempt`; "
        "each answer's `next` is the next placement item until it finishes. The pending item "
        "stays the same until it is answered, and an answer for another item is a 409 naming "
        "`item`.",
    )
    def post(self, request: Request) -> Response:
        data = s.PlacementStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = curriculum_selectors.course_get_for(
            user=request_user(request), slug=data.validated_data["course"]
        )
        started = placement_start_or_resume(learner=request_user(request), course=course)
        state = placement_state_after(attempt=started.attempt, step=started.step)
        return Response(
            s.PlacementOutputSerializer(state).data,
            status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK,
        )


def _own_placement(request: Request, pk: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("assessment__course")
        .filter(pk=pk, learner=request_user(request), assessment__kind=AssessmentKind.DIAGNOSTIC)
        .first()
    )
    if attempt is None:
        raise Http404("No such placement attempt.")
    return attempt


class PlacementDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: s.PlacementOutputSerializer, **ERRORS},
        summary="The placement's next item or result",
    )
    def get(self, request: Request, pk: int) -> Response:
        state = placement_state(attempt=_own_placement(request, pk))
        return Response(s.PlacementOutputSerializer(state).data)


class PlacementFinishApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: s.PlacementOutputSerializer, **ERRORS},
        summary="Finish the placement now and seed starting mastery",
    )
    def post(self, request: Request, pk: int) -> Response:
        attempt = _own_placement(request, pk)
        placement_finish(
            learner=request_user(request), attempt=attempt, reason="finished_by_learner"
        )
        return Response(s.PlacementOutputSerializer(placement_state(attempt=attempt)).data)


class LessonReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **ERRORS}, summary="Mark a lesson as read")
    def post(self, request: Request, slug: str, lesson_slug: str) -> Response:
        course = curriculum_selectors.course_get_for(user=request_user(request), slug=slug)
        lesson = curriculum_selectors.lesson_get_for(
            user=request_user(request), course=course, slug=lesson_slug
        )
        lesson_mark_read(learner=request_user(request), lesson=lesson)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WheelSpinningApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = s.WheelSpinningOutputSerializer
    queryset = SkillMastery.objects.none()  # the schema's model; requests use the selector

    @extend_schema(
        responses={200: s.WheelSpinningOutputSerializer(many=True), **ERRORS},
        summary="Learners in a classroom stuck on a skill (many attempts, not mastered)",
    )
    def get(self, request: Request, pk: int) -> Response:
        classroom = account_selectors.classroom_managed_by(user=request_user(request), pk=pk)
        page = self.paginate_queryset(selectors.wheel_spinning_in(classroom=classroom))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
