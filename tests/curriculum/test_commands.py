"""import_course / export_course / seed_demo through call_command."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import Classroom
from apps.assessments.models import Assessment
from apps.curriculum.models import Course, Item, Status

from .exchange_data import dumps, model_counts, small_course


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def course_file(tmp_path: Path) -> Path:
    path = tmp_path / "halves.json"
    path.write_text(dumps(small_course()), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_prints_a_summary(course_file):
    out, _ = run("import_course", str(course_file))
    assert out == (
        f"{course_file}: created course 'halves': 2 modules, 3 skills, 3 prerequisites, "
        "2 lessons, 4 items, 5 choices, 2 assessments.\n"
    )
    assert Course.objects.get(slug="halves").items.count() == 4


@pytest.mark.django_db
def test_import_prints_every_problem_and_fails(tmp_path):
    document = small_course()
    document["course"]["items"][0]["choices"][1]["correct"] = True
    document["course"]["items"][2].pop("answer")
    path = tmp_path / "bad.json"
    path.write_text(dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"bad\.json was not imported: 2 problems\."):
        call_command("import_course", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}: $.course.items[0].choices: "
        "A single-choice item needs exactly one correct choice (found 2).",
        f"{path}: $.course.items[2].answer: A numeric item needs a finite numeric answer.",
    ]
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_import_exits_non_zero(tmp_path):
    # CommandError becomes exit status 1 when run from the shell.
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as caught:
        call_command("import_course", str(path), stderr=io.StringIO())
    assert caught.value.returncode == 1


@pytest.mark.django_db
def test_import_of_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_course", str(tmp_path / "nope.json"))


@pytest.mark.django_db
def test_import_needs_replace_for_an_existing_course(course_file):
    run("import_course", str(course_file))
    with pytest.raises(CommandError):
        call_command("import_course", str(course_file), stderr=io.StringIO())
    out, _ = run("import_course", str(course_file), "--replace")
    assert "updated course 'halves'" in out


@pytest.mark.django_db
def test_dry_run_writes_nothing(course_file):
    out, _ = run("import_course", str(course_file), "--dry-run")
    assert out.strip().endswith("(dry run: nothing was saved).")
    assert model_counts()["curriculum.Course"] == 0


@pytest.mark.django_db
def test_import_under_another_slug(course_file):
    run("import_course", str(course_file), "--course", "halves-copy")
    assert Course.objects.get().slug == "halves-copy"


@pytest.mark.django_db
def test_export_json_to_stdout_round_trips(course_file):
    run("import_course", str(course_file))
    out, _ = run("export_course", "halves")
    exported = json.loads(out)
    assert exported["course"]["items"][2]["answer"] == 0.75
    assert exported == json.loads(dumps(exported))


@pytest.mark.django_db
def test_export_csv_to_a_file_and_import_it(course_file, tmp_path):
    run("import_course", str(course_file))
    target = tmp_path / "items.csv"
    _, err = run("export_course", "halves", "--format", "csv", "--output", str(target))
    assert err == f"Wrote 'halves' to {target}.\n"
    assert target.read_bytes().startswith(b"slug,type,stem,skills,choices,")
    out, _ = run("import_course", str(target), "--course", "halves", "--replace")
    assert out == f"{target}: updated course 'halves': 4 items, 5 choices.\n"


@pytest.mark.django_db
def test_export_of_an_unknown_course():
    with pytest.raises(CommandError, match="No course with slug 'nope'"):
        call_command("export_course", "nope")


@pytest.mark.django_db
def test_seed_demo_loads_the_demo_course_once():
    out, _ = run("seed_demo")
    assert "demo course: fractions.json: created course 'fractions'" in out
    course = Course.objects.get(slug="fractions")
    assert (course.status, course.is_public) == (Status.PUBLISHED, True)
    assert course.created_by.username == "teacher"
    assert list(course.classrooms.values_list("name", flat=True)) == ["Demo class"]
    assert Item.objects.filter(course=course, status=Status.PUBLISHED).count() == 267
    kinds = dict(Assessment.objects.filter(course=course).values_list("slug", "kind"))
    assert kinds == {
        "fractions-practice": "practice",
        "fractions-placement": "diagnostic",
        "what-is-a-fraction-quiz": "quiz",
    }
    quiz = Assessment.objects.get(slug="what-is-a-fraction-quiz")
    assert quiz.assessment_items.count() == 8

    before = model_counts()
    out, _ = run("seed_demo")
    assert "demo course: 'fractions' is already there" in out
    assert model_counts() == before
    assert Classroom.objects.get(name="Demo class").courses.count() == 1
