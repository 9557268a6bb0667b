from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from apps.core.models import TimeStampedModel


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    TEACHER = "teacher", "Teacher"
    ADMIN = "admin", "Admin"


class AccountManager(UserManager["User"]):
    # createsuperuser and any create_user caller meet the same username rule as sign-up; the
    # rule lives in apps.accounts.usernames (imported late: it imports this module).
    def create_user(self, username, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def, override]
        from apps.accounts.usernames import username_clean

        return super().create_user(username_clean(username), email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def, override]
        from apps.accounts.usernames import username_clean

        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username_clean(username), email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Login (ModelBackend, the JWT token view) and createsuperuser's "is it taken?" look
        # users up here: case- and NFKC-insensitively, like the uniqueness rule.
        from apps.accounts.usernames import user_for_login

        user = user_for_login(username or "")
        if user is None:
            raise self.model.DoesNotExist
        return user


class User(AbstractUser):
    """A person using the system. ``role`` decides what they may see; admins are also staff."""

    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.LEARNER, db_index=True
    )
    display_name = models.CharField(max_length=150, blank=True)

    objects = AccountManager()  # type: ignore[misc]  # django-stubs types it a ClassVar

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="unique_username_case_insensitive",
                violation_error_message="A user with that username already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_learner(self) -> bool:
        return self.role == Role.LEARNER

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def shown_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Classroom(TimeStampedModel):
    """A teacher's class. Learners enrol with the join code while joining is enabled."""

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_classrooms"
    )
    join_code = models.CharField(max_length=16, unique=True)
    join_enabled = models.BooleanField(default=True)
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrollment", related_name="classrooms"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "learner"], name="unique_enrollment")
        ]
        ordering = ["joined_at"]

    def __str__(self) -> str:
        return f"{self.learner} in {self.classroom}"


class TeacherRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class TeacherRequest(TimeStampedModel):
    """A learner asking for a teacher account. The account stays a learner until an admin
    approves (teachers create classrooms and see their learners' work, so schools vet them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_requests"
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="What the person wrote, e.g. their school."
    )
    status = models.CharField(
        max_length=16,
        choices=TeacherRequestStatus.choices,
        default=TeacherRequestStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Asking twice while a request is open is the same request, not a second one.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_teacher_request_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.status})"


class TeacherInvitation(TimeStampedModel):
    """A one-time sign-up link that creates a teacher directly. Only the token's SHA-256 is
    stored, so a leaked database (or an admin page) does not hand out usable invitations."""

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email


class AccessTokenDenylist(models.Model):
    """Access tokens ended by a logout, kept until they would have expired anyway. In the
    database, not the cache: a Redis restart or outage must not bring a revoked token back."""

    jti = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.jti
