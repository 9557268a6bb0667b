from collections.abc import Sequence

from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from apps.accounts import selectors, services
from apps.accounts.api import serializers as s
from apps.accounts.lockout import LockedOut, lockout_username
from apps.accounts.models import Classroom, Role, User
from apps.accounts.permissions import IsLearner, IsTeacherOrAdmin
from apps.accounts.requests import request_user
from apps.core.exceptions import ApplicationError
from apps.core.throttling import AccountScopedRateThrottle

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid input; `error.fields` names each bad field."),
    401: OpenApiResponse(description="Not authenticated."),
    403: OpenApiResponse(description="Not allowed for this role."),
}


class AuthThrottleMixin:
    """The auth budget (``auth``), per client address and, where the request names one, per
    account: a school behind one NAT does not share one budget among its pupils."""

    throttle_classes: Sequence[type[BaseThrottle]] = [AccountScopedRateThrottle]
    throttle_scope = "auth"

    def throttle_account(self, request: Request) -> str | None:
        return None


class LoginThrottleMixin(AuthThrottleMixin):
    def throttle_account(self, request: Request) -> str | None:
        # Normalised as the lockout counts it: `Learner` and `ｌｅａｒｎｅｒ` share a budget.
        data = request.data if isinstance(request.data, dict) else {}
        return lockout_username(request, {"username": data.get("username")})


class RefreshThrottleMixin(AuthThrottleMixin):
    """Refresh (and logout, which sends the refresh token) keyed on the token's user, read
    from the verified claims (a signature check, no query); a token that does not verify is
    keyed on the address alone. Refresh has its own, higher budget (``auth_refresh``): apps
    refresh every few minutes per pupil."""

    def throttle_account(self, request: Request) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        token = data.get("refresh")
        if not isinstance(token, str) or not token:
            return None
        try:
            # The annotation says Token; it decodes the encoded string (what views pass it).
            claims = token_backend.decode(token, verify=True)  # type: ignore[arg-type]
        except TokenBackendError:
            return None
        user_id = claims.get(jwt_settings.USER_ID_CLAIM)
        return f"user:{user_id}" if user_id is not None else None


class RegisterApi(AuthThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=s.RegisterInputSerializer,
        responses={201: s.RegisterOutputSerializer, **ERROR_RESPONSES},
        summary="Create a learner account (optionally asking to become a teacher)",
        description=(
            "Always creates a learner, unless `invitation` holds a valid teacher invitation. "
            "`request_teacher` (or the older `role: teacher`) files a teacher request that an "
            "admin approves; until then the account is a learner and `teacher_request` is "
            "`pending`. An e-mail address already in use is accepted (its owner is told by "
            "mail), so the answer never reveals which addresses have accounts. The answer "
            "carries the account's first token pair (`access`, `refresh`), as a login would."
        ),
    )
    def post(self, request: Request) -> Response:
        data = s.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        user = services.user_sign_up(
            username=fields["username"],
            password=fields["password"],
            email=fields["email"],
            display_name=fields["display_name"],
            request_teacher=fields["request_teacher"] or fields["role"] == Role.TEACHER,
            teacher_note=fields["teacher_note"],
            invitation_token=fields["invitation"],
        )
        # Signed up is logged in: the pair a login would give (and its last_login update).
        refresh = RefreshToken.for_user(user)
        if jwt_settings.UPDATE_LAST_LOGIN:
            update_last_login(User, user)
        tokens = {"refresh": refresh, "access": refresh.access_token}
        body = s.RegisterOutputSerializer(user, context=tokens).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenObtainApi(LoginThrottleMixin, TokenObtainPairView):
    """Exchange username and password for an access and a refresh token.

    Failed passwords count towards the login lockout (apps.accounts.lockout); a locked-out
    client gets a 429 `locked_out`, even with the right password, until the cool-off ends."""

    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # axes flags the request it was handed (DRF's Request), not Django's.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(request) from None
            raise


class TokenRefreshApi(RefreshThrottleMixin, TokenRefreshView):
    """Exchange a refresh token for a new pair; the old refresh token is blacklisted."""

    throttle_scope = "auth_refresh"


class LogoutApi(RefreshThrottleMixin, APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=s.LogoutInputSerializer,
        responses={205: None, **ERROR_RESPONSES},
        summary="Log out this device: revoke the refresh token and the access token sent",
        description=(
            "Blacklists `refresh`. The access token in `Authorization: Bearer`, if any, is "
            "ended too: it gets a 401 `token_revoked` from then on. Other devices' tokens "
            "keep working."
        ),
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
        access = _bearer_access_token(request)
        if access is not None:
            services.access_token_revoke(
                jti=str(access[jwt_settings.JTI_CLAIM]), expires_at=int(access["exp"])
            )
        return Response(status=status.HTTP_205_RESET_CONTENT)


def _bearer_access_token(request: Request) -> AccessToken | None:
    """The valid access token the request carries, if any (an expired or forged one is no
    threat, so logout ignores it rather than failing)."""
    header = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(header) != 2 or header[0].lower() != "bearer":
        return None
    try:
        return AccessToken(header[1])
    except TokenError:
        return None


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


class TeacherRequestApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.TeacherRequestInputSerializer,
        responses={201: s.TeacherRequestOutputSerializer, **ERROR_RESPONSES},
        summary="Ask for a teacher account (learners); an admin approves or declines",
    )
    def post(self, request: Request) -> Response:
        data = s.TeacherRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        teacher_request = services.teacher_request_create(
            user=request_user(request), note=data.validated_data["note"]
        )
        return Response(
            s.TeacherRequestOutputSerializer(teacher_request).data, status=status.HTTP_201_CREATED
        )


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
