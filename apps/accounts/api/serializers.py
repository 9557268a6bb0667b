from rest_framework import serializers

from apps.accounts import selectors
from apps.accounts.models import Classroom, Role, TeacherRequest, TeacherRequestStatus, User


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150,
        help_text="Letters, digits and @/./+/-/_; stored NFKC-normalised; unique ignoring case.",
    )
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    display_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150, default=""
    )
    role = serializers.ChoiceField(
        choices=[Role.LEARNER, Role.TEACHER],
        default=Role.LEARNER,
        help_text=(
            "Deprecated: `teacher` means `request_teacher: true`. Sign-up always creates a "
            "learner; an admin approves a teacher request (see `teacher_request` in the answer)."
        ),
    )
    request_teacher = serializers.BooleanField(
        default=False, help_text="Ask for a teacher account; an admin approves or declines it."
    )
    teacher_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text="For the admin who decides, e.g. your school.",
    )
    invitation = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=128,
        default="",
        help_text="A teacher invitation token: creates a teacher account at once (single use).",
    )


class UserOutputSerializer(serializers.ModelSerializer):
    # Optional, so "" when none was given: not an address, hence no `format: email` here.
    email = serializers.CharField(read_only=True)
    teacher_request = serializers.SerializerMethodField(
        help_text="Your latest request to become a teacher: null if you never asked."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "display_name",
            "role",
            "teacher_request",
            "date_joined",
        ]
        read_only_fields = fields

    def get_teacher_request(self, user: User) -> TeacherRequestStatus | None:
        status = selectors.teacher_request_status(user=user)
        return TeacherRequestStatus(status) if status else None


class RegisterOutputSerializer(UserOutputSerializer):
    """The new account and its first token pair, so signing up is one call. The tokens come in
    the context (``access``, ``refresh``): the view issues them."""

    access = serializers.SerializerMethodField(help_text="A JWT access token (Bearer).")
    refresh = serializers.SerializerMethodField(
        help_text="A JWT refresh token, for POST /api/v1/auth/token/refresh/."
    )

    class Meta(UserOutputSerializer.Meta):
        fields = [*UserOutputSerializer.Meta.fields, "access", "refresh"]
        read_only_fields = fields

    def get_access(self, user: User) -> str:
        return str(self.context["access"])

    def get_refresh(self, user: User) -> str:
        return str(self.context["refresh"])


class TeacherRequestInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="", help_text="e.g. your school"
    )


class TeacherRequestOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeacherRequest
        fields = ["id", "status", "note", "created_at", "decided_at"]
        read_only_fields = fields


class MeUpdateInputSerializer(serializers.Serializer):
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True)


class LogoutInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="The refresh token to revoke.")


class ClassroomOutputSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    learner_count = serializers.IntegerField(read_only=True)
    join_code = serializers.SerializerMethodField()

    class Meta:
        model = Classroom
        fields = ["id", "name", "owner", "join_code", "join_enabled", "learner_count", "created_at"]
        read_only_fields = fields

    def get_join_code(self, classroom: Classroom) -> str | None:
        # The code is the teacher's to share; learners already inside don't need it.
        user = self.context["request"].user
        return (
            classroom.join_code if (user.is_admin_role or classroom.owner_id == user.id) else None
        )


class ClassroomCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class ClassroomUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    join_enabled = serializers.BooleanField(required=False)


class ClassroomJoinInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text="The join code the teacher shared.")


class ClassroomLearnerOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields
