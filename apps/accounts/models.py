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
