"""Grading: one pure function per item type.

Each takes the item's answer key and the learner's raw answer (as decoded from JSON) and returns
a Grade, or raises AnswerInvalid with a message for the learner when the answer is malformed
(wrong type, blank, too long): that is a 400, never a 500, and never counted as wrong.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from apps.core.text import normalise_answer_text

MAX_TEXT_LENGTH = 500
MAX_NUMBER_LENGTH = 64
NUMERIC_EPSILON = 1e-9  # absorbs binary rounding at the tolerance boundary (0.1 + 0.2 vs 0.3)


class AnswerInvalid(ValueError):
    """The answer cannot be graded as given; the message tells the learner why."""


@dataclass(frozen=True)
class AnswerKey:
    type: str
    choice_keys: tuple[str, ...] = ()
    correct_keys: frozenset[str] = frozenset()
    numeric_answer: float | None = None
    tolerance: float = 0.0
    accepted_answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float
    answer: object  # the normalised answer that is stored


def _require_choice_key(answer: object, key: AnswerKey) -> str:
    if not isinstance(answer, str) or not answer.strip():
        raise AnswerInvalid("Choose one of the options.")
    if answer.strip() not in key.choice_keys:
        raise AnswerInvalid(f"{answer[:20]!r} is not one of the options.")
    return answer.strip()


def grade_single_choice(key: AnswerKey, answer: object) -> Grade:
    chosen = _require_choice_key(answer, key)
    correct = chosen in key.correct_keys
    return Grade(correct, 1.0 if correct else 0.0, chosen)


def grade_multiple_choice(key: AnswerKey, answer: object) -> Grade:
    """Right when exactly the correct set is chosen; partial credit (hits minus wrong picks over
    the number of correct options, floored at 0) rewards partial knowledge."""
    # A lone key is not taken for a one-key list: a client sending one has the wrong type.
    if not isinstance(answer, list):
        raise AnswerInvalid('Give a list of option keys, e.g. ["a", "c"].')
    if not answer:
        raise AnswerInvalid("Choose one or more of the options.")
    if len(answer) > len(key.choice_keys):
        raise AnswerInvalid("More options chosen than there are.")
    chosen = {_require_choice_key(a, key) for a in answer}
    hits = len(chosen & key.correct_keys)
    wrong = len(chosen - key.correct_keys)
    score = max(0.0, (hits - wrong) / len(key.correct_keys))
    return Grade(chosen == key.correct_keys, score, sorted(chosen))


_MIXED = re.compile(r"^([+-]?)(\d+)\s+(\d+)\s*/\s*(\d+)$")
_FRACTION = re.compile(r"^([+-]?\d+)\s*/\s*(\d+)$")


def parse_number(raw: object) -> float:
    """Integers, decimals (point or comma), fractions ``3/4`` and mixed numbers ``1 1/2``."""
    if isinstance(raw, bool):
        raise AnswerInvalid("Enter a number.")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = " ".join(normalise_answer_text(raw).replace("−", "-").split())
        if not text:
            raise AnswerInvalid("Enter a number.")
        if len(text) > MAX_NUMBER_LENGTH:
            raise AnswerInvalid(f"That number is longer than {MAX_NUMBER_LENGTH} characters.")
        value = _parse_number_text(text)
    else:
        raise AnswerInvalid("Enter a number.")
    if not math.isfinite(value):
        raise AnswerInvalid("Enter a finite number.")
    return value


def _parse_number_text(text: str) -> float:
    if mixed := _MIXED.match(text):
        sign, whole, num, den = mixed.groups()
        if int(den) == 0:
            raise AnswerInvalid("A fraction cannot have 0 as its denominator.")
        value = int(whole) + Fraction(int(num), int(den))
        return float(-value if sign == "-" else value)
    if fraction := _FRACTION.match(text):
        num, den = fraction.groups()
        if int(den) == 0:
            raise AnswerInvalid("A fraction cannot have 0 as its denominator.")
        return float(Fraction(int(num), int(den)))
    candidate = text.replace(" ", "")
    if candidate.count(",") == 1 and "." not in candidate:
        candidate = candidate.replace(",", ".")  # decimal comma
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", candidate):
        raise AnswerInvalid(f"{text[:20]!r} is not a number (try 0.75, 3/4 or 1 1/2).")
    return float(candidate)


def grade_numeric(key: AnswerKey, answer: object) -> Grade:
    value = parse_number(answer)
    assert key.numeric_answer is not None
    correct = abs(value - key.numeric_answer) <= key.tolerance + NUMERIC_EPSILON * max(
        1.0, abs(key.numeric_answer)
    )
    return Grade(correct, 1.0 if correct else 0.0, answer if isinstance(answer, str) else value)


def grade_short_text(key: AnswerKey, answer: object) -> Grade:
    if not isinstance(answer, str):
        raise AnswerInvalid("Type your answer as text.")
    if len(answer) > MAX_TEXT_LENGTH:
        raise AnswerInvalid(f"Answers are at most {MAX_TEXT_LENGTH} characters.")
    normalised = normalise_answer_text(answer)
    if not normalised:
        raise AnswerInvalid("Type an answer.")
    correct = normalised in {normalise_answer_text(a) for a in key.accepted_answers}
    return Grade(correct, 1.0 if correct else 0.0, answer.strip())


GRADERS: dict[str, Callable[[AnswerKey, object], Grade]] = {
    "single_choice": grade_single_choice,
    "multiple_choice": grade_multiple_choice,
    "numeric": grade_numeric,
    "short_text": grade_short_text,
}


def grade(key: AnswerKey, answer: object) -> Grade:
    return GRADERS[key.type](key, answer)
