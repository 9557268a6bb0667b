"""Conditional GET for course content: an ETag on every read, 304 when the client has it.

The ETag is a hash of the body the user would get (Django's ConditionalGetMiddleware, applied
per view), so it is right by construction: authors and learners see different bodies and so
different tags, and any change to the content, however it was made, changes the tag. A mobile
client revalidates its cached course with If-None-Match and gets a bodiless 304 when nothing
changed. `private, no-cache`: per-user content that a client may keep but must revalidate.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import conditional_page
from rest_framework.views import APIView


class RevalidatedView(APIView):
    """Mixin for an API view of course content: its URL answers conditional GETs
    (``revalidated``), and the schema lists the 304 (``conditional_get``)."""

    conditional_get = True

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:  # DRF's view function, wrapped (same attributes)
        return revalidated(super().as_view(**initkwargs))


def revalidated(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    conditional = conditional_page(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = conditional(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Authorization",))
        return response

    return wrapper
