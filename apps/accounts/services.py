"""Writes for users and classrooms. Views, the API and commands call these, nothing else."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import Classroom, Enrollment, Role, User
from apps.accounts.usernames import TAKEN_MESSAGE, username_clean
from apps.core.exceptions import ApplicationError, Forbidden

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in class
JOIN_CODE_LENGTH = 8
SELF_SERVICE_ROLES = (Role.LEARNER, Role.TEACHER)


def _new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    role: str = Role.LEARNER,
    display_name: str = "",
    allow_any_role: bool = False,
) -> User:
    """Create an account. Sign-up may choose learner or teacher; only admins create admins."""
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        username = username_clean(username)
    except ValidationError as error:
        errors["username"] = list(error.messages)
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."]
    elif role not in SELF_SERVICE_ROLES and not allow_any_role:
        errors["role"] = ["Only an administrator can create administrator accounts."]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["A user with that e-mail address already exists."]
    user = User(username=username, email=email, role=role, display_name=display_name)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ApplicationError("The account could not be created.", fields=errors)
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # a concurrent sign-up took the name first
        raise ApplicationError(
            "The account could not be created.",
            fields={"username": [TAKEN_MESSAGE]},
        ) from error
    return user


def user_set_role(*, user: User, role: str) -> User:
    if role not in Role.values:
        raise ApplicationError("Unknown role.", fields={"role": [f"Unknown role {role!r}."]})
    user.role = role
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    return user


def user_update_profile(
    *, user: User, display_name: str | None = None, email: str | None = None
) -> User:
    fields = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if email is not None:
        email = email.strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise ApplicationError(
                "The profile could not be saved.",
                fields={"email": ["A user with that e-mail address already exists."]},
            )
        user.email = email
        fields.append("email")
    if fields:
        user.save(update_fields=fields)
    return user


def _save_with_fresh_code(classroom: Classroom, update_fields: list[str] | None) -> None:
    # The unique constraint, not a pre-check, decides; retry on the (rare) collision.
    for _ in range(10):
        classroom.join_code = _new_join_code()
        try:
            with transaction.atomic():
                classroom.save(update_fields=update_fields)
            return
        except IntegrityError:
            continue
    raise ApplicationError("Could not generate a unique join code; try again.", code="conflict")


def classroom_create(*, owner: User, name: str, join_enabled: bool = True) -> Classroom:
    if not (owner.is_teacher or owner.is_admin_role):
        raise Forbidden("Only teachers and admins create classrooms.")
    name = name.strip()
    if not name:
        raise ApplicationError(
            "A classroom needs a name.", fields={"name": ["This field may not be blank."]}
        )
    classroom = Classroom(owner=owner, name=name, join_enabled=join_enabled)
    _save_with_fresh_code(classroom, update_fields=None)
    return classroom


def classroom_regenerate_code(*, classroom: Classroom) -> Classroom:
    """Issue a new join code; the old one stops working at once."""
    _save_with_fresh_code(classroom, update_fields=["join_code", "updated_at"])
    return classroom


def classroom_set_joining(*, classroom: Classroom, enabled: bool) -> Classroom:
    classroom.join_enabled = enabled
    classroom.save(update_fields=["join_enabled", "updated_at"])
    return classroom


def classroom_rename(*, classroom: Classroom, name: str) -> Classroom:
    name = name.strip()
    if not name:
        raise ApplicationError(
            "A classroom needs a name.", fields={"name": ["This field may not be blank."]}
        )
    classroom.name = name
    classroom.save(update_fields=["name", "updated_at"])
    return classroom


@transaction.atomic
def classroom_update(
    *, classroom: Classroom, name: str | None = None, join_enabled: bool | None = None
) -> Classroom:
    """Rename and / or open or close joining, both or neither."""
    if name is not None:
        classroom_rename(classroom=classroom, name=name)
    if join_enabled is not None:
        classroom_set_joining(classroom=classroom, enabled=join_enabled)
    return classroom


def classroom_join(*, learner: User, code: str) -> Enrollment:
    """Enrol a learner by join code. Joining twice is harmless and returns the same enrolment."""
    if not learner.is_learner:
        raise ApplicationError(
            "Only learner accounts join classrooms.",
            fields={"code": ["Sign in as a learner to join."]},
        )
    normalised = normalise_join_code(code)
    classroom = Classroom.objects.filter(join_code=normalised).first() if normalised else None
    if classroom is None:
        raise ApplicationError(
            "That join code is not valid.",
            code="invalid_code",
            fields={"code": ["No classroom has this join code. Check it with your teacher."]},
        )
    if not classroom.join_enabled:
        raise ApplicationError(
            "Joining this classroom is closed.",
            code="joining_disabled",
            fields={"code": ["The teacher has closed joining for this classroom."]},
        )
    enrollment, _ = Enrollment.objects.get_or_create(classroom=classroom, learner=learner)
    return enrollment


def classroom_remove_learner(*, classroom: Classroom, learner: User) -> None:
    Enrollment.objects.filter(classroom=classroom, learner=learner).delete()
