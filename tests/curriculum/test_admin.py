"""Admin authoring: service rules as form errors, previews, actions, the import page, and list
pages whose query count does not grow with the number of rows."""

import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.assessments.models import Assessment, AssessmentItem, Attempt, ItemResponse
from apps.curriculum.exchange import course_import
from apps.curriculum.models import Choice, Course, Item, SkillPrerequisite, Status
from tests.accounts.factories import LearnerFactory, TeacherFactory

from .exchange_data import dumps, model_counts, small_course
from .factories import (
    CourseFactory,
    ItemFactory,
    LessonFactory,
    ModuleFactory,
    NumericItemFactory,
    SkillFactory,
)


@pytest.fixture
def staff(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def halves(db) -> Course:
    return course_import(source_name="h.json", content=dumps(small_course()), author=None).course


def admin_url(model: str, view: str, *args: Any) -> str:
    return reverse(f"admin:{model}_{view}", args=args)


def errors_of(response) -> list[str]:
    """Every error message on an admin form page (field, form and inline errors)."""
    context = response.context
    found = [str(e) for field in context["adminform"].form.errors.values() for e in field]
    for formset in context.get("inline_admin_formsets", []):
        found += [str(e) for e in formset.formset.non_form_errors()]
        found += [str(e) for form in formset.formset.errors for f in form.values() for e in f]
    return found


# ------------------------------------------------------------------------------------ skills


def skill_post(skill, **changes: Any) -> dict[str, Any]:
    data = {
        "module": skill.module_id or "",
        "name": skill.name,
        "description": skill.description,
        "position": skill.position,
        "requires": [p.pk for p in skill.prerequisites.all()],
    }
    return {**data, **changes}


def test_prerequisite_cycle_is_a_form_error_and_nothing_is_written(staff, halves):
    halves_skill = halves.skills.get(slug="halves")
    adding = halves.skills.get(slug="adding")
    edges = list(SkillPrerequisite.objects.values_list("skill_id", "prerequisite_id"))
    version = Course.objects.get(pk=halves.pk).content_version
    response = staff.post(
        admin_url("curriculum_skill", "change", halves_skill.pk),
        skill_post(halves_skill, requires=[adding.pk]),
    )
    assert response.status_code == 200
    assert errors_of(response) == [
        "Cycle: halves → adding → halves (each skill requires the next)."
    ]
    assert list(SkillPrerequisite.objects.values_list("skill_id", "prerequisite_id")) == edges
    assert Course.objects.get(pk=halves.pk).content_version == version


def test_prerequisites_are_saved_through_the_service(staff, halves):
    quarters = halves.skills.get(slug="quarters")
    adding = halves.skills.get(slug="adding")
    version = halves.content_version
    response = staff.post(
        admin_url("curriculum_skill", "change", adding.pk),
        skill_post(adding, name="Adding fractions", requires=[quarters.pk]),
    )
    assert response.status_code == 302
    adding.refresh_from_db()
    assert adding.name == "Adding fractions"
    assert [p.slug for p in adding.prerequisites.all()] == ["quarters"]
    assert Course.objects.get(pk=halves.pk).content_version == version + 1


def test_new_skill_with_a_prerequisite_from_another_course_is_refused(staff, halves):
    other = SkillFactory()
    before = model_counts()
    response = staff.post(
        admin_url("curriculum_skill", "add"),
        {
            "course": halves.pk,
            "slug": "thirds",
            "name": "Thirds",
            "position": 5,
            "requires": [other.pk],
        },
    )
    assert response.status_code == 200
    assert errors_of(response) == [f"Not in this course: {other.slug}."]
    assert model_counts() == before


def test_new_skill_is_created(staff, halves):
    halves_skill = halves.skills.get(slug="halves")
    response = staff.post(
        admin_url("curriculum_skill", "add"),
        {
            "course": halves.pk,
            "slug": "thirds",
            "name": "Thirds",
            "position": 5,
            "requires": [halves_skill.pk],
        },
    )
    assert response.status_code == 302
    thirds = halves.skills.get(slug="thirds")
    assert [p.slug for p in thirds.prerequisites.all()] == ["halves"]


def test_bad_slug_is_a_form_error(staff, halves):
    response = staff.post(
        admin_url("curriculum_skill", "add"),
        {"course": halves.pk, "slug": "two--hyphens", "name": "X", "position": 0},
    )
    assert response.status_code == 200
    assert errors_of(response)[0].startswith("'two--hyphens' is not a slug")


# ------------------------------------------------------------------------------------- items


def item_post(item: Item | None, choices: list[tuple[str, str, bool]], **fields: Any) -> dict:
    data: dict[str, Any] = {
        "slug": "new-item",
        "type": "single_choice",
        "status": "draft",
        "position": 0,
        "stem": "Which is **half**?",
        "tags": [],
        "numeric_answer": "",
        "tolerance": "0",
        "accepted_answers": "",
        "hints": "First hint\nSecond *hint*",
        "explanation": "Because.",
        "irt_a": "1",
        "irt_b": "0",
        "irt_c": "0",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    if item is not None:
        existing = list(item.choices.all())
        data["choices-INITIAL_FORMS"] = str(len(existing))
        data["choices-TOTAL_FORMS"] = str(len(existing) + len(choices))
        for i, choice in enumerate(existing):
            data.update(
                {
                    f"choices-{i}-id": choice.pk,
                    f"choices-{i}-item": item.pk,
                    f"choices-{i}-position": choice.position,
                    f"choices-{i}-key": choice.key,
                    f"choices-{i}-text": choice.text,
                    f"choices-{i}-is_correct": "on" if choice.is_correct else "",
                }
            )
        offset = len(existing)
    else:
        offset = 0
    for i, (key, text, correct) in enumerate(choices, start=offset):
        data.update(
            {
                f"choices-{i}-position": i,
                f"choices-{i}-key": key,
                f"choices-{i}-text": text,
                **({f"choices-{i}-is_correct": "on"} if correct else {}),
            }
        )
    data.update(fields)
    return {key: value for key, value in data.items() if value != ""}


def test_new_item_is_saved_through_item_save(staff, halves):
    skill = halves.skills.get(slug="halves")
    response = staff.post(
        admin_url("curriculum_item", "add"),
        item_post(
            None, [("a", "1/2", True), ("b", "*1/3*", False)], course=halves.pk, tags=[skill.pk]
        ),
    )
    assert response.status_code == 302, errors_of(response)
    item = halves.items.get(slug="new-item")
    assert item.stem_html == "<p>Which is <strong>half</strong>?</p>"
    assert item.hints == ["First hint", "Second *hint*"]
    assert item.hints_html == ["First hint", "Second <em>hint</em>"]
    assert [(c.key, c.text_html, c.is_correct) for c in item.choices.all()] == [
        ("a", "1/2", True),
        ("b", "<em>1/3</em>", False),
    ]
    assert [s.slug for s in item.skills.all()] == ["halves"]


def test_two_correct_choices_on_a_single_choice_item_is_refused(staff, halves):
    item = halves.items.get(slug="sc")
    before = model_counts()
    data = item_post(
        item,
        [],
        course=halves.pk,
        slug="sc",
        tags=[s.pk for s in item.skills.all()],
        **{"choices-1-is_correct": "on"},
    )
    response = staff.post(admin_url("curriculum_item", "change", item.pk), data)
    assert response.status_code == 200
    assert errors_of(response) == [
        "A single-choice item needs exactly one correct choice (found 2)."
    ]
    assert model_counts() == before
    assert list(item.choices.values_list("is_correct", flat=True)) == [True, False]


def test_numeric_item_without_an_answer_is_refused(staff, halves):
    skill = halves.skills.get(slug="adding")
    before = model_counts()
    response = staff.post(
        admin_url("curriculum_item", "add"),
        item_post(None, [], course=halves.pk, type="numeric", tags=[skill.pk]),
    )
    assert response.status_code == 200
    assert errors_of(response) == ["A numeric item needs a finite numeric answer."]
    assert model_counts() == before


def test_numeric_item_with_choices_is_refused(staff, halves):
    skill = halves.skills.get(slug="adding")
    response = staff.post(
        admin_url("curriculum_item", "add"),
        item_post(
            None,
            [("a", "1", True)],
            course=halves.pk,
            type="numeric",
            numeric_answer="2",
            tags=[skill.pk],
        ),
    )
    assert response.status_code == 200
    assert errors_of(response) == ["A numeric item has no choices."]
    assert not halves.items.filter(slug="new-item").exists()


def test_duplicate_item_slug_is_refused(staff, halves):
    skill = halves.skills.get(slug="halves")
    response = staff.post(
        admin_url("curriculum_item", "add"),
        item_post(
            None,
            [("a", "1/2", True), ("b", "1/3", False)],
            course=halves.pk,
            slug="sc",
            tags=[skill.pk],
        ),
    )
    assert response.status_code == 200
    assert errors_of(response) == ["Item with this Course and Slug already exists."]


def test_renaming_an_item_onto_another_slug_is_refused_by_the_service(staff, halves):
    # The course is read-only on the change form, so the model form cannot check the
    # (course, slug) constraint; the dry run of item_save does, and says so.
    item = halves.items.get(slug="sc")
    data = item_post(item, [], course=halves.pk, slug="mc", tags=[s.pk for s in item.skills.all()])
    response = staff.post(admin_url("curriculum_item", "change", item.pk), data)
    assert response.status_code == 200
    assert errors_of(response) == ["slug: Item 'mc' exists in this course."]
    assert halves.items.get(pk=item.pk).slug == "sc"


def test_item_preview_shows_the_question_and_the_key(staff, halves):
    item = halves.items.get(slug="sc")
    response = staff.get(admin_url("curriculum_item", "change", item.pk))
    html = response.content.decode()
    assert "<p>Which is <strong>half</strong>?</p>" in html
    assert 'type="radio" disabled' in html
    key = html[html.index("Key (authors only)") :]
    assert "<code>a</code>" in key
    assert "<code>b</code>" not in key
    assert "Half is 1 of 2." in html
    numeric = halves.items.get(slug="num")
    html = staff.get(admin_url("curriculum_item", "change", numeric.pk)).content.decode()
    assert "<code>0.75</code> &plusmn; 0.001" in html


# ----------------------------------------------------------------------------------- courses


def test_new_course_is_created_by_the_service_with_its_modules(staff, admin_user):
    response = staff.post(
        admin_url("curriculum_course", "add"),
        {
            "slug": "algebra",
            "title": "Algebra",
            "description": "",
            "language": "en",
            "status": "draft",
            "modules-TOTAL_FORMS": 1,
            "modules-INITIAL_FORMS": 0,
            "modules-MIN_NUM_FORMS": 0,
            "modules-MAX_NUM_FORMS": 1000,
            "modules-0-position": 0,
            "modules-0-slug": "basics",
            "modules-0-title": "Basics",
        },
    )
    assert response.status_code == 302
    course = Course.objects.get(slug="algebra")
    assert course.created_by == admin_user
    assert list(course.modules.values_list("slug", flat=True)) == ["basics"]


def test_course_slug_must_be_a_slug(staff):
    response = staff.post(
        admin_url("curriculum_course", "add"),
        {
            "slug": "algebra-",
            "title": "Algebra",
            "language": "en",
            "status": "draft",
            "modules-TOTAL_FORMS": 0,
            "modules-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert errors_of(response)[0].startswith("'algebra-' is not a slug")
    assert not Course.objects.exists()


# ----------------------------------------------------------------------------------- lessons


def test_lesson_preview_and_save_render_markdown(staff, halves):
    lesson = halves.lessons.get(slug="intro")
    page = staff.get(admin_url("curriculum_lesson", "change", lesson.pk)).content.decode()
    assert (
        '<div class="curriculum-preview"><p><em>Two</em> equal parts. </p></div>'
        in page.replace("Halves\n", "")
    )
    response = staff.post(
        admin_url("curriculum_lesson", "change", lesson.pk),
        {
            "module": "",
            "slug": "intro",
            "title": "Intro",
            "body": "Now **bold** <script>x</script>",
            "skills": [halves.skills.get(slug="halves").pk],
            "position": 0,
            "status": "published",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.body_html == "<p>Now <strong>bold</strong> </p>"
    assert [s.slug for s in lesson.skills.all()] == ["halves"]


def test_lesson_tagged_with_another_courses_skill_is_refused(staff, halves):
    other = SkillFactory()
    response = staff.post(
        admin_url("curriculum_lesson", "add"),
        {
            "course": halves.pk,
            "slug": "x",
            "title": "X",
            "body": "B",
            "skills": [other.pk],
            "position": 0,
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert errors_of(response) == [f"Not skills of this course: {other.slug}."]


# ----------------------------------------------------------------------------------- actions


def action(staff: Client, model: str, name: str, objects: list) -> Any:
    return staff.post(
        admin_url(model, "changelist"),
        {"action": name, "_selected_action": [o.pk for o in objects]},
    )


def test_publish_and_unpublish_courses(staff, halves):
    action(staff, "curriculum_course", "unpublish", [halves])
    assert Course.objects.get(pk=halves.pk).status == Status.DRAFT
    action(staff, "curriculum_course", "publish", [halves])
    assert Course.objects.get(pk=halves.pk).status == Status.PUBLISHED


def test_publishing_items_revalidates_them(staff, halves):
    broken = halves.items.get(slug="mc")
    Choice.objects.filter(item=broken).update(is_correct=False)  # as if edited outside the admin
    draft = list(halves.items.filter(status=Status.DRAFT))
    response = action(staff, "curriculum_item", "publish", [broken, halves.items.get(slug="txt")])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Item 'mc' cannot be published. choices: A multiple-choice item needs a correct choice. "
        "Nothing changed."
    ]
    assert list(halves.items.filter(status=Status.DRAFT)) == draft
    action(staff, "curriculum_item", "publish", [halves.items.get(slug="txt")])
    assert halves.items.get(slug="txt").status == Status.PUBLISHED
    action(staff, "curriculum_item", "unpublish", [halves.items.get(slug="txt")])
    assert halves.items.get(slug="txt").status == Status.DRAFT


def test_export_one_course_as_json(staff, halves):
    response = action(staff, "curriculum_course", "export_json", [halves])
    assert response["Content-Disposition"] == 'attachment; filename="halves.json"'
    assert json.loads(response.content)["course"]["items"][0]["slug"] == "sc"


def test_export_several_courses_as_a_zip(staff, halves):
    other = course_import(source_name="o.json", content=dumps(small_course("other")), author=None)
    response = action(staff, "curriculum_course", "export_json", [halves, other.course])
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == ["halves.json", "other.json"]
    assert json.loads(archive.read("other.json"))["course"]["slug"] == "other"


# ------------------------------------------------------------------------------- import page


def upload(name: str, content: str | bytes) -> io.BytesIO:
    file = io.BytesIO(content.encode() if isinstance(content, str) else content)
    file.name = name
    return file


def test_changelist_links_to_the_import_page(staff):
    page = staff.get(admin_url("curriculum_course", "changelist")).content.decode()
    assert reverse("admin:curriculum_course_import") in page
    assert staff.get(reverse("admin:curriculum_course_import")).status_code == 200


def test_import_page_imports_a_course(staff):
    response = staff.post(
        reverse("admin:curriculum_course_import"),
        {"file": upload("halves.json", dumps(small_course()))},
        follow=True,
    )
    course = Course.objects.get(slug="halves")
    assert response.redirect_chain[-1][0] == admin_url("curriculum_course", "change", course.pk)
    # The file's name as typed, though the admin capitalises each message's first letter.
    assert "File halves.json: created course &#x27;halves&#x27;" in response.content.decode()
    assert course.items.count() == 4


def test_import_page_lists_problems_and_saves_nothing(staff, halves):
    document = small_course()
    document["course"]["items"][2].pop("answer")
    before = model_counts()
    response = staff.post(
        reverse("admin:curriculum_course_import"),
        {"file": upload("halves.json", dumps(document)), "replace": "on"},
    )
    assert response.status_code == 200
    assert [(p.path, p.message) for p in response.context["problems"]] == [
        ("$.course.items[2].answer", "A numeric item needs a finite numeric answer.")
    ]
    html = response.content.decode()
    assert "<code>$.course.items[2].answer</code>" in html
    assert "File halves.json was not imported: 1 problem. Nothing was saved." in html
    assert model_counts() == before


def test_import_page_imports_csv_items_into_a_course(staff, halves):
    from apps.curriculum.exchange import items_to_csv

    text = items_to_csv(halves).replace("\r\nsc,", "\r\nsc-copy,", 1)
    text = text.split("\r\n")
    csv_text = "\r\n".join(text[:2]) + "\r\n"
    response = staff.post(
        reverse("admin:curriculum_course_import"),
        {"file": upload("items.csv", csv_text), "course_slug": "halves"},
    )
    assert response.status_code == 302
    assert halves.items.filter(slug="sc-copy").exists()


def test_import_page_needs_staff(db, client):
    teacher = TeacherFactory()
    client.force_login(teacher)
    response = client.post(
        reverse("admin:curriculum_course_import"), {"file": upload("h.json", dumps(small_course()))}
    )
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not Course.objects.exists()


# --------------------------------------------------------------------------------- responses


def test_responses_are_read_only(staff, halves):
    learner = LearnerFactory()
    response_row = ItemResponse.objects.create(
        client_id=uuid.uuid4(),
        learner=learner,
        item=halves.items.get(slug="num"),
        answer=0.75,
        correct=True,
        score=1.0,
    )
    assert staff.get(admin_url("assessments_itemresponse", "changelist")).status_code == 200
    assert staff.get(admin_url("assessments_itemresponse", "add")).status_code == 403
    assert (
        staff.post(admin_url("assessments_itemresponse", "delete", response_row.pk)).status_code
        == 403
    )
    page = staff.get(admin_url("assessments_itemresponse", "change", response_row.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    staff.post(admin_url("assessments_itemresponse", "change", response_row.pk), {"correct": ""})
    assert ItemResponse.objects.get().correct is True


def test_assessment_items_must_belong_to_the_course(staff, halves):
    quiz = Assessment.objects.get(course=halves, slug="check")
    foreign = ItemFactory()
    links = list(quiz.assessment_items.all())
    data = {
        "course": halves.pk,
        "slug": "check",
        "title": "Quick check",
        "kind": "quiz",
        "max_items": 2,
        "target_standard_error": 0.35,
        "assessment_items-TOTAL_FORMS": len(links) + 1,
        "assessment_items-INITIAL_FORMS": len(links),
        "assessment_items-MIN_NUM_FORMS": 0,
        "assessment_items-MAX_NUM_FORMS": 1000,
    }
    for i, link in enumerate(links):
        data |= {
            f"assessment_items-{i}-id": link.pk,
            f"assessment_items-{i}-assessment": quiz.pk,
            f"assessment_items-{i}-item": link.item_id,
            f"assessment_items-{i}-position": link.position,
        }
    data |= {
        f"assessment_items-{len(links)}-item": foreign.pk,
        f"assessment_items-{len(links)}-position": 9,
    }
    response = staff.post(admin_url("assessments_assessment", "change", quiz.pk), data)
    assert response.status_code == 200
    assert errors_of(response) == [f"Not items of this course: {foreign.slug}."]
    assert AssessmentItem.objects.filter(assessment=quiz).count() == 2


# ------------------------------------------------------------------------------ query counts


def make_items(course: Course, n: int) -> None:
    skills = [SkillFactory(course=course) for _ in range(3)]
    for i in range(n):
        factory = NumericItemFactory if i % 2 else ItemFactory
        factory(course=course, skills=skills[: 1 + i % 3])


def count_queries(staff: Client, url: str, django_assert_max_num_queries: Any, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        response = staff.get(url)
    assert response.status_code == 200


def test_item_changelist_queries_do_not_grow_with_items(staff, django_assert_max_num_queries):
    course = CourseFactory()
    make_items(course, 20)
    url = admin_url("curriculum_item", "changelist")
    filtered = url + f"?course__id__exact={course.pk}&type__exact=numeric&q=half"
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    make_items(course, 180)
    count_queries(staff, url, django_assert_max_num_queries, len(few))
    count_queries(staff, filtered, django_assert_max_num_queries, len(few))
    page = staff.get(url)
    assert len(page.context["cl"].result_list) == 100  # a full page of the 200
    assert len(few) <= 12


def test_skill_changelist_queries_are_bounded(staff, django_assert_max_num_queries):
    course = CourseFactory()
    module = ModuleFactory(course=course)
    previous = None
    for _ in range(60):
        previous = SkillFactory(
            course=course, module=module, prerequisites=[previous] if previous else []
        )
        ItemFactory(course=course, skills=[previous])
    count_queries(
        staff, admin_url("curriculum_skill", "changelist"), django_assert_max_num_queries, 12
    )


def test_course_changelist_queries_are_bounded(staff, django_assert_max_num_queries):
    for _ in range(30):
        course = CourseFactory()
        ModuleFactory(course=course)
        ItemFactory(course=course)
        LessonFactory(course=course)
    count_queries(
        staff, admin_url("curriculum_course", "changelist"), django_assert_max_num_queries, 10
    )
    page = staff.get(admin_url("curriculum_course", "changelist")).content.decode()
    assert '<td class="field-item_count">1</td>' in page


@pytest.mark.parametrize(
    "model",
    [
        "curriculum_module",
        "curriculum_lesson",
        "assessments_assessment",
        "assessments_attempt",
        "assessments_itemresponse",
    ],
)
def test_other_changelists_are_bounded(staff, halves, model, django_assert_max_num_queries):
    learner = LearnerFactory()
    for assessment in Assessment.objects.all():
        attempt = Attempt.objects.create(learner=learner, assessment=assessment)
        for item in halves.items.all():
            ItemResponse.objects.create(
                client_id=uuid.uuid4(),
                learner=learner,
                item=item,
                attempt=attempt,
                answer="x",
                correct=False,
                score=0,
            )
    for _ in range(20):
        LessonFactory(course=halves, module=halves.modules.first())
    count_queries(staff, admin_url(model, "changelist"), django_assert_max_num_queries, 12)
