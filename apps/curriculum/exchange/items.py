"""Items in the exchange format: the one place that turns an item object (from JSON, or from a CSV
row already parsed into the same shape) into an ``ItemSpec``, its problems, and its canonical form.
"""

from collections.abc import Callable, Collection, Sequence
from typing import Any

from django.utils.text import slugify

from apps.curriculum.exchange.problems import Problem
from apps.curriculum.models import CHOICE_TYPES, ItemType, Status
from apps.curriculum.validation import ChoiceSpec, ItemSpec, item_spec_errors

# (item index, field in the item object such as "irt.a", index inside a list or None) -> path
Locate = Callable[[int, str, int | None], str]

DEFAULT_IRT = {"a": 1.0, "b": 0.0, "c": 0.0}
KEYS_BY_TYPE: dict[str, tuple[str, ...]] = {
    ItemType.SINGLE_CHOICE: ("choices",),
    ItemType.MULTIPLE_CHOICE: ("choices",),
    ItemType.NUMERIC: ("answer", "tolerance"),
    ItemType.SHORT_TEXT: ("accepted_answers",),
}
ANSWER_KEYS = ("choices", "answer", "tolerance", "accepted_answers")
# item_spec_errors speaks in ItemSpec fields; authors see the file's field names.
SPEC_FIELD_TO_ITEM_FIELD = {
    "numeric_answer": "answer",
    "irt_a": "irt.a",
    "irt_b": "irt.b",
    "irt_c": "irt.c",
}


def slug_error(slug: str) -> str | None:
    """The services' slug rule (``slugify(slug) == slug``), so every imported slug is one the
    admin and the API would also accept."""
    if slug and slugify(slug) == slug and len(slug) <= 80:
        return None
    return (
        f"{slug!r} is not a slug: use lowercase letters, digits, single hyphens and underscores, "
        "starting and ending with a letter or digit (at most 80 characters)."
    )


def spec_from_item(item: dict[str, Any]) -> ItemSpec:
    """Only the fields that apply to the item's type reach the spec, as in ``item_save``."""
    kind = item["type"]
    irt = {**DEFAULT_IRT, **item.get("irt", {})}
    choices = item.get("choices", []) if kind in CHOICE_TYPES else []
    return ItemSpec(
        type=kind,
        stem=item["stem"],
        choices=tuple(
            ChoiceSpec(c["key"].strip(), c["text"], bool(c.get("correct", False))) for c in choices
        ),
        numeric_answer=item.get("answer") if kind == ItemType.NUMERIC else None,
        tolerance=item.get("tolerance", 0.0) if kind == ItemType.NUMERIC else 0.0,
        accepted_answers=tuple(item.get("accepted_answers", ()))
        if kind == ItemType.SHORT_TEXT
        else (),
        hints=tuple(item.get("hints", ())),
        explanation=item.get("explanation", ""),
        irt_a=irt["a"],
        irt_b=irt["b"],
        irt_c=irt["c"],
        skills=tuple(item["skills"]),
    )


def canonical_item(item: dict[str, Any]) -> dict[str, Any]:
    """The item as export writes it: every field present, in a fixed order."""
    spec = spec_from_item(item)
    out: dict[str, Any] = {
        "slug": item["slug"],
        "type": spec.type,
        "stem": spec.stem,
        "skills": list(spec.skills),
    }
    if spec.type in CHOICE_TYPES:
        out["choices"] = [
            {"key": c.key, "text": c.text, "correct": c.correct} for c in spec.choices
        ]
    elif spec.type == ItemType.NUMERIC:
        # None only for a stored item that was never valid; import then names the problem.
        answer = spec.numeric_answer
        out["answer"] = float(answer) if isinstance(answer, int | float) else answer
        out["tolerance"] = float(spec.tolerance)
    else:
        out["accepted_answers"] = list(spec.accepted_answers)
    out["hints"] = list(spec.hints)
    out["explanation"] = spec.explanation
    out["irt"] = {"a": float(spec.irt_a), "b": float(spec.irt_b), "c": float(spec.irt_c)}
    out["status"] = item.get("status", Status.DRAFT)
    return out


def _one_item_problems(
    item: dict[str, Any], index: int, known_skills: Collection[str], locate: Locate, source: str
) -> list[Problem]:
    problems: list[Problem] = []
    kind = item["type"]
    for key in ANSWER_KEYS:
        if key in item and key not in KEYS_BY_TYPE[kind]:
            problems.append(
                Problem(
                    source, locate(index, key, None), f"{key!r} does not apply to {kind} items."
                )
            )
    if not item["skills"]:
        problems.append(
            Problem(source, locate(index, "skills", None), "Tag the item with at least one skill.")
        )
    repeated = sorted({s for s in item["skills"] if item["skills"].count(s) > 1})
    if repeated:
        problems.append(
            Problem(source, locate(index, "skills", None), f"Lists {', '.join(repeated)} twice.")
        )
    for position, skill in enumerate(item["skills"]):
        if skill not in known_skills:
            problems.append(
                Problem(source, locate(index, "skills", position), f"Unknown skill {skill!r}.")
            )
    for field, messages in item_spec_errors(spec_from_item(item)).items():
        path = locate(index, SPEC_FIELD_TO_ITEM_FIELD.get(field, field), None)
        problems.extend(Problem(source, path, message) for message in messages)
    return problems


def item_problems(
    items: Sequence[dict[str, Any]], known_skills: Collection[str], locate: Locate, source: str
) -> list[Problem]:
    """Problems of structurally valid items: answer keys, skill tags, duplicate slugs."""
    problems: list[Problem] = []
    first_at: dict[str, int] = {}
    for index, item in enumerate(items):
        slug = item["slug"]
        if (message := slug_error(slug)) is not None:
            problems.append(Problem(source, locate(index, "slug", None), message))
        if slug in first_at:
            where = locate(first_at[slug], "slug", None)
            problems.append(
                Problem(
                    source,
                    locate(index, "slug", None),
                    f"Duplicate item slug {slug!r} (first used at {where}).",
                )
            )
        first_at.setdefault(slug, index)
        problems.extend(_one_item_problems(item, index, known_skills, locate, source))
    return problems
