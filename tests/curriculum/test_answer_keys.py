"""Answer keys reach only a course's authors and admins (issue 13, point 1).

Any teacher account used to read every key: the author views of items and the export were open
to the role, and the public sign-up let anyone pick that role. Now a teacher who is not an
author of the course sees it as a learner does.
"""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.curriculum import selectors
from apps.curriculum.exchange import course_import
from apps.curriculum.models import Course, Status
from tests.accounts.factories import AdminFactory, LearnerFactory, TeacherFactory
from tests.helpers import client_for

DEMO = Path(__file__).resolve().parents[2] / "apps/demo/courses/fractions.json"
KEY_FIELDS = ("numeric_answer", "tolerance", "accepted_answers", "explanation", "explanation_html")


def _key_fields_in(item: dict) -> set[str]:
    found = {field for field in KEY_FIELDS if field in item}
    if any("correct" in choice for choice in item.get("choices", [])):
        found.add("choices[].correct")
    return found


def _items(client, slug: str) -> list[dict]:
    response = client.get(f"/api/v1/courses/{slug}/items/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def shared(curriculum):
    """The published course ``private`` of ``other_teacher`` with a co-author added."""
    course = curriculum["courses"]["private"]
    coauthor = TeacherFactory()
    course.authors.add(coauthor)
    return {**curriculum, "course": course, "coauthor": coauthor}


def test_a_teacher_who_is_not_an_author_gets_no_answer_key(shared):
    stranger = client_for(shared["author"])  # a teacher, author of other courses only
    items = _items(stranger, "private")
    assert items, "the published items are listed"
    assert all(not _key_fields_in(item) for item in items)
    detail = stranger.get(f"/api/v1/courses/private/items/{items[0]['slug']}/")
    assert detail.status_code == 200
    assert not _key_fields_in(detail.json())
    # The drafts stay with the authors: a non-author teacher cannot open a draft item.
    assert stranger.get("/api/v1/courses/private/items/quarters-sc/").status_code == 404
    lessons = stranger.get("/api/v1/courses/private/lessons/").json()["results"]
    assert [lesson["slug"] for lesson in lessons] == ["intro"]


@pytest.mark.parametrize("who", ["other_teacher", "coauthor", "admin"])
def test_the_creator_coauthors_and_admins_get_the_key(shared, who):
    client = client_for(shared[who])
    items = {item["slug"]: item for item in _items(client, "private")}
    assert "quarters-sc" in items, "authors see the drafts too"
    single = items["halves-sc"]
    assert [choice["correct"] for choice in single["choices"]] == [True, False]
    assert items["halves-num"]["numeric_answer"] == 0.75
    assert items["halves-txt"]["accepted_answers"] == ["3/4"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("author", 403), ("inside", 403), ("other_teacher", 200), ("coauthor", 200), ("admin", 200)],
)
def test_only_authors_and_admins_export(shared, who, expected):
    client = client_for(shared[who])
    for fmt in ("json", "csv"):
        response = client.get("/api/v1/courses/private/export/", {"as": fmt})
        assert response.status_code == expected, (fmt, response.content[:200])
        if who == "author":  # a teacher, but not this course's
            assert "answer keys" in response.json()["error"]["message"]
        if expected == 403:
            assert b'"correct"' not in response.content


def test_export_format_must_be_known(shared):
    response = client_for(shared["admin"]).get("/api/v1/courses/private/export/", {"as": "xml"})
    assert response.status_code == 400
    assert "as" in response.json()["error"]["fields"]


def test_only_authors_change_a_course(shared):
    body = {"title": "Renamed"}
    assert client_for(shared["author"]).patch("/api/v1/courses/private/", body).status_code == 403
    coauthor = client_for(shared["coauthor"]).patch("/api/v1/courses/private/", body)
    assert coauthor.status_code == 200
    assert Course.objects.get(slug="private").title == "Renamed"


def test_a_coauthor_sees_the_draft_course_and_a_demoted_one_does_not(shared):
    draft = shared["courses"]["draft"]
    coauthor = shared["coauthor"]
    assert client_for(coauthor).get("/api/v1/courses/draft/").status_code == 404
    draft.authors.add(coauthor)
    assert client_for(coauthor).get("/api/v1/courses/draft/").status_code == 200
    assert selectors.is_course_author(user=coauthor, course=draft)
    coauthor.role = "learner"
    coauthor.save(update_fields=["role"])
    assert not selectors.is_course_author(user=coauthor, course=draft)
    assert client_for(coauthor).get("/api/v1/courses/draft/").status_code == 404


def test_the_author_check_costs_at_most_one_query(shared, django_assert_max_num_queries):
    course = Course.objects.get(slug="private")
    with django_assert_max_num_queries(0):
        assert selectors.is_course_author(user=shared["other_teacher"], course=course)
        assert selectors.is_course_author(user=shared["admin"], course=course)
        assert not selectors.is_course_author(user=shared["inside"], course=course)
    with django_assert_max_num_queries(1):
        assert selectors.is_course_author(user=shared["coauthor"], course=course)


# ----------------------------------------------------------------- imports are private drafts


def _published_file() -> bytes:
    """The demo course, its file asking to be published and public."""
    document = json.loads(DEMO.read_text())
    document["course"] |= {"status": "published", "is_public": True}
    return json.dumps(document).encode()


def _upload(client, **fields):
    return client.post(
        "/api/v1/courses/import/",
        {"file": SimpleUploadedFile("fractions.json", _published_file()), **fields},
        format="multipart",
    )


def test_an_import_is_a_private_draft_unless_the_importer_publishes(db):
    teacher = client_for(TeacherFactory())
    response = _upload(teacher)
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["is_public"]) == ("draft", False)
    course = Course.objects.get(slug="fractions")
    assert (course.status, course.is_public) == (Status.DRAFT, False)
    # Learners do not see it; nor does another teacher.
    assert client_for(LearnerFactory()).get("/api/v1/courses/fractions/").status_code == 404
    assert client_for(TeacherFactory()).get("/api/v1/courses/fractions/").status_code == 404
    # Replacing it keeps it a draft; publishing is the importer's explicit choice.
    assert _upload(teacher, replace="true").json()["status"] == "draft"
    published = _upload(teacher, replace="true", publish="true").json()
    assert (published["status"], published["is_public"]) == ("published", True)
    assert client_for(LearnerFactory()).get("/api/v1/courses/fractions/").status_code == 200
    # Made private again by hand, a plain replace does not open it up.
    Course.objects.filter(slug="fractions").update(is_public=False)
    assert _upload(teacher, replace="true").json()["is_public"] is False
    assert client_for(LearnerFactory()).get("/api/v1/courses/fractions/").status_code == 404


def test_the_command_and_the_service_default_to_a_draft(db):
    result = course_import(
        source_name="fractions.json", content=_published_file(), author=AdminFactory()
    )
    assert (result.course.status, result.course.is_public) == (Status.DRAFT, False)


def test_the_admin_import_page_publishes_only_when_asked(db, client):
    client.force_login(AdminFactory())
    upload = SimpleUploadedFile("fractions.json", _published_file())
    response = client.post("/admin/curriculum/course/import/", {"file": upload})
    assert response.status_code == 302
    course = Course.objects.get(slug="fractions")
    assert (course.status, course.is_public) == (Status.DRAFT, False)
    upload = SimpleUploadedFile("fractions.json", _published_file())
    form = {"file": upload, "replace": "on", "publish": "on"}
    assert client.post("/admin/curriculum/course/import/", form).status_code == 302
    course.refresh_from_db()
    assert (course.status, course.is_public) == (Status.PUBLISHED, True)


# ------------------------------------------------------------------- choosing the co-authors


def test_the_creator_adds_and_removes_a_coauthor(shared):
    creator = client_for(shared["other_teacher"])
    colleague = TeacherFactory()
    assert client_for(colleague).get("/api/v1/courses/private/export/").status_code == 403
    added = creator.post("/api/v1/courses/private/authors/", {"username": colleague.username})
    assert added.status_code == 200, added.content
    listed = [(row["username"], row["creator"]) for row in added.json()]
    assert listed[0] == (shared["other_teacher"].username, True)
    assert (colleague.username, False) in listed
    assert client_for(colleague).get("/api/v1/courses/private/export/").status_code == 200
    gone = creator.delete(f"/api/v1/courses/private/authors/{colleague.username}/")
    assert gone.status_code == 204
    assert client_for(colleague).get("/api/v1/courses/private/export/").status_code == 403
    again = creator.delete(f"/api/v1/courses/private/authors/{colleague.username}/")
    assert again.status_code == 404


def test_only_approved_teachers_become_coauthors(shared):
    creator = client_for(shared["other_teacher"])
    learner = shared["inside"]
    response = creator.post("/api/v1/courses/private/authors/", {"username": learner.username})
    assert response.status_code == 400
    assert "username" in response.json()["error"]["fields"]
    missing = creator.post("/api/v1/courses/private/authors/", {})
    assert missing.status_code == 400
    assert "username" in missing.json()["error"]["fields"]
    assert not shared["course"].authors.filter(pk=learner.pk).exists()


def test_a_coauthor_cannot_choose_authors_and_strangers_cannot_list_them(shared):
    coauthor = client_for(shared["coauthor"])
    assert coauthor.get("/api/v1/courses/private/authors/").status_code == 200
    body = {"username": TeacherFactory().username}
    assert coauthor.post("/api/v1/courses/private/authors/", body).status_code == 403
    stranger = client_for(shared["author"])
    assert stranger.get("/api/v1/courses/private/authors/").status_code == 403
    assert client_for(shared["inside"]).get("/api/v1/courses/private/authors/").status_code == 403
    admin = client_for(shared["admin"])
    assert admin.post("/api/v1/courses/private/authors/", body).status_code == 200
