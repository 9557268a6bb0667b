"""Who may open which page. Anonymous visitors go to the login page; a signed-in user with the
wrong role gets 403; a teacher asking for a classroom that is not theirs gets 404 (the
selectors scope the lookup), so pages never reveal what exists elsewhere."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from apps.accounts.models import User

View = Callable[..., HttpResponse]


class AuthedRequest(HttpRequest):
    """A request behind ``login_required``: its user is a real account, not AnonymousUser."""

    user: User


def learner_required(view: View) -> View:
    """Pages about one's own learning: practice, map, history, placement."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_learner:
            raise PermissionDenied("These pages are for learner accounts.")
        return view(request, *args, **kwargs)

    return wrapper


def teacher_required(view: View) -> View:
    """Pages about classes: teachers (their own classrooms) and admins (all)."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_teacher or user.is_admin_role):
            raise PermissionDenied("These pages are for teachers and admins.")
        return view(request, *args, **kwargs)

    return wrapper
