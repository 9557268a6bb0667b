"""Broken import files: each is refused with the file, the path and the reason, and nothing is
written (every model count is unchanged, including for failures late in the file)."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from apps.core.exceptions import status_for
from apps.curriculum.exchange import ImportFailed, Problem, course_import, decoding, items_to_csv
from apps.curriculum.models import Course
from apps.curriculum.validation import ItemSpec, item_spec_errors

from .exchange_data import dumps, model_counts, small_course


@pytest.fixture
def existing(db) -> Course:
    """A course already in the database, so "nothing written" is checked against real rows."""
    return course_import(
        source_name="halves.json", content=dumps(small_course()), author=None
    ).course


def refused(source: str, content: bytes | str, **options: Any) -> list[Problem]:
    before = model_counts()
    with pytest.raises(ImportFailed) as caught:
        course_import(source_name=source, content=content, author=None, **options)
    assert model_counts() == before
    assert status_for(caught.value) == 400
    assert all(problem.source == source for problem in caught.value.problems)
    return caught.value.problems


def broken(change: Callable[[dict[str, Any]], None]) -> str:
    document = small_course("broken")
    change(document["course"])
    return dumps(document)


def only(problems: list[Problem]) -> tuple[str, str]:
    assert len(problems) == 1, problems
    return problems[0].path, problems[0].message


def test_invalid_json_names_line_and_column(existing):
    problems = refused("course.json", '{\n  "format": "adaptive-learning-course",\n  "version": }')
    assert only(problems) == (
        "line 3, column 14",
        "Invalid JSON: Expecting value.",
    )


def test_not_utf8(existing):
    content = b'{"format": "adaptive-learning-course", "title": "Fractions"}\n'
    content += '{"title": "Équivalences"}'.encode("latin-1")
    path, message = only(refused("course.json", content))
    assert path == "line 2"
    assert message.startswith("The file is not UTF-8 text (byte 0xc9 at offset 72)")


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", "\ufeff"])
def test_empty_file(existing, content):
    assert only(refused("course.json", content)) == ("$", "The file is empty.")


def test_file_over_the_size_limit(existing, monkeypatch):
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 1024)
    assert only(refused("course.json", b" " * 1025)) == (
        "$",
        "The file is 1,025 bytes; the limit is 1,024 bytes (0.000976562 MB).",
    )


def test_size_limit_is_ten_megabytes(existing):
    assert only(refused("course.json", b" " * (10 * 1024 * 1024 + 1))) == (
        "$",
        "The file is 10,485,761 bytes; the limit is 10,485,760 bytes (10 MB).",
    )


def test_wrong_format_name(existing):
    document = small_course("broken")
    document["format"] = "moodle-backup"
    assert only(refused("course.json", dumps(document))) == (
        "$.format",
        "Must be 'adaptive-learning-course' (found 'moodle-backup'): not a course file.",
    )


def test_not_an_object(existing):
    assert only(refused("course.json", "[1, 2]")) == (
        "$",
        "Expected a JSON object with format, version and course.",
    )


def test_unsupported_version(existing):
    document = small_course("broken")
    document["version"] = 2
    assert only(refused("course.json", dumps(document))) == (
        "$.version",
        "Unsupported version 2; this server reads version 1.",
    )


def test_missing_required_field(existing):
    content = broken(lambda course: course["items"][2].pop("stem"))
    assert only(refused("course.json", content)) == (
        "$.course.items[2].stem",
        "Required field is missing.",
    )


def test_unknown_field_is_a_typo_not_silently_dropped(existing):
    content = broken(lambda course: course["skills"][1].update(prerequisite=["halves"]))
    path, message = only(refused("course.json", content))
    assert path == "$.course.skills[1].prerequisite"
    assert message.startswith("Unknown field; allowed here: slug, name, description, module")


def test_wrong_type_and_bad_slug(existing):
    def change(course: dict[str, Any]) -> None:
        course["is_public"] = "yes"
        course["modules"][1]["slug"] = "More Stuff"

    problems = refused("course.json", broken(change))
    assert [(p.path, p.message) for p in problems] == [
        ("$.course.is_public", "Must be true or false, not text."),
        (
            "$.course.modules[1].slug",
            "'More Stuff' is not a slug: use lowercase letters, digits, hyphens and "
            "underscores, starting with a letter or digit.",
        ),
    ]


def test_duplicate_skill_slug(existing):
    content = broken(lambda course: course["skills"][2].update(slug="halves"))
    problems = refused("course.json", content)
    assert (
        "$.course.skills[2].slug",
        "Duplicate skill slug 'halves' (first used at $.course.skills[0].slug).",
    ) in [(p.path, p.message) for p in problems]


def test_unknown_prerequisite(existing):
    content = broken(lambda course: course["skills"][1].update(prerequisites=["thirds"]))
    assert only(refused("course.json", content)) == (
        "$.course.skills[1].prerequisites[0]",
        "Unknown skill 'thirds'.",
    )


def test_prerequisite_cycle_is_named(existing):
    # quarters requires halves and adding requires both; making halves require adding closes
    # two loops, each reported at the prerequisite entry that closes it (in file order).
    content = broken(lambda course: course["skills"][0].update(prerequisites=["adding"]))
    problems = refused("course.json", content)
    assert [(p.path, p.message) for p in problems] == [
        (
            "$.course.skills[2].prerequisites[0]",
            "Prerequisite cycle: adding → quarters → halves → adding "
            "(each skill requires the next).",
        ),
        (
            "$.course.skills[2].prerequisites[1]",
            "Prerequisite cycle: adding → halves → adding (each skill requires the next).",
        ),
    ]


def test_skill_that_requires_itself(existing):
    content = broken(lambda course: course["skills"][0].update(prerequisites=["halves"]))
    assert only(refused("course.json", content)) == (
        "$.course.skills[0].prerequisites[0]",
        "A skill cannot be its own prerequisite.",
    )


def test_single_choice_with_two_correct_choices(existing):
    content = broken(lambda course: course["items"][0]["choices"][1].update(correct=True))
    assert only(refused("course.json", content)) == (
        "$.course.items[0].choices",
        "A single-choice item needs exactly one correct choice (found 2).",
    )


def test_numeric_without_answer(existing):
    content = broken(lambda course: course["items"][2].pop("answer"))
    assert only(refused("course.json", content)) == (
        "$.course.items[2].answer",
        "A numeric item needs a finite numeric answer.",
    )


def test_answer_field_that_does_not_apply_to_the_type(existing):
    content = broken(lambda course: course["items"][0].update(answer=0.5))
    assert only(refused("course.json", content)) == (
        "$.course.items[0].answer",
        "'answer' does not apply to single_choice items.",
    )


def test_item_tagged_with_unknown_skill(existing):
    content = broken(lambda course: course["items"][1].update(skills=["halves", "thirds"]))
    assert only(refused("course.json", content)) == (
        "$.course.items[1].skills[1]",
        "Unknown skill 'thirds'.",
    )


@pytest.mark.parametrize(
    ("irt", "field", "message"),
    [
        ({"c": 0.7}, "c", "Guessing (c) must be at least 0 and below 0.5."),
        ({"a": 0}, "a", "Discrimination (a) must be above 0 and at most 10."),
        ({"b": -40}, "b", "Difficulty (b) must be between -10 and 10."),
    ],
)
def test_bad_irt_value(existing, irt, field, message):
    content = broken(lambda course: course["items"][3]["irt"].update(irt))
    assert only(refused("course.json", content)) == (f"$.course.items[3].irt.{field}", message)


def test_irt_value_of_the_wrong_type(existing):
    content = broken(lambda course: course["items"][3]["irt"].update(a="high"))
    assert only(refused("course.json", content)) == (
        "$.course.items[3].irt.a",
        "Must be a number, not text.",
    )


def test_nan_is_not_json(existing):
    content = broken(lambda course: None).replace('"answer": 0.75', '"answer": NaN')
    assert only(refused("course.json", content)) == (
        "$",
        "Invalid JSON: NaN is not a JSON number.",
    )


def test_duplicate_key_in_an_object(existing):
    content = broken(lambda course: None).replace(
        '"slug": "broken",', '"slug": "broken",\n    "slug": "other",', 1
    )
    assert only(refused("course.json", content)) == (
        "$",
        "Invalid JSON: the key 'slug' appears twice in one object.",
    )


def test_assessment_with_unknown_item_and_empty_quiz(existing):
    def change(course: dict[str, Any]) -> None:
        course["assessments"][0]["items"] = []
        course["assessments"][1]["items"] = ["num", "gone"]

    problems = refused("course.json", broken(change))
    assert [(p.path, p.message) for p in problems] == [
        ("$.course.assessments[0].items", "A quiz needs items."),
        ("$.course.assessments[1].items[1]", "Unknown item 'gone'."),
    ]


def test_failure_in_the_last_item_writes_none_of_the_earlier_ones(existing):
    document = small_course("broken")
    last = document["course"]["items"][-1]
    last["accepted_answers"] = ["  "]
    problems = refused("course.json", dumps(document))
    assert [(p.path, p.message) for p in problems] == [
        (
            "$.course.items[3].accepted_answers",
            "A short-text item needs one or more non-blank answers.",
        )
    ]
    assert not Course.objects.filter(slug="broken").exists()


def test_every_problem_is_reported_at_once(existing):
    def change(course: dict[str, Any]) -> None:
        course["skills"][1]["prerequisites"] = ["thirds"]
        course["items"][0]["choices"][1]["correct"] = True
        course["items"][2].pop("answer")

    problems = refused("course.json", broken(change))
    assert [p.path for p in problems] == [
        "$.course.skills[1].prerequisites[0]",
        "$.course.items[0].choices",
        "$.course.items[2].answer",
    ]


def test_existing_slug_without_replace(existing):
    assert only(refused("halves.json", dumps(small_course()))) == (
        "$.course.slug",
        "A course 'halves' exists; import with replace to update it.",
    )


def test_import_failed_maps_paths_to_messages(existing):
    content = broken(lambda course: course["items"][2].pop("answer"))
    with pytest.raises(ImportFailed) as caught:
        course_import(source_name="course.json", content=content, author=None)
    assert caught.value.code == "import_failed"
    assert caught.value.message == "course.json was not imported: 1 problem."
    assert caught.value.fields == {
        "$.course.items[2].answer": ["A numeric item needs a finite numeric answer."]
    }
    assert str(caught.value.problems[0]) == (
        "course.json: $.course.items[2].answer: A numeric item needs a finite numeric answer."
    )


def test_a_file_broken_everywhere_reports_a_bounded_list(existing):
    document = small_course("broken")
    document["course"]["items"] = [
        {**document["course"]["items"][2], "slug": f"n{i}", "answer": "x"} for i in range(300)
    ]
    problems = refused("course.json", dumps(document))
    assert len(problems) == 201
    assert problems[-1] == Problem("course.json", "$", "... and 100 more problem(s).")


# ------------------------------------------------------------------------------------------ CSV


def csv_of(existing: Course) -> str:
    return items_to_csv(existing)


def test_csv_with_an_unknown_column(existing):
    text = csv_of(existing).replace("status", "status,difficulty", 1)
    problems = refused("items.csv", text, course_slug="halves", replace=True)
    assert [(p.path, p.message) for p in problems] == [
        (
            'row 1, column "difficulty"',
            "Unknown column; the columns are slug, type, stem, skills, choices, answer, "
            "tolerance, accepted_answers, hints, explanation, irt_a, irt_b, irt_c, status.",
        )
    ]


def test_csv_with_a_missing_column(existing):
    text = "slug,type,stem,skills\nx,numeric,1+1?,halves\n"
    problems = refused("items.csv", text, course_slug="halves")
    assert [p.message for p in problems][:2] == [
        'Missing column "choices".',
        'Missing column "answer".',
    ]
    assert {p.path for p in problems} == {"row 1"}


def test_csv_row_with_a_bad_type(existing):
    rows = csv_of(existing).splitlines()
    assert rows[3].startswith("num,numeric,")
    rows[3] = rows[3].replace(",0.75,", ",three quarters,")
    rows[2] = rows[2].replace(",multiple_choice,", ",essay,")
    problems = refused("items.csv", "\n".join(rows), course_slug="halves", replace=True)
    assert [(p.path, p.message) for p in problems] == [
        (
            'row 3, column "type"',
            "Must be one of single_choice, multiple_choice, numeric, short_text.",
        ),
        ('row 4, column "answer"', "'three quarters' is not a number."),
    ]


def test_csv_failure_in_the_last_row_writes_none_of_the_earlier_rows(existing):
    header = items_to_csv(existing).splitlines()[0]
    text = "\n".join(
        [
            header,
            "new-1,numeric,1 + 1?,halves,,2.0,0.0,,,,1.0,0.0,0.0,published",
            "new-2,short_text,Say half,halves,,,,half,,,1.0,0.0,0.0,published",
            "new-3,single_choice,Pick,halves,*a=1/2|*b=2/4,,,,,,1.0,0.0,0.0,published",
        ]
    )
    problems = refused("items.csv", text, course_slug="halves")
    assert [(p.path, p.message) for p in problems] == [
        (
            'row 4, column "choices"',
            "A single-choice item needs exactly one correct choice (found 2).",
        )
    ]
    assert not existing.items.filter(slug__startswith="new-").exists()


def test_csv_item_slug_that_exists_without_replace(existing):
    problems = refused("items.csv", csv_of(existing), course_slug="halves")
    assert (problems[0].path, problems[0].message) == (
        'row 2, column "slug"',
        "Item 'sc' exists in 'halves'; import with replace to update it.",
    )
    assert len(problems) == 4


def test_csv_needs_an_existing_course(existing):
    assert only(refused("items.csv", csv_of(existing))) == (
        "course_slug",
        "Name the course the items go into.",
    )
    assert only(refused("items.csv", csv_of(existing), course_slug="nope")) == (
        "course_slug",
        "No course 'nope'.",
    )


def test_csv_unknown_skill_and_malformed_choices(existing):
    header = items_to_csv(existing).splitlines()[0]
    text = "\n".join(
        [
            header,
            "x-1,numeric,1 + 1?,thirds,,2,,,,,,,,",
            "x-2,single_choice,Pick,halves,a: 1/2|b: 1/3,,,,,,,,,",
            "x-3,numeric,Short row",
        ]
    )
    problems = refused("items.csv", text, course_slug="halves")
    assert [(p.path, p.message) for p in problems] == [
        ('row 2, column "skills"', "Unknown skill 'thirds'."),
        ('row 3, column "choices"', "'a: 1/2' is not key=text; write choices as *a=right|b=wrong."),
        ("row 4", "The row has 3 cells; the header has 14."),
    ]


def test_csv_that_is_not_csv(existing):
    header = items_to_csv(existing).splitlines()[0]
    text = header + '\nx,numeric,"unterminated\n'
    path, message = only(refused("items.csv", text, course_slug="halves"))
    assert path == "line 2"
    assert message == "Not valid CSV: unexpected end of data."


def test_csv_with_only_a_header(existing):
    header = items_to_csv(existing).splitlines()[0]
    assert only(refused("items.csv", header + "\n", course_slug="halves")) == (
        "row 2",
        "The file has a header row but no items.",
    )


def test_import_failed_is_json_serialisable_for_the_api(existing):
    with pytest.raises(ImportFailed) as caught:
        course_import(source_name="x.json", content="{", author=None)
    assert json.loads(json.dumps(caught.value.fields)) == caught.value.fields


def test_number_too_large(existing):
    content = broken(lambda course: course["items"][2].update(answer=10**400))
    path, message = only(refused("course.json", content))
    assert (path, message) == (
        "$",
        "Invalid JSON: the number 10000000000000000000... is too large.",
    )


def test_huge_integer_answer_is_a_validation_error_not_a_crash():
    spec = ItemSpec(type="numeric", stem="?", numeric_answer=10**400, skills=("s",))
    assert item_spec_errors(spec) == {
        "numeric_answer": ["A numeric item needs a finite numeric answer."]
    }


def test_nul_characters(existing):
    content = broken(lambda course: course["lessons"][0].update(body="a\x00b"))
    assert only(refused("course.json", content)) == (
        "$.course.lessons[0].body",
        "Text may not contain the NUL character.",
    )
    assert only(refused("course.json", b'{"format":\n "x\x00"}')) == (
        "line 2",
        "The file contains a NUL character.",
    )


def test_a_lone_surrogate_is_named_not_a_crash_in_the_markdown_sanitiser(existing):
    # Python's json accepts the escape "\ud800", which no UTF-8 encoder (nh3's) can take.
    content = broken(lambda course: course["lessons"][0].update(body="a SURROGATE b"))
    content = content.replace("SURROGATE", "\\ud800")
    assert only(refused("course.json", content)) == (
        "$.course.lessons[0].body",
        "Text may not contain a lone surrogate (\\ud800).",
    )
    key = broken(lambda course: None).replace('"title"', '"ti\\udfffe"', 1)
    assert only(refused("course.json", key)) == (
        "$.course",
        "Text may not contain a lone surrogate (\\udfff).",
    )


def test_json_nested_too_deeply(existing):
    assert only(refused("course.json", "[" * 100_000)) == (
        "$",
        "Invalid JSON: nested too deeply.",
    )


def test_csv_choice_key_too_long(existing):
    header = items_to_csv(existing).splitlines()[0]
    text = header + "\nx,single_choice,Pick,halves,*abcdefghijklmnopq=1|b=2,,,,,,,,,\n"
    assert only(refused("items.csv", text, course_slug="halves")) == (
        'row 2, column "choices"',
        "The key 'abcdefghijklmnopq' is longer than 16 characters; "
        "write choices as *a=right|b=wrong.",
    )
