"""JWT authentication that honours logout: simplejwt's checks, then the denylist."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.accounts import selectors, token_cache
from apps.accounts.models import User


class DenylistJWTAuthentication(JWTAuthentication):
    """Refuses an access token ended by ``POST /api/v1/auth/logout/``.

    The denylist is read in the same query that loads the token's user (an EXISTS on the
    unique ``jti``), so honouring logout costs no extra statement, and only after the signature
    and expiry passed: garbage tokens never reach the database. The checked user is then
    cached for the token (``token_cache``) until the user changes or the token is revoked, so
    most requests cost no query at all.
    """

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]  # AuthUser is our User
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken("Token contained no recognizable user identification") from exc
        jti = validated_token.get(api_settings.JTI_CLAIM)
        if not jti:
            return self._checked_user(user_id, jti, validated_token)
        cached, generation = token_cache.cached_user(user_id=user_id, jti=str(jti))
        if cached is not None:  # checked as below when it was cached, and unchanged since
            return cached
        user = self._checked_user(user_id, jti, validated_token)
        token_cache.remember_user(user=user, jti=str(jti), generation=generation)
        return user

    def _checked_user(self, user_id: object, jti: object, validated_token: Token) -> User:
        found = selectors.user_for_access_token(user_id=str(user_id), jti=str(jti) if jti else None)
        if found is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        user, revoked = found
        if revoked:
            raise AuthenticationFailed(
                "This access token was ended by a logout; sign in again.", code="token_revoked"
            )
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(
                "The user's password has been changed.", code="password_changed"
            )
        return user


class DenylistJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme: the same bearer JWT as simplejwt's."""

    target_class = "apps.accounts.authentication.DenylistJWTAuthentication"
