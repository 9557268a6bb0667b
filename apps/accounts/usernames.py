"""The one rule for usernames: every way a user is created or renamed calls ``username_clean``.

A username is NFKC-normalised (so fullwidth ``ｌｅａｒｎｅｒ`` becomes ``learner``), may not hold
invisible characters (zero-width space, other Unicode format / control characters), passes
Django's ``UnicodeUsernameValidator`` (letters, digits and ``@ . + - _``) and may not equal an
existing username case-insensitively. ``Lower("username")`` is also unique in the database
(``unique_username_case_insensitive``), the backstop when two sign-ups race.

Case folding in the database: PostgreSQL's ``lower()`` folds all of Unicode; SQLite's folds ASCII
only, so there ``JOSÉ`` next to ``josé`` is caught by neither the check nor the constraint (ASCII
names, the common case, are caught on both).

Login looks the name up the same way (``user_for_login``): ``Learner`` or fullwidth
``ｌｅａｒｎｅｒ`` signs in as ``learner``; the uniqueness rule makes the match unambiguous.
"""

import unicodedata

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Lower

from apps.accounts.models import User

USERNAME_MAX_LENGTH = 150
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
TAKEN_MESSAGE = "A user with that username already exists."


def username_normalise(value: str) -> str:
    """NFKC and no surrounding whitespace; long input is left alone (the length check refuses it
    before normalising, which is slow on huge strings)."""
    value = value.strip()
    if len(value) > USERNAME_MAX_LENGTH:
        return value
    return unicodedata.normalize("NFKC", value).strip()


def username_clean(value: str, *, exclude_pk: int | None = None) -> str:
    """Return the username to store, or raise ValidationError naming what is wrong.

    ``exclude_pk`` is the user being renamed, whose own current name is not a clash.
    """
    username = username_normalise(value)
    if not username:
        raise ValidationError("A username is required.", code="required")
    if len(username) > USERNAME_MAX_LENGTH:
        raise ValidationError(f"Use at most {USERNAME_MAX_LENGTH} characters.", code="max_length")
    if any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in username):
        raise ValidationError(
            "Usernames cannot contain invisible or control characters.", code="invisible"
        )
    UnicodeUsernameValidator()(username)
    clashes = _same_name(username)
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    if clashes.exists():
        raise ValidationError(TAKEN_MESSAGE, code="unique")
    return username


def user_for_login(value: str) -> User | None:
    """The account a typed username means: the exact name first, else the one case variant."""
    username = username_normalise(value)
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    matches = list(_same_name(username)[:2])
    return matches[0] if len(matches) == 1 else None


def _same_name(username: str) -> QuerySet[User]:
    # Python's lower() on our side, the database's lower() on the column: the same function the
    # unique constraint indexes, so the check and the constraint agree.
    return User.objects.alias(username_lower=Lower("username")).filter(
        username_lower=username.lower()
    )
