"""Writes for users, sign-up, teacher requests and invitations, classrooms and the logout
denylist. Views, the API, the admin and commands call these, nothing else."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts import token_cache
from apps.accounts.models import (
    AccessTokenDenylist,
    Classroom,
    Enrollment,
    Role,
    TeacherInvitation,
    TeacherRequest,
    TeacherRequestStatus,
    User,
)
from apps.accounts.usernames import TAKEN_MESSAGE, username_clean
from apps.core.exceptions import ApplicationError, Conflict, Forbidden

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in class
JOIN_CODE_LENGTH = 8
# Anyone may make a learner; teachers come from an approved request or an invitation
# (user_sign_up, teacher_request_approve), admins from admins.
SELF_SERVICE_ROLES = (Role.LEARNER,)


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
    """Create an account. Without ``allow_any_role`` (admins, invitations, the demo seed) it is
    a learner. E-mail addresses are contact addresses, not identities (login is by username and
    no address is verified), so two accounts may share one: refusing a duplicate would tell
    anyone which addresses have accounts here. Sign-up tells the address's owner instead."""
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        username = username_clean(username)
    except ValidationError as error:
        errors["username"] = list(error.messages)
    if role not in Role.values:
        errors["role"] = [f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."]
    elif role not in SELF_SERVICE_ROLES and not allow_any_role:
        errors["role"] = [f"Only an administrator can create {role} accounts."]
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
        # Shared addresses are allowed (see user_create); the owners hear of it by mail.
        email = email.strip().lower()
        if email and email != user.email:
            email_in_use_notify_later(user=user, email=email)
        user.email = email
        fields.append("email")
    if fields:
        user.save(update_fields=fields)
    return user


def password_reset_request(*, email: str, domain: str, use_https: bool) -> None:
    """Queue the reset mail. The task, not the request, looks the address up, so the answer
    and its timing are the same whether or not an account has it."""
    from apps.accounts.tasks import send_password_reset

    transaction.on_commit(
        lambda: send_password_reset.delay(email=email, domain=domain, use_https=use_https)
    )


def email_in_use_notify_later(*, user: User, email: str) -> None:
    """If other accounts have ``email``, mail that address (from a task, after commit) that
    ``user`` now uses it too. The caller's answer does not change, so nobody learns from it
    whether the address was known; the query runs either way, so the timing hardly differs."""
    from apps.accounts.tasks import notify_email_in_use

    if User.objects.filter(email__iexact=email, is_active=True).exclude(pk=user.pk).exists():
        user_id = user.pk
        transaction.on_commit(lambda: notify_email_in_use.delay(user_id=user_id, email=email))


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


# --- Sign-up, teacher requests and invitations -------------------------------------------


@transaction.atomic
def user_sign_up(
    *,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    request_teacher: bool = False,
    teacher_note: str = "",
    invitation_token: str = "",
) -> User:
    """The public sign-up (browser and API). It makes a learner, who may ask to become a
    teacher (an admin decides); a valid invitation makes a teacher at once and is used up."""
    invitation = _invitation_claim(token=invitation_token) if invitation_token else None
    user = user_create(
        username=username,
        password=password,
        # The invitation was mailed to its address, so that address is the teacher's.
        email=invitation.email if invitation else email,
        role=Role.TEACHER if invitation else Role.LEARNER,
        display_name=display_name,
        allow_any_role=invitation is not None,
    )
    if invitation is not None:
        invitation.used_at, invitation.used_by = timezone.now(), user
        invitation.save(update_fields=["used_at", "used_by", "updated_at"])
    elif request_teacher:
        teacher_request_create(user=user, note=teacher_note)
    if user.email:
        email_in_use_notify_later(user=user, email=user.email)
    return user


def teacher_request_create(*, user: User, note: str = "") -> TeacherRequest:
    """Ask for a teacher account. Asking again while a request is open returns that request
    (the partial unique constraint, not a pre-check, decides)."""
    if not user.is_learner:
        raise ApplicationError(
            "Only learner accounts can ask to become teachers.",
            code="not_a_learner",
            fields={"request_teacher": [f"This account is already a {user.role}."]},
        )
    request, _ = TeacherRequest.objects.get_or_create(
        user=user, status=TeacherRequestStatus.PENDING, defaults={"note": note.strip()[:500]}
    )
    return request


def _teacher_request_decide(*, request: TeacherRequest, by: User, status: str) -> TeacherRequest:
    locked = TeacherRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if locked.status != TeacherRequestStatus.PENDING:
        raise Conflict(f"This request was already {locked.status}.")
    locked.status, locked.decided_by, locked.decided_at = status, by, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return locked


@transaction.atomic
def teacher_request_approve(*, request: TeacherRequest, by: User) -> TeacherRequest:
    """The one way a request turns a learner into a teacher."""
    decided = _teacher_request_decide(request=request, by=by, status=TeacherRequestStatus.APPROVED)
    if decided.user.is_learner:  # never demote an account an admin has since promoted
        user_set_role(user=decided.user, role=Role.TEACHER)
    return decided


@transaction.atomic
def teacher_request_decline(*, request: TeacherRequest, by: User) -> TeacherRequest:
    return _teacher_request_decide(request=request, by=by, status=TeacherRequestStatus.DECLINED)


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: TeacherInvitation
    token: str  # shown (and mailed) once; only its hash is stored


INVITATION_VALIDITY = timedelta(days=7)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def teacher_invitation_create(
    *, email: str, by: User | None, valid_for: timedelta = INVITATION_VALIDITY
) -> IssuedInvitation:
    token = secrets.token_urlsafe(32)
    invitation = TeacherInvitation.objects.create(
        email=email.strip().lower(),
        token_hash=_token_hash(token),
        expires_at=timezone.now() + valid_for,
        created_by=by,
    )
    return IssuedInvitation(invitation=invitation, token=token)


def _invitation_claim(*, token: str) -> TeacherInvitation:
    """The invitation for ``token``, locked until the sign-up commits, so two sign-ups racing
    with one token cannot both use it."""
    invitation = (
        TeacherInvitation.objects.select_for_update()
        .filter(token_hash=_token_hash(token.strip()))
        .first()
    )
    if invitation is None:
        problem = "This invitation link is not valid. Check that you copied all of it."
    elif invitation.used_at is not None:
        problem = "This invitation has already been used. Ask an administrator for a new one."
    elif invitation.expires_at <= timezone.now():
        problem = "This invitation has expired. Ask an administrator for a new one."
    else:
        return invitation
    raise ApplicationError(
        "The account could not be created.",
        code="invalid_invitation",
        fields={"invitation": [problem]},
    )


# --- Access tokens ended at logout ------------------------------------------------------


def access_token_revoke(*, jti: str, expires_at: int) -> AccessTokenDenylist:
    """Deny the access token ``jti`` until its ``exp`` (a Unix time); revoking twice is fine."""
    entry, _ = AccessTokenDenylist.objects.get_or_create(
        jti=jti, defaults={"expires_at": datetime.fromtimestamp(expires_at, tz=UTC)}
    )
    token_cache.forget_token(jti)
    transaction.on_commit(lambda: token_cache.forget_token(jti))  # a request racing the logout
    return entry


def access_token_denylist_prune(*, now: datetime | None = None) -> int:
    """Drop entries whose tokens have expired: the signature check refuses those anyway."""
    deleted, _ = AccessTokenDenylist.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
