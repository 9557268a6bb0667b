"""The "Left the class" list on a classroom's page, loaded by the template itself so every view
that renders that page shows it."""

from typing import Any

from django import template

from apps.accounts.models import Classroom
from apps.privacy.selectors import classroom_departures as departures_of

register = template.Library()


@register.inclusion_tag("web/privacy/departures.html")
def classroom_departures(classroom: Classroom) -> dict[str, Any]:
    return {"departures": departures_of(classroom=classroom)}
