from collections.abc import Sequence

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from apps.accounts import selectors, services
from apps.accounts.api import serializers as s
from apps.accounts.models import Classroom, User
from apps.accounts.permissions import IsLearner, IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.core.exceptions import ApplicationError
from apps.core.throttling import ResilientScopedRateThrottle

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid input; `error.fields` names each bad field."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not allowed for this role."),
}


class AuthThrottleMixin:
    throttle_classes: Sequence[type[BaseThrottle]] = [ResilientScopedRateThrottle]
    throttle_scope = "auth"


class RegisterApi(AuthThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=s.RegisterInputSerializer,
        responses={201: s.UserOutputSerializer, **ERROR_RESPONSES},
        summary="Create a learner or teacher account",
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(**data.validated_data)
        return Response(s.UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainApi(AuthThrottleMixin, TokenObtainPairView):
    """Exchange username and password for an access and a refresh token."""


class TokenRefreshApi(AuthThrottleMixin, TokenRefreshView):
    """Exchange a refresh token for a new pair; the old refresh token is blacklisted."""


class LogoutApi(AuthThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=s.LogoutInputSerializer,
        responses={205: None, **ERROR_RESPONSES},
        summary="Revoke a refresh token (log out this device)",
    )
    def post(self, request: Request) -> Response:
        data = s.LogoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            RefreshToken(data.validated_data["refresh"]).blacklist()
        except TokenError as error:
            raise ApplicationError(
                "The refresh token is invalid or already revoked.",
                code="token_not_valid",
                fields={"refresh": [str(error)]},
            ) from error
        return Response(status=status.HTTP_205_RESET_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.UserOutputSerializer, 401: ERROR_RESPONSES[401]})
    def get(self, request: Request) -> Response:
        return Response(s.UserOutputSerializer(request.user).data)

    @extend_schema(
        request=s.MeUpdateInputSerializer,
        responses={200: s.UserOutputSerializer, **ERROR_RESPONSES},
    )
    def patch(self, request: Request) -> Response:
        data = s.MeUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request_user(request), **data.validated_data)
        return Response(s.UserOutputSerializer(user).data)


class ClassroomListCreateApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ClassroomOutputSerializer

    def get_permissions(self):  # type: ignore[no-untyped-def]
        if self.request.method == "POST":
            return [IsTeacherOrAdmin()]
        return [IsAuthenticated()]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return Classroom.objects.none()
        return selectors.classroom_list_for(user=request_user(self.request))

    @extend_schema(
        responses={200: s.ClassroomOutputSerializer(many=True)}, summary="Classrooms you can see"
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=s.ClassroomCreateInputSerializer,
        responses={201: s.ClassroomOutputSerializer, **ERROR_RESPONSES},
        summary="Create a classroom (teachers and admins)",
    )
    def post(self, request: Request) -> Response:
        data = s.ClassroomCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        classroom = services.classroom_create(owner=request_user(request), **data.validated_data)
        classroom = selectors.classroom_get_for(user=request_user(request), pk=classroom.pk)
        return Response(self.get_serializer(classroom).data, status=status.HTTP_201_CREATED)


class ClassroomDetailApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.ClassroomOutputSerializer

    @extend_schema(
        responses={200: s.ClassroomOutputSerializer, 404: OpenApiResponse(description="Not yours.")}
    )
    def get(self, request: Request, pk: int) -> Response:
        classroom = selectors.classroom_get_for(user=request_user(request), pk=pk)
        return Response(self.get_serializer(classroom).data)

    @extend_schema(
        request=s.ClassroomUpdateInputSerializer,
        responses={200: s.ClassroomOutputSerializer, **ERROR_RESPONSES},
        summary="Rename, or open / close joining (owner or admin)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        classroom = selectors.classroom_managed_by(user=request_user(request), pk=pk)
        data = s.ClassroomUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.classroom_update(
            classroom=classroom,
            name=data.validated_data.get("name"),
            join_enabled=data.validated_data.get("join_enabled"),
        )
        classroom = selectors.classroom_get_for(user=request_user(request), pk=pk)
        return Response(self.get_serializer(classroom).data)


class ClassroomRegenerateCodeApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    serializer_class = s.ClassroomOutputSerializer

    @extend_schema(
        request=None,
        responses={200: s.ClassroomOutputSerializer, **ERROR_RESPONSES},
        summary="Issue a new join code; the old one stops working",
    )
    def post(self, request: Request, pk: int) -> Response:
        classroom = selectors.classroom_managed_by(user=request_user(request), pk=pk)
        services.classroom_regenerate_code(classroom=classroom)
        classroom = selectors.classroom_get_for(user=request_user(request), pk=pk)
        return Response(self.get_serializer(classroom).data)


class ClassroomLearnersApi(GenericAPIView):
    permission_classes = [IsTeacherOrAdmin]
    queryset = User.objects.none()  # the schema's model; requests use the classroom's learners
    serializer_class = s.ClassroomLearnerOutputSerializer

    @extend_schema(
        responses={200: s.ClassroomLearnerOutputSerializer(many=True)}, summary="Learners enrolled"
    )
    def get(self, request: Request, pk: int) -> Response:
        classroom = selectors.classroom_managed_by(user=request_user(request), pk=pk)
        page = self.paginate_queryset(selectors.classroom_learners(classroom=classroom))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ClassroomJoinApi(APIView):
    permission_classes = [IsLearner]

    @extend_schema(
        request=s.ClassroomJoinInputSerializer,
        responses={200: s.ClassroomOutputSerializer, **ERROR_RESPONSES},
        summary="Join a classroom with its code (learners)",
    )
    def post(self, request: Request) -> Response:
        data = s.ClassroomJoinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.classroom_join(
            learner=request_user(request), code=data.validated_data["code"]
        )
        classroom = selectors.classroom_get_for(
            user=request_user(request), pk=enrollment.classroom_id
        )
        return Response(s.ClassroomOutputSerializer(classroom, context={"request": request}).data)
