"""Rules an item must satisfy, as pure functions shared by the services, the admin and import.

Each returns ``{field: [messages]}``; empty means valid.
"""

import math
from dataclasses import dataclass, field

from apps.core.text import normalise_answer_text
from apps.curriculum.models import CHOICE_TYPES, ItemType

MAX_STEM = 20_000
MAX_CHOICES = 12


@dataclass(frozen=True)
class ChoiceSpec:
    key: str
    text: str
    correct: bool


@dataclass(frozen=True)
class ItemSpec:
    type: str
    stem: str
    choices: tuple[ChoiceSpec, ...] = ()
    numeric_answer: float | None = None
    tolerance: float = 0.0
    accepted_answers: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    explanation: str = ""
    irt_a: float = 1.0
    irt_b: float = 0.0
    irt_c: float = 0.0
    skills: tuple[str, ...] = field(default=())


def _finite(value: object) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float (e.g. 10**400 from JSON)
        return False


def _choice_errors(spec: ItemSpec) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(spec.choices) < 2:
        errors["choices"] = ["A choice item needs at least two choices."]
        return errors
    if len(spec.choices) > MAX_CHOICES:
        errors["choices"] = [f"At most {MAX_CHOICES} choices."]
    keys = [c.key.strip() for c in spec.choices]
    if any(not key for key in keys):
        errors.setdefault("choices", []).append("Every choice needs a key.")
    if len(set(keys)) != len(keys):
        errors.setdefault("choices", []).append("Choice keys must be unique.")
    texts = [normalise_answer_text(c.text) for c in spec.choices]
    if any(not text for text in texts):
        errors.setdefault("choices", []).append("Every choice needs text.")
    elif len(set(texts)) != len(texts):
        errors.setdefault("choices", []).append("Two choices have the same text.")
    n_correct = sum(c.correct for c in spec.choices)
    if spec.type == ItemType.SINGLE_CHOICE and n_correct != 1:
        errors.setdefault("choices", []).append(
            f"A single-choice item needs exactly one correct choice (found {n_correct})."
        )
    if spec.type == ItemType.MULTIPLE_CHOICE and n_correct < 1:
        errors.setdefault("choices", []).append("A multiple-choice item needs a correct choice.")
    return errors


def _key_errors(spec: ItemSpec) -> dict[str, list[str]]:
    if spec.type in CHOICE_TYPES:
        return _choice_errors(spec)
    errors: dict[str, list[str]] = {}
    if spec.choices:
        errors["choices"] = [f"A {spec.type} item has no choices."]
    if spec.type == ItemType.NUMERIC:
        if not _finite(spec.numeric_answer):
            errors["numeric_answer"] = ["A numeric item needs a finite numeric answer."]
        if not _finite(spec.tolerance) or spec.tolerance < 0:
            errors["tolerance"] = ["The tolerance must be a number at least 0."]
    if spec.type == ItemType.SHORT_TEXT:
        answers = [normalise_answer_text(a) for a in spec.accepted_answers if isinstance(a, str)]
        if not answers or any(not a for a in answers) or len(answers) != len(spec.accepted_answers):
            errors["accepted_answers"] = ["A short-text item needs one or more non-blank answers."]
    return errors


def item_spec_errors(spec: ItemSpec) -> dict[str, list[str]]:
    if spec.type not in ItemType.values:
        return {
            "type": [f"Unknown item type {spec.type!r}; use one of {', '.join(ItemType.values)}."]
        }
    errors = _key_errors(spec)
    if not spec.stem.strip():
        errors["stem"] = ["The question text may not be blank."]
    elif len(spec.stem) > MAX_STEM:
        errors["stem"] = [f"The question text is longer than {MAX_STEM} characters."]
    if any(not isinstance(h, str) or not h.strip() for h in spec.hints):
        errors["hints"] = ["Hints must be non-blank text."]
    if not _finite(spec.irt_a) or not 0 < spec.irt_a <= 10:
        errors["irt_a"] = ["Discrimination (a) must be above 0 and at most 10."]
    if not _finite(spec.irt_b) or not -10 <= spec.irt_b <= 10:
        errors["irt_b"] = ["Difficulty (b) must be between -10 and 10."]
    if not _finite(spec.irt_c) or not 0 <= spec.irt_c < 0.5:
        errors["irt_c"] = ["Guessing (c) must be at least 0 and below 0.5."]
    return errors
