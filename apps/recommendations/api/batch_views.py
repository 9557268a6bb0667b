"""Offline sync: answers queued on a device, sent in one request
(``services.answer_batch``)."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.requests import request_user
from apps.core.exceptions import application_error_body, status_for, validation_error_body
from apps.recommendations import selectors
from apps.recommendations.activity import activity_view
from apps.recommendations.api import serializers as s
from apps.recommendations.services.answer_batch import QueuedAnswer, answer_batch_submit

BATCH_EXAMPLE = OpenApiExample(
    "Two answers given offline",
    value={
        "answers": [
            {
                "client_id": "6f1c2a7e-3b1d-4c55-9e0f-2a8d7c9b1e42",
                "item": 42,
                "answer": "3/4",
                "answered_at": "2026-11-28T10:15:00Z",
                "time_taken_ms": 8200,
            },
            {
                "client_id": "0b5d9c3e-7f7a-4a5e-8a61-1f2e3d4c5b6a",
                "item": 43,
                "answer": ["a", "c"],
                "answered_at": "2026-11-28T10:16:10Z",
                "hint_used": True,
            },
        ]
    },
    request_only=True,
)


class AnswerBatchApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.AnswerBatchInputSerializer,
        responses={200: s.AnswerBatchOutputSerializer},
        examples=[BATCH_EXAMPLE],
        summary="Sync answers queued offline (idempotent by client_id)",
        description="Each answer is replayed through the same service as `POST "
        "/api/v1/practice/answers/`, in `answered_at` order (a missing time counts as now), each "
        "in its own transaction: a refused answer is reported in its `results` entry (`status` "
        "and `error`, as a single submit would answer) and the others are stored. `answered_at` "
        "must be in the past (a few minutes ahead counts as now) and at most "
        "OFFLINE_ANSWER_MAX_AGE_DAYS (30) ago. Sending the batch again stores nothing new: each "
        "answer's `status` is 200 with its first feedback. `state` gives, per course answered "
        "in, the mastery after the replay and what practice presents now. The request itself "
        "is a 400 only when `answers` is not a list of 1 to ANSWER_BATCH_MAX (100) entries.",
    )
    def post(self, request: Request) -> Response:
        envelope = s.AnswerBatchInputSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        learner = request_user(request)
        queued, results = [], []
        for index, raw in enumerate(envelope.validated_data["answers"]):
            entry = s.AnswerSubmitInputSerializer(data=raw)
            if not entry.is_valid():
                error = validation_error_body(entry.errors)["error"]
                results.append(_result(index, _client_id_of(raw), 400, None, error))
                continue
            queued.append(QueuedAnswer(index=index, **s.submission_arguments(entry.validated_data)))
        outcome = answer_batch_submit(learner=learner, answers=queued)
        for done in outcome.results:
            if done.error is not None:
                error = application_error_body(done.error)["error"]
                results.append(
                    _result(done.index, done.client_id, status_for(done.error), None, error)
                )
            else:
                results.append(
                    _result(
                        done.index, done.client_id, 201 if done.created else 200, done.body, None
                    )
                )
        state = []
        for course in outcome.courses:
            snapshot, recommendation = selectors.practice_next(learner=learner, course=course)
            state.append(
                {
                    "course": course.slug,
                    "next": activity_view(snapshot, recommendation),
                    "mastery": selectors.course_mastery(learner=learner, course=course),
                }
            )
        body = {"results": sorted(results, key=lambda result: result["index"]), "state": state}
        return Response(s.AnswerBatchOutputSerializer(body).data)


def _result(
    index: int, client_id: object, status: int, feedback: object, error: object
) -> dict[str, Any]:
    return {
        "index": index,
        "client_id": client_id,
        "status": status,
        "feedback": feedback,
        "error": error,
    }


def _client_id_of(raw: object) -> str | None:
    """The entry's client_id when it is a valid one, so the client can match the refusal."""
    if not isinstance(raw, dict):
        return None
    try:
        return str(s.ClientIdField().to_internal_value(raw.get("client_id")))
    except ValidationError:
        return None
