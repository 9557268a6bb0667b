"""Course documents and database snapshots shared by the import/export tests."""

import copy
import json
from pathlib import Path
from typing import Any

from apps.assessments.models import Assessment, AssessmentItem, Attempt, ItemResponse
from apps.curriculum.models import (
    Choice,
    Course,
    Item,
    ItemSkill,
    Lesson,
    Module,
    Skill,
    SkillPrerequisite,
)

DEMO_PATH = Path(__file__).resolve().parents[2] / "apps" / "demo" / "courses" / "fractions.json"
COUNTED = (
    Course,
    Module,
    Skill,
    SkillPrerequisite,
    Lesson,
    Lesson.skills.through,
    Item,
    Choice,
    ItemSkill,
    Assessment,
    AssessmentItem,
    Attempt,
    ItemResponse,
)


def model_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def demo_document() -> dict[str, Any]:
    return json.loads(DEMO_PATH.read_text(encoding="utf-8"))


def small_course(slug: str = "halves") -> dict[str, Any]:
    """A small course using every feature of format v1."""
    return copy.deepcopy(
        {
            "format": "adaptive-learning-course",
            "version": 1,
            "course": {
                "slug": slug,
                "title": "Halves and quarters",
                "description": "Équivalences — ½ and ¼.",
                "language": "fr",
                "status": "published",
                "is_public": True,
                "modules": [
                    {"slug": "basics", "title": "Basics", "description": "Start here."},
                    {"slug": "more", "title": "More", "description": ""},
                ],
                "skills": [
                    {
                        "slug": "halves",
                        "name": "Halves",
                        "description": "One of two equal parts.",
                        "module": "basics",
                        "prerequisites": [],
                    },
                    {
                        "slug": "quarters",
                        "name": "Quarters",
                        "description": "",
                        "module": "basics",
                        "prerequisites": ["halves"],
                    },
                    {
                        "slug": "adding",
                        "name": "Adding",
                        "description": "",
                        "module": None,
                        "prerequisites": ["quarters", "halves"],
                    },
                ],
                "lessons": [
                    {
                        "slug": "intro",
                        "title": "Intro",
                        "module": "basics",
                        "skills": ["quarters", "halves"],
                        "body": "# Halves\n\n*Two* equal parts. <script>alert(1)</script>",
                        "status": "published",
                    },
                    {
                        "slug": "later",
                        "title": "Later",
                        "module": None,
                        "skills": [],
                        "body": "Soon.",
                        "status": "draft",
                    },
                ],
                "items": [
                    {
                        "slug": "sc",
                        "type": "single_choice",
                        "stem": "Which is **half**?",
                        "skills": ["halves"],
                        "choices": [
                            {"key": "a", "text": "1/2", "correct": True},
                            {"key": "b", "text": "1/3", "correct": False},
                        ],
                        "hints": ["Two equal parts.", "Not *three*."],
                        "explanation": "Half is 1 of 2.",
                        "irt": {"a": 1.2, "b": -0.5, "c": 0.2},
                        "status": "published",
                    },
                    {
                        "slug": "mc",
                        "type": "multiple_choice",
                        "stem": "Pick the halves",
                        "skills": ["halves", "quarters"],
                        "choices": [
                            {"key": "a", "text": "2/4", "correct": True},
                            {"key": "b", "text": "3/6", "correct": True},
                            {"key": "c", "text": "2/3", "correct": False},
                        ],
                        "hints": [],
                        "explanation": "",
                        "irt": {"a": 1.0, "b": 0.0, "c": 0.0},
                        "status": "draft",
                    },
                    {
                        "slug": "num",
                        "type": "numeric",
                        "stem": "`1/2 + 1/4` = ?",
                        "skills": ["adding"],
                        "answer": 0.75,
                        "tolerance": 0.001,
                        "hints": ["Quarters."],
                        "explanation": "2/4 + 1/4 = 3/4.",
                        "irt": {"a": 0.8, "b": 1.5, "c": 0.0},
                        "status": "published",
                    },
                    {
                        "slug": "txt",
                        "type": "short_text",
                        "stem": "Simplify `6/8`",
                        "skills": ["quarters"],
                        "accepted_answers": ["3/4", "¾"],
                        "hints": ["Divide by 2."],
                        "explanation": "Divide top and bottom by 2.",
                        "irt": {"a": 1.0, "b": 0.3, "c": 0.0},
                        "status": "archived",
                    },
                ],
                "assessments": [
                    {
                        "slug": "check",
                        "title": "Quick check",
                        "kind": "quiz",
                        "items": ["num", "sc"],
                        "max_items": 2,
                        "target_standard_error": 0.35,
                    },
                    {
                        "slug": "placement",
                        "title": "Placement",
                        "kind": "diagnostic",
                        "items": [],
                        "max_items": 12,
                        "target_standard_error": 0.4,
                    },
                ],
            },
        }
    )


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
