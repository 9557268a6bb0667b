"""Course import and export: round trips, replace semantics, CSV, rendering, speed."""

import copy
import json
import uuid

import pytest

from apps.assessments.models import Assessment, Attempt, ItemResponse
from apps.curriculum import services
from apps.curriculum.exchange import (
    Counts,
    ImportFailed,
    course_export,
    course_import,
    items_to_csv,
)
from apps.curriculum.exchange.checks import DEFAULT_MAX_ITEMS, DEFAULT_TARGET_SE
from apps.curriculum.exchange.rendering import Renderer
from apps.curriculum.markdown import render_inline, render_markdown
from apps.curriculum.models import Course, Item, Lesson, Module, Skill, SkillPrerequisite
from apps.curriculum.validation import ChoiceSpec, ItemSpec
from tests.accounts.factories import LearnerFactory, TeacherFactory

from .exchange_data import demo_document, dumps, model_counts, small_course


def import_json(document, **options):
    return course_import(source_name="course.json", content=dumps(document), author=None, **options)


def export_text(course: Course) -> str:
    return dumps(course_export(course=course))


# ------------------------------------------------------------------------------- round trips


@pytest.mark.django_db
def test_small_course_imports_every_field():
    author = TeacherFactory()
    result = course_import(
        source_name="halves.json",
        content=dumps(small_course()).encode(),
        author=author,
        publish=True,
    )
    course = result.course
    assert result.created
    assert not result.dry_run
    assert result.written == Counts(
        modules=2, skills=3, prerequisites=3, lessons=2, items=4, choices=5, assessments=2
    )
    assert (course.slug, course.language, course.status, course.is_public) == (
        "halves",
        "fr",
        "published",
        True,
    )
    assert course.created_by == author
    adding = course.skills.get(slug="adding")
    assert [p.slug for p in adding.prerequisites.order_by("dependent_links__id")] == [
        "quarters",
        "halves",
    ]
    assert adding.module is None
    intro = course.lessons.get(slug="intro")
    assert intro.body_html == "Halves\n<p><em>Two</em> equal parts. </p>"  # sanitised
    numeric = course.items.get(slug="num")
    assert (numeric.numeric_answer, numeric.tolerance, numeric.irt_b) == (0.75, 0.001, 1.5)
    single = course.items.get(slug="sc")
    assert [(c.key, c.text, c.is_correct, c.position) for c in single.choices.all()] == [
        ("a", "1/2", True, 0),
        ("b", "1/3", False, 1),
    ]
    assert single.hints_html == ["Two equal parts.", "Not <em>three</em>."]
    quiz = Assessment.objects.get(course=course, slug="check")
    assert [link.item.slug for link in quiz.assessment_items.all()] == ["num", "sc"]
    assert result.summary() == (
        "halves.json: created course 'halves': 2 modules, 3 skills, 3 prerequisites, "
        "2 lessons, 4 items, 5 choices, 2 assessments."
    )


@pytest.mark.django_db
def test_export_import_export_is_identical():
    first = export_text(import_json(small_course()).course)
    copy_ = course_import(source_name="c.json", content=first, author=None, course_slug="copy")
    second = course_export(course=copy_.course)
    second["course"]["slug"] = "halves"
    assert dumps(second) == first


@pytest.mark.django_db
def test_round_trip_through_an_empty_database():
    first = export_text(import_json(small_course()).course)
    Course.objects.all().delete()
    assert model_counts()["curriculum.Item"] == 0
    again = course_import(source_name="halves.json", content=first, author=None).course
    assert export_text(again) == first


@pytest.mark.django_db
def test_export_of_a_course_authored_through_the_services():
    course = services.course_create(author=None, slug="authored", title="Authored")
    module = services.module_create(course=course, slug="m", title="M")
    first = services.skill_create(course=course, slug="one", name="One", module=module)
    services.skill_create(course=course, slug="two", name="Two", prerequisites=[first])
    services.lesson_save(course=course, slug="l", title="L", body="Body", skills=["two", "one"])
    services.item_save(
        course=course,
        slug="q",
        spec=ItemSpec(
            type="numeric", stem="1+1?", numeric_answer=2, skills=("two",), hints=("Count",)
        ),
    )
    exported = course_export(course=course)
    assert exported["course"]["skills"][1]["prerequisites"] == ["one"]
    assert sorted(exported["course"]["lessons"][0]["skills"]) == ["one", "two"]
    assert exported["course"]["items"] == [
        {
            "slug": "q",
            "type": "numeric",
            "stem": "1+1?",
            "skills": ["two"],
            "answer": 2.0,
            "tolerance": 0.0,
            "hints": ["Count"],
            "explanation": "",
            "irt": {"a": 1.0, "b": 0.0, "c": 0.0},
            "status": "draft",
        }
    ]
    text = dumps(exported)
    copied = course_import(source_name="a.json", content=text, author=None, course_slug="b")
    again = course_export(course=copied.course)
    again["course"]["slug"] = "authored"
    assert dumps(again) == text


@pytest.mark.django_db
def test_demo_course_round_trip_keeps_every_field_of_the_file():
    document = demo_document()
    course = import_json(document).course
    exported = course_export(course=course)
    # The file leaves the optional fields to their documented defaults.
    expected = copy.deepcopy(document)
    expected["course"].update(status="draft", is_public=False, assessments=[])
    for lesson in expected["course"]["lessons"]:
        lesson["status"] = "published"
    assert exported == expected
    text = dumps(exported)
    copied = course_import(source_name="f.json", content=text, author=None, course_slug="f2")
    again = course_export(course=copied.course)
    again["course"]["slug"] = "fractions"
    assert dumps(again) == text


@pytest.mark.django_db
def test_defaults_of_optional_fields():
    document = {
        "format": "adaptive-learning-course",
        "version": 1,
        "course": {
            "slug": "bare",
            "title": "Bare",
            "skills": [{"slug": "s", "name": "S"}],
            "lessons": [{"slug": "l", "title": "L", "body": "B"}],
            "items": [
                {
                    "slug": "i",
                    "type": "single_choice",
                    "stem": "?",
                    "skills": ["s"],
                    "choices": [
                        {"key": "a", "text": "x", "correct": True},
                        {"key": "b", "text": "y"},
                    ],
                }
            ],
            "assessments": [{"slug": "p", "title": "P", "kind": "practice"}],
        },
    }
    exported = course_export(course=import_json(document).course)["course"]
    assert exported["description"] == ""
    assert exported["language"] == "en"
    assert (exported["status"], exported["is_public"], exported["modules"]) == ("draft", False, [])
    assert exported["lessons"][0]["status"] == "published"
    assert exported["items"][0]["status"] == "draft"
    assert exported["items"][0]["irt"] == {"a": 1.0, "b": 0.0, "c": 0.0}
    assert exported["items"][0]["choices"][1]["correct"] is False
    assert exported["assessments"][0] == {
        "slug": "p",
        "title": "P",
        "kind": "practice",
        "items": [],
        "max_items": 20,
        "target_standard_error": 0.35,
    }


def test_documented_assessment_defaults_are_the_models():
    assert Assessment._meta.get_field("max_items").default == DEFAULT_MAX_ITEMS
    assert Assessment._meta.get_field("target_standard_error").default == DEFAULT_TARGET_SE


# ----------------------------------------------------------------------------------- replace


@pytest.fixture
def answered(db):
    """The small course with a learner's answer to ``txt`` and an attempt at ``placement``."""
    document = small_course()
    document["course"]["items"][3]["status"] = "published"  # ``txt``, answered below
    course = import_json(document).course
    learner = LearnerFactory()
    placement = Assessment.objects.get(course=course, slug="placement")
    attempt = Attempt.objects.create(learner=learner, assessment=placement)
    ItemResponse.objects.create(
        client_id=uuid.uuid4(),
        learner=learner,
        item=course.items.get(slug="txt"),
        attempt=attempt,
        answer="3/4",
        correct=True,
        score=1.0,
    )
    return course


def test_replace_upserts_by_slug_and_removes_what_the_file_dropped(answered):
    course = answered
    ids = dict(course.items.values_list("slug", "pk"))
    version = course.content_version
    document = small_course()
    data = document["course"]
    data["title"] = "Halves, revised"
    data["modules"] = data["modules"][:1]
    data["skills"][0]["prerequisites"] = []
    data["skills"][1]["prerequisites"] = []
    data["lessons"] = data["lessons"][:1]
    data["items"] = [i for i in data["items"] if i["slug"] not in {"mc", "txt"}]
    data["items"][0]["stem"] = "Which one is **half**?"
    data["items"].append(
        {
            "slug": "new",
            "type": "numeric",
            "stem": "2/4 as a decimal?",
            "skills": ["quarters"],
            "answer": 0.5,
        }
    )
    data["assessments"] = [data["assessments"][1]]
    result = import_json(document, replace=True)

    assert not result.created
    assert result.removed == Counts(modules=1, lessons=1, items=1, assessments=1)
    assert result.archived_items == 1
    course.refresh_from_db()
    assert course.title == "Halves, revised"
    assert course.content_version == version + 1
    items = dict(course.items.values_list("slug", "status"))
    assert items == {"sc": "published", "num": "published", "new": "draft", "txt": "archived"}
    assert course.items.get(slug="sc").pk == ids["sc"]  # upserted, not recreated
    assert course.items.get(slug="sc").stem_html == "<p>Which one is <strong>half</strong>?</p>"
    assert list(
        SkillPrerequisite.objects.filter(skill__course=course)
        .order_by("id")
        .values_list("skill__slug", "prerequisite__slug")
    ) == [("adding", "quarters"), ("adding", "halves")]
    assert list(Module.objects.filter(course=course).values_list("slug", flat=True)) == ["basics"]
    assert list(Lesson.objects.filter(course=course).values_list("slug", flat=True)) == ["intro"]
    assert ItemResponse.objects.count() == 1


def test_replace_keeps_an_assessment_learners_attempted(answered):
    document = small_course()
    document["course"]["assessments"] = document["course"]["assessments"][:1]
    before = model_counts()
    with pytest.raises(ImportFailed) as caught:
        import_json(document, replace=True)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "$.course.assessments",
            "Assessment 'placement' is missing from the file but learners have attempted it; "
            "keep it in the file (deleting it would delete their attempts).",
        )
    ]
    assert model_counts() == before


def test_replace_of_a_missing_course_creates_it(db):
    result = import_json(small_course(), replace=True)
    assert result.created


def test_dry_run_reports_and_writes_nothing(answered):
    before = model_counts()
    result = import_json(small_course("other"), dry_run=True)
    assert result.dry_run
    assert result.created
    assert result.summary().endswith("(dry run: nothing was saved).")
    assert model_counts() == before
    assert not Course.objects.filter(slug="other").exists()


def test_import_under_another_slug_checks_it(db):
    with pytest.raises(ImportFailed) as caught:
        import_json(small_course(), course_slug="Not A Slug")
    assert caught.value.problems[0].path == "course_slug"


# --------------------------------------------------------------------------------------- CSV


def test_items_csv_round_trip_into_another_course(answered):
    text = items_to_csv(answered)
    assert text.splitlines()[0] == (
        "slug,type,stem,skills,choices,answer,tolerance,accepted_answers,hints,explanation,"
        "irt_a,irt_b,irt_c,status"
    )
    target = small_course("target")
    target["course"]["items"] = []
    target["course"]["assessments"] = []
    empty = import_json(target).course
    result = course_import(source_name="items.csv", content=text, author=None, course_slug="target")
    assert result.written == Counts(items=4, choices=5)
    assert (
        course_export(course=empty)["course"]["items"]
        == (course_export(course=answered)["course"]["items"])
    )


def test_items_csv_encodes_separators_and_marks(db):
    document = small_course()
    item = document["course"]["items"][0]
    item["choices"] = [
        {"key": "*x", "text": "a | b = c", "correct": False},
        {"key": "y=z", "text": "**bold** \\frac{1}{2} ends \\", "correct": True},
    ]
    item["hints"] = ["Pipes | inside", "Back\\slash *emphasis*"]
    course = import_json(document).course
    text = items_to_csv(course)
    assert r"\*x=a \| b = c|*y\=z=**bold** \frac{1}{2} ends \\" in text
    assert r"Pipes \| inside|Back\slash *emphasis*" in text
    course_import(
        source_name="items.CSV",
        content=text.encode(),
        author=None,
        course_slug="halves",
        replace=True,
    )
    assert course_export(course=course)["course"]["items"][0]["choices"] == item["choices"]
    assert course_export(course=course)["course"]["items"][0]["hints"] == item["hints"]


def test_items_csv_append_puts_new_items_last(answered):
    header = items_to_csv(answered).splitlines()[0]
    text = "\ufeff" + header + "\r\nextra,short_text,Say half,halves,,,,half|one half,,,,,,\r\n"
    result = course_import(source_name="more.csv", content=text, author=None, course_slug="halves")
    assert result.written == Counts(items=1)
    assert list(answered.items.order_by("position").values_list("slug", flat=True)) == [
        "sc",
        "mc",
        "num",
        "txt",
        "extra",
    ]
    extra = answered.items.get(slug="extra")
    assert (extra.accepted_answers, extra.status, extra.irt_a) == (
        ["half", "one half"],
        "draft",
        1.0,
    )


def test_items_csv_replace_archives_answered_and_deletes_the_rest(answered):
    rows = items_to_csv(answered).splitlines()
    text = "\n".join([rows[0], rows[1], rows[3]])  # keep sc and num
    result = course_import(
        source_name="i.csv", content=text, author=None, course_slug="halves", replace=True
    )
    assert (result.removed, result.archived_items) == (Counts(items=1), 1)
    assert dict(answered.items.values_list("slug", "status")) == {
        "sc": "published",
        "num": "published",
        "txt": "archived",
    }


# -------------------------------------------------------------------------- rendering, speed


@pytest.mark.django_db
def test_rendered_html_equals_what_the_services_render():
    course = import_json(small_course()).course
    spec = ItemSpec(
        type="single_choice",
        stem="Which is **half**?",
        skills=("halves",),
        choices=(ChoiceSpec("a", "1/2", True), ChoiceSpec("b", "1/3", False)),
        hints=("Two equal parts.", "Not *three*."),
        explanation="Half is 1 of 2.",
        irt_a=1.2,
        irt_b=-0.5,
        irt_c=0.2,
    )
    saved = services.item_save(course=course, slug="sc-by-service", spec=spec)
    imported = course.items.get(slug="sc")
    for field in ("stem_html", "hints_html", "explanation_html"):
        assert getattr(imported, field) == getattr(saved, field)
    assert list(imported.choices.values_list("text_html", flat=True)) == list(
        saved.choices.values_list("text_html", flat=True)
    )
    lesson = services.lesson_save(
        course=course,
        slug="by-service",
        title="T",
        body=small_course()["course"]["lessons"][0]["body"],
    )
    assert course.lessons.get(slug="intro").body_html == lesson.body_html


HOSTILE = [
    "<script>alert(1)</script>**x**",
    "[a](javascript:alert(1)) [b](https://example.com 'title') <img src=x onerror=alert(1)>",
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "Note[^1].\n\n[^1]: A footnote.",
    "Term\n: Definition",
    "```\ncode <b>\n```",
    "*[HTML]: Hyper\n\nHTML here",
    "",
    "1. one\n3. three",
    '<div markdown="1">*md in html*</div>',
]


def test_bulk_renderer_matches_the_services_renderer_on_every_demo_text():
    course = demo_document()["course"]
    texts = [lesson["body"] for lesson in course["lessons"]]
    for item in course["items"]:
        texts += [item["stem"], item["explanation"], *item["hints"]]
        texts += [choice["text"] for choice in item.get("choices", [])]
    renderer = Renderer()
    for text in [*HOSTILE, *texts, *HOSTILE]:  # hostile ones again after reuse of the parser
        assert renderer.block(text) == render_markdown.__wrapped__(text), text
        assert renderer.inline(text) == render_inline(text), text


# Import time is measured in bench/imports.py (a ratio to checking the file alone), not here.
@pytest.mark.django_db
def test_demo_course_imports_with_bounded_queries(django_assert_max_num_queries):
    content = json.dumps(demo_document())
    with django_assert_max_num_queries(30):
        course_import(source_name="fractions.json", content=content, author=None)
    assert Item.objects.count() == 267
    assert Skill.objects.count() == 22
