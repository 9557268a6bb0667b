"""Reads for assessments and the response log."""

from apps.assessments.grading import AnswerKey
from apps.curriculum.models import CHOICE_TYPES, Item


def answer_key_for(item: Item) -> AnswerKey:
    """The grading key of an item (uses prefetched choices when present)."""
    if item.type in CHOICE_TYPES:
        choices = list(item.choices.all())
        return AnswerKey(
            type=item.type,
            choice_keys=tuple(c.key for c in choices),
            correct_keys=frozenset(c.key for c in choices if c.is_correct),
        )
    return AnswerKey(
        type=item.type,
        numeric_answer=item.numeric_answer,
        tolerance=item.tolerance,
        accepted_answers=tuple(item.accepted_answers),
    )
