"""The user behind an access token, cached, so an authenticated API request costs no query.

An entry is keyed by the token's ``jti`` and holds the user with the user's *generation*: a
random value kept under the user's id and replaced whenever the user row changes (saved or
deleted: a role, ``is_active`` or the password) or one of their tokens is revoked. An entry
counts only while its generation is the current one, so every change is seen by the next
request of every process. Whatever goes missing (an evicted key, a cache outage) is a miss,
never a stale hit: entries always carry a generation, and a missing one matches none. Entries
also expire after ``AUTH_TOKEN_CACHE_SECONDS``.
"""

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts.models import User

ALIAS = "auth"


def _token_key(jti: str) -> str:
    return f"token:{jti}"


def _generation_key(user_id: object) -> str:
    return f"user-gen:{user_id}"


def cached_user(*, user_id: object, jti: str) -> tuple[User | None, str | None]:
    """The user cached for this token while nothing changed since (else None), and the
    user's current generation, to pass to ``remember_user`` after reading the user: read
    *before* the user is, so a change in between leaves the entry marked stale."""
    cache = caches[ALIAS]
    found = cache.get_many([_token_key(jti), _generation_key(user_id)])
    entry: tuple[str, User] | None = found.get(_token_key(jti))
    generation: str | None = found.get(_generation_key(user_id))
    if generation is None:
        # None yet (or evicted): start one. A change racing this replaces it, so an entry
        # stored under the one read back here is not trusted then either.
        cache.add(_generation_key(user_id), uuid.uuid4().hex, timeout=None)
        return None, cache.get(_generation_key(user_id))
    if entry is None or entry[0] != generation:
        return None, generation
    user = entry[1]
    return (user if str(user.pk) == str(user_id) else None), generation


def remember_user(*, user: User, jti: str, generation: str | None) -> None:
    """Cache a user just read and checked for this token, under the generation
    ``cached_user`` returned before the user was read."""
    if generation is not None:
        caches[ALIAS].set(
            _token_key(jti), (generation, user), timeout=settings.AUTH_TOKEN_CACHE_SECONDS
        )


def forget_user(user_id: object) -> None:
    """Invalidate every cached token of this user (the next request reads the database)."""
    caches[ALIAS].set(_generation_key(user_id), uuid.uuid4().hex, timeout=None)


def forget_token(jti: str) -> None:
    caches[ALIAS].delete(_token_key(jti))


@receiver([post_save, post_delete], sender=User, dispatch_uid="token-cache-user-changed")
def _user_changed(sender: type[User], instance: User, **kwargs: Any) -> None:
    forget_user(instance.pk)
