from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import selectors as account_selectors
from apps.accounts.permissions import IsLearner, IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.privacy.api import serializers as s
from apps.privacy.models import AuditSource, ClassroomDeparture
from apps.privacy.selectors import classroom_departures_queryset, deletion_request_latest
from apps.privacy.services.deletion import deletion_request_cancel, deletion_request_create
from apps.privacy.services.departures import classroom_learner_remove, classroom_leave
from apps.privacy.services.export import data_export

NO_REQUEST = OpenApiResponse(description="No deletion request (pending, for DELETE).")
DENIED = {
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not a learner account."),
}


class MyDataApi(APIView):
    permission_classes = [IsLearner]

    @extend_schema(
        responses={200: s.LearnerDataExportSerializer, **DENIED},
        summary="Download everything stored about me (learners)",
        description="One JSON document: profile, enrolments, answers with the learner model's "
        "predictions, attempts and placement results, mastery, recommendations given. Each "
        "download is recorded in the privacy audit log.",
    )
    def get(self, request: Request) -> Response:
        learner = request_user(request)
        export = data_export(learner=learner, actor=learner, source=AuditSource.API)
        response = Response(s.LearnerDataExportSerializer(export).data)
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response


class DeletionRequestApi(APIView):
    permission_classes = [IsLearner]

    @extend_schema(
        responses={200: s.DeletionRequestOutputSerializer, 404: NO_REQUEST, **DENIED},
        summary="My latest deletion request",
    )
    def get(self, request: Request) -> Response:
        deletion = deletion_request_latest(learner=request_user(request))
        if deletion is None:
            raise Http404
        return Response(s.DeletionRequestOutputSerializer(deletion).data)

    @extend_schema(
        request=s.DeletionRequestInputSerializer,
        responses={
            202: s.DeletionRequestOutputSerializer,
            400: OpenApiResponse(description="Wrong password; `error.fields.password`."),
            **DENIED,
        },
        summary="Ask for my account and data to be erased (learners)",
        description="Confirmed with the password. Carried out after the grace period "
        "(PRIVACY_ERASURE_GRACE_DAYS; `due_at`), or at once when it is 0 (`status` completed, "
        "and the account can no longer sign in). Asking again returns the pending request.",
    )
    def post(self, request: Request) -> Response:
        data = s.DeletionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deletion = deletion_request_create(
            learner=request_user(request),
            password=data.validated_data["password"],
            source=AuditSource.API,
        )
        return Response(
            s.DeletionRequestOutputSerializer(deletion).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        responses={200: s.DeletionRequestOutputSerializer, 404: NO_REQUEST, **DENIED},
        summary="Cancel my pending deletion request",
    )
    def delete(self, request: Request) -> Response:
        deletion = deletion_request_cancel(learner=request_user(request), source=AuditSource.API)
        return Response(s.DeletionRequestOutputSerializer(deletion).data)


class ClassroomLeaveApi(APIView):
    permission_classes = [IsLearner]

    @extend_schema(
        request=None,
        responses={
            200: s.ClassroomDepartureOutputSerializer,
            404: OpenApiResponse(description="Not a classroom you are in."),
            **DENIED,
        },
        summary="Leave a classroom (learners); the teacher sees it under 'Left the class'",
    )
    def post(self, request: Request, pk: int) -> Response:
        learner = request_user(request)
        classroom = get_object_or_404(account_selectors.classroom_list_for(user=learner), pk=pk)
        departure = classroom_leave(learner=learner, classroom=classroom)
        return Response(s.ClassroomDepartureOutputSerializer(departure).data)


class ClassroomLearnerRemoveApi(APIView):
    permission_classes = [IsTeacherOrAdmin]

    @extend_schema(
        request=None,
        responses={
            200: s.ClassroomDepartureOutputSerializer,
            401: OpenApiResponse(description="Not authenticated."),
            403: OpenApiResponse(description="Not a teacher or admin."),
            404: OpenApiResponse(description="Not your classroom, or not a learner in it."),
        },
        summary="Take a learner out of your classroom",
    )
    def post(self, request: Request, pk: int, learner_pk: int) -> Response:
        user = request_user(request)
        classroom = account_selectors.classroom_managed_by(user=user, pk=pk)
        learner = get_object_or_404(
            account_selectors.classroom_learners(classroom=classroom), pk=learner_pk
        )
        departure = classroom_learner_remove(classroom=classroom, learner=learner, removed_by=user)
        return Response(s.ClassroomDepartureOutputSerializer(departure).data)


class ClassroomDepartureListApi(GenericAPIView):  # type: ignore[type-arg]
    permission_classes = [IsTeacherOrAdmin]
    queryset = ClassroomDeparture.objects.none()  # the schema's model; requests use the selector
    serializer_class = s.ClassroomDepartureOutputSerializer

    @extend_schema(
        responses={
            200: s.ClassroomDepartureOutputSerializer(many=True),
            401: OpenApiResponse(description="Not authenticated."),
            403: OpenApiResponse(description="Not a teacher or admin."),
            404: OpenApiResponse(description="Not your classroom."),
        },
        summary="Learners who left your classroom, latest first",
    )
    def get(self, request: Request, pk: int) -> Response:
        classroom = account_selectors.classroom_managed_by(user=request_user(request), pk=pk)
        page = self.paginate_queryset(classroom_departures_queryset(classroom=classroom))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
