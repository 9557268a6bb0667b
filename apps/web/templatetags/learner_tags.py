"""Numbers and times on the learner's pages, worded so they never contradict themselves."""

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from apps.recommendations.engine.mastery import shown_percent

register = template.Library()

# Under a minute, "0 minutes ago" reads like a bug.
JUST_NOW_SECONDS = 60


@register.filter
def pct(probability: float | None) -> int | str:
    """A probability as a whole percentage, rounded down (``engine.mastery.shown_percent``)."""
    return "" if probability is None else shown_percent(probability)


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now", "5 minutes ago", "2 days ago"."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < JUST_NOW_SECONDS:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"


@register.inclusion_tag("web/includes/mastery_bar.html")
def mastery_bar(
    name: str,
    after: float,
    threshold: float,
    before: float | None = None,
    mastered: bool | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A bar from 0 to 100% with the goal marked; it grows from ``before`` to ``after``.
    ``mastered``: the mastery rule's verdict (it also asks for right answers in a row), so a
    skill at the goal but not yet mastered says what is missing instead of "95% of 95%"."""
    start = after if before is None else before
    at_goal = after >= threshold
    reached = at_goal if mastered is None else mastered
    return {
        "name": name,
        "before": pct(start),
        "after": pct(after),
        "goal": pct(threshold),
        "moved": before is not None and pct(start) != pct(after),
        "reached": reached,
        "almost": at_goal and not reached,
        **extra,
    }
