"""Marking an API endpoint deprecated: ``Deprecation``, ``Sunset`` and ``Link`` headers on its
responses (RFC 9745, RFC 8594) and ``deprecated: true`` in the OpenAPI schema.

    @deprecated(since=datetime(2027, 1, 1, tzinfo=UTC), sunset=..., link="https://...")
    def post(self, request): ...        # one method of a view, or the whole view class

``DeprecationHeadersMiddleware`` adds the headers; ``apps.core.schema.ApiAutoSchema`` reads the
same mark, so the headers and the schema cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.utils.http import http_date

Target = TypeVar("Target")
MARK = "api_deprecation"


@dataclass(frozen=True)
class Deprecation:
    since: datetime  # when it was deprecated (may be in the future: announced ahead)
    sunset: datetime | None = None  # when it stops answering
    link: str | None = None  # where the replacement and the migration are described

    def headers(self) -> dict[str, str]:
        headers = {"Deprecation": f"@{int(self.since.timestamp())}"}
        if self.sunset is not None:
            headers["Sunset"] = http_date(self.sunset.timestamp())
        if self.link:
            headers["Link"] = f'<{self.link}>; rel="deprecation"'
        return headers


def deprecated(
    *, since: datetime, sunset: datetime | None = None, link: str | None = None
) -> Callable[[Target], Target]:
    if since.tzinfo is None or (sunset is not None and sunset.tzinfo is None):
        raise ValueError("Deprecation dates must be timezone-aware.")
    mark = Deprecation(since=since, sunset=sunset, link=link)

    def apply(target: Target) -> Target:
        setattr(target, MARK, mark)
        return target

    return apply


def deprecation_for(view_class: type | None, method: str) -> Deprecation | None:
    """The mark on the view's handler for ``method``, else on the view class."""
    if view_class is None:
        return None
    handler: Any = getattr(view_class, method.lower(), None)
    found = getattr(handler, MARK, None) or getattr(view_class, MARK, None)
    return found if isinstance(found, Deprecation) else None
