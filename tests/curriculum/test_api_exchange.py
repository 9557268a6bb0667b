"""Import and export through the API: teachers and admins only, all or nothing."""

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.curriculum.models import Course, Item, Skill
from tests.accounts.factories import AdminFactory, LearnerFactory, TeacherFactory
from tests.helpers import client_for

DEMO = Path(__file__).resolve().parents[2] / "apps/demo/courses/fractions.json"


def upload(client, name, content, **fields):
    return client.post(
        "/api/v1/courses/import/",
        {"file": SimpleUploadedFile(name, content), **fields},
        format="multipart",
    )


def test_a_teacher_imports_the_demo_course_and_exports_it_back(db):
    teacher = TeacherFactory()
    client = client_for(teacher)
    response = upload(client, "fractions.json", DEMO.read_bytes())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["course"] == "fractions"
    assert body["counts"]["items"] >= 150
    assert body["counts"]["skills"] >= 12
    course = Course.objects.get(slug="fractions")
    assert course.created_by == teacher
    exported = client.get("/api/v1/courses/fractions/export/")
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith('fractions.json"')
    document = json.loads(exported.content)
    assert len(document["course"]["items"]) == Item.objects.filter(course=course).count()
    csv = client.get("/api/v1/courses/fractions/export/", {"as": "csv"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0].startswith("slug,")


def test_a_broken_file_imports_nothing_and_names_the_path(db):
    document = json.loads(DEMO.read_text())
    document["course"]["items"][-1]["skills"] = ["no-such-skill"]
    response = upload(client_for(TeacherFactory()), "broken.json", json.dumps(document).encode())
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_failed"
    last = len(document["course"]["items"]) - 1
    assert any(path.startswith(f"$.course.items[{last}]") for path in error["fields"])
    assert (Course.objects.count(), Skill.objects.count(), Item.objects.count()) == (0, 0, 0)


def test_only_teachers_and_admins_import_and_export(db):
    learner = client_for(LearnerFactory())
    assert upload(learner, "fractions.json", DEMO.read_bytes()).status_code == 403
    assert client_for(None).post("/api/v1/courses/import/", {}).status_code == 401
    assert Course.objects.count() == 0
    upload(client_for(AdminFactory()), "fractions.json", DEMO.read_bytes())
    Course.objects.filter(slug="fractions").update(status="published", is_public=True)
    assert learner.get("/api/v1/courses/fractions/export/").status_code == 403


def test_replacing_someone_elses_course_is_forbidden(db):
    upload(client_for(TeacherFactory()), "fractions.json", DEMO.read_bytes())
    Course.objects.filter(slug="fractions").update(status="published")
    before = Item.objects.count()
    other = upload(
        client_for(TeacherFactory()), "fractions.json", DEMO.read_bytes(), replace="true"
    )
    assert other.status_code == 403
    assert Item.objects.count() == before


def test_missing_file_names_the_field(db):
    response = client_for(TeacherFactory()).post("/api/v1/courses/import/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
