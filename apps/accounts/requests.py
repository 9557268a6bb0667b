from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from apps.accounts.models import User


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a request that passed an authentication check, typed as ours."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
