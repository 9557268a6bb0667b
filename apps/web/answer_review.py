"""An answered question shown again with the learner's answer marked against the right one:
the practice feedback and the history's answer page both use it.

The right answer is shown only for a question the learner has answered (a stored response):
that is feedback on their answer, not the course's answer keys, which only its authors see.
"""

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from apps.assessments.grading import AnswerKey
from apps.assessments.selectors import answer_key_for
from apps.curriculum.maths import plain_text
from apps.curriculum.models import Item

# A numeric answer is shown as a fraction when it is one with a small denominator (3/4, 1 1/2),
# as the course's questions write them; otherwise as the decimal.
FRACTION_DENOMINATORS = 12


@dataclass(frozen=True)
class ChoiceReview:
    key: str
    text_html: str
    chosen: bool
    right: bool


@dataclass(frozen=True)
class AnswerReview:
    stem_html: str
    type: str
    choices: list[ChoiceReview]  # empty for typed answers
    given: str  # the learner's answer in words ("b. One half; d. Two quarters")
    right_answer: str  # the right answer in words
    correct: bool


def stored_item_view(item: Item) -> dict[str, Any]:
    """What ``answer_review`` reads of a stored item (its choices prefetched, if any): the
    item may be archived since, so not in the course snapshot."""
    return {
        "type": item.type,
        "stem_html": item.stem_html,
        "choices": [{"key": c.key, "text_html": c.text_html} for c in item.choices.all()],
    }


def answer_review(
    *, item: dict[str, Any], key: AnswerKey, answer: object, correct: bool
) -> AnswerReview:
    """``item``: the learner's view of the question; ``answer``: as stored (normalised)."""
    texts = {choice["key"]: choice["text_html"] for choice in item.get("choices", [])}
    chosen = {str(part) for part in answer} if isinstance(answer, list) else {str(answer)}
    choices = [
        ChoiceReview(
            choice_key, texts[choice_key], choice_key in chosen, choice_key in key.correct_keys
        )
        for choice_key in texts
    ]
    return AnswerReview(
        stem_html=item["stem_html"],
        type=item["type"],
        choices=choices if key.type in ("single_choice", "multiple_choice") else [],
        given=answer_words(item, answer),
        right_answer=_right_answer(key, texts),
        correct=correct,
    )


def answer_text(answer: object) -> str:
    """A stored answer as text: a list of keys joined, a number or text as it is."""
    if isinstance(answer, list):
        return ", ".join(str(part) for part in answer)
    return "" if answer is None else str(answer)


def answer_words(item: dict[str, Any], answer: object) -> str:
    """The answer as the learner saw it: each chosen option's letter and text, else as typed."""
    if item["type"] not in ("single_choice", "multiple_choice"):
        return answer_text(answer)
    texts = {c["key"]: plain_text(c["text_html"]).strip() for c in item.get("choices", [])}
    keys = answer if isinstance(answer, list) else [answer]
    if not keys:
        return "(nothing chosen)"
    return "; ".join(f"{key}. {texts.get(str(key), '')}".strip() for key in keys)


def _right_answer(key: AnswerKey, texts: dict[str, str]) -> str:
    if key.type in ("single_choice", "multiple_choice"):
        return "; ".join(
            f"{choice}. {plain_text(texts.get(choice, '')).strip()}".strip()
            for choice in key.choice_keys
            if choice in key.correct_keys
        )
    if key.type == "numeric" and key.numeric_answer is not None:
        return number_words(key.numeric_answer)
    return key.accepted_answers[0] if key.accepted_answers else ""


def right_answer_words(item: Item) -> str:
    """The right answer of a stored item in words (its choices prefetched, if any)."""
    texts = {choice.key: choice.text_html for choice in item.choices.all()}
    return _right_answer(answer_key_for(item), texts)


def number_words(value: float) -> str:
    """3/4 for 0.75, 1 1/2 for 1.5, 2 for 2.0, else the decimal as short as it is exact."""
    if float(value).is_integer():
        return str(int(value))
    fraction = Fraction(value).limit_denominator(FRACTION_DENOMINATORS)
    if abs(float(fraction) - value) < 1e-9:
        whole, rest = divmod(abs(fraction.numerator), fraction.denominator)
        sign = "-" if value < 0 else ""
        if whole:
            return f"{sign}{whole} {rest}/{fraction.denominator}"
        return f"{sign}{rest}/{fraction.denominator}"
    return f"{value:g}"
