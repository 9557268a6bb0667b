"""Curriculum API: who sees which course, answer keys never in learner payloads, authoring."""

import json

import pytest

from apps.curriculum.models import Course, Item, SkillPrerequisite
from tests.helpers import client_for

FORBIDDEN_KEYS = {
    "correct",
    "is_correct",
    "numeric_answer",
    "tolerance",
    "accepted_answers",
    "explanation",
    "explanation_html",
    "answer",
    "irt",
    "irt_a",
    "irt_b",
    "irt_c",
}


def all_keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from all_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from all_keys(inner)


def slugs(response):
    return sorted(row["slug"] for row in response.json()["results"])


def test_course_list_per_role(curriculum):
    url = "/api/v1/courses/"
    assert slugs(client_for(curriculum["inside"]).get(url)) == ["assigned", "public"]
    assert slugs(client_for(curriculum["outside"]).get(url)) == ["public"]
    assert slugs(client_for(curriculum["author"]).get(url)) == [
        "assigned",
        "draft",
        "private",
        "public",
    ]
    assert slugs(client_for(curriculum["other_teacher"]).get(url)) == [
        "assigned",
        "private",
        "public",
    ]
    assert slugs(client_for(curriculum["admin"]).get(url)) == [
        "assigned",
        "draft",
        "private",
        "public",
    ]
    assert client_for(None).get(url).status_code == 401


@pytest.mark.parametrize("slug", ["draft", "private"])
def test_learners_get_404_for_courses_they_cannot_see(curriculum, slug):
    client = client_for(curriculum["inside"])
    for suffix in ["", "graph/", "skills/", "lessons/", "items/", "modules/"]:
        assert client.get(f"/api/v1/courses/{slug}/{suffix}").status_code == 404, suffix


def test_no_answer_key_in_any_learner_payload(curriculum):
    client = client_for(curriculum["inside"])
    urls = [
        "/api/v1/courses/",
        "/api/v1/courses/assigned/",
        "/api/v1/courses/assigned/graph/",
        "/api/v1/courses/assigned/skills/",
        "/api/v1/courses/assigned/skills/halves/",
        "/api/v1/courses/assigned/lessons/",
        "/api/v1/courses/assigned/lessons/intro/",
        "/api/v1/courses/assigned/modules/",
        "/api/v1/courses/assigned/items/",
        "/api/v1/courses/public/items/?type=numeric",
    ]
    urls += [
        f"/api/v1/courses/assigned/items/{item.slug}/"
        for item in Item.objects.filter(course__slug="assigned", status="published")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        leaked = FORBIDDEN_KEYS & set(all_keys(response.json()))
        assert not leaked, (url, leaked)
    item = client.get("/api/v1/courses/assigned/items/halves-txt/").json()
    assert "3/4" not in json.dumps(item)  # the accepted answer, in no field at all


def test_learners_see_only_published_items_and_lessons(curriculum):
    client = client_for(curriculum["inside"])
    items = client.get("/api/v1/courses/assigned/items/").json()
    assert sorted(i["slug"] for i in items["results"]) == [
        "halves-mc",
        "halves-num",
        "halves-sc",
        "halves-txt",
    ]
    assert client.get("/api/v1/courses/assigned/items/quarters-sc/").status_code == 404
    assert client.get("/api/v1/courses/assigned/lessons/hidden/").status_code == 404
    assert client.get("/api/v1/courses/assigned/items/?status=draft").json()["count"] == 4


def test_authors_see_keys_and_drafts(curriculum):
    client = client_for(curriculum["author"])
    item = client.get("/api/v1/courses/draft/items/quarters-num/").json()
    assert (item["numeric_answer"], item["status"], item["irt"]) == (
        0.75,
        "draft",
        {"a": 1.0, "b": 0.0, "c": 0.0},
    )
    choices = client.get("/api/v1/courses/draft/items/halves-sc/").json()["choices"]
    assert [c["correct"] for c in choices] == [True, False]


def test_item_filters_and_pagination(curriculum):
    client = client_for(curriculum["author"])
    by_skill = client.get("/api/v1/courses/assigned/items/?skill=quarters").json()
    assert by_skill["count"] == 4
    by_type = client.get("/api/v1/courses/assigned/items/?type=short_text").json()
    assert sorted(i["slug"] for i in by_type["results"]) == ["halves-txt", "quarters-txt"]
    page = client.get("/api/v1/courses/assigned/items/?page_size=3&page=2").json()
    assert (page["count"], len(page["results"]), page["next"]) == (8, 3, page["next"])
    assert page["previous"] is not None


def test_graph_payload(curriculum):
    graph = client_for(curriculum["inside"]).get("/api/v1/courses/assigned/graph/").json()
    assert [n["slug"] for n in graph["nodes"]] == ["halves", "quarters"]
    assert graph["edges"] == [{"skill": "quarters", "prerequisite": "halves"}]


def test_lessons_are_rendered_and_sanitised(curriculum):
    client = client_for(curriculum["author"])
    created = client.post(
        "/api/v1/courses/assigned/lessons/",
        {
            "slug": "xss",
            "title": "XSS",
            "body": "Hi <script>alert(1)</script> [x](javascript:alert(1)) **b**",
        },
        format="json",
    )
    assert created.status_code == 201
    html = created.json()["body_html"]
    assert "<script" not in html
    assert "javascript:" not in html
    assert "<strong>b</strong>" in html


def test_teacher_creates_a_course_with_skills_and_items(curriculum):
    client = client_for(curriculum["author"])
    assert client.post("/api/v1/courses/", {"slug": "new", "title": "New"}).status_code == 201
    assert (
        client.post("/api/v1/courses/new/modules/", {"slug": "m1", "title": "One"}).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/courses/new/skills/", {"slug": "a", "name": "A", "module": "m1"}, format="json"
        ).status_code
        == 201
    )
    b = client.post(
        "/api/v1/courses/new/skills/",
        {"slug": "b", "name": "B", "prerequisites": ["a"]},
        format="json",
    )
    assert b.status_code == 201
    assert b.json()["prerequisites"] == ["a"]
    item = client.post(
        "/api/v1/courses/new/items/",
        {
            "slug": "q1",
            "type": "numeric",
            "stem": "2+2?",
            "skills": ["a"],
            "answer": 4,
            "tolerance": 0,
            "hints": ["Count on."],
            "irt": {"a": 1.2, "b": -0.5},
            "status": "published",
        },
        format="json",
    )
    assert item.status_code == 201
    assert (item.json()["numeric_answer"], item.json()["irt"]) == (
        4.0,
        {"a": 1.2, "b": -0.5, "c": 0.0},
    )
    patched = client.patch("/api/v1/courses/new/items/q1/", {"answer": 5}, format="json")
    assert patched.status_code == 200
    assert patched.json()["numeric_answer"] == 5.0
    assert patched.json()["hints"] == ["Count on."]


def test_cycle_through_the_api_is_a_400_naming_the_cycle(curriculum):
    client = client_for(curriculum["author"])
    response = client.patch(
        "/api/v1/courses/assigned/skills/halves/", {"prerequisites": ["quarters"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "prerequisite_cycle"
    assert "halves → quarters → halves" in response.json()["error"]["message"]
    assert not SkillPrerequisite.objects.filter(
        skill__slug="halves", skill__course__slug="assigned"
    ).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {
                "slug": "x",
                "type": "single_choice",
                "stem": "?",
                "skills": ["halves"],
                "choices": [
                    {"key": "a", "text": "1", "correct": True},
                    {"key": "b", "text": "2", "correct": True},
                ],
            },
            "choices",
        ),
        ({"slug": "x", "type": "numeric", "stem": "?", "skills": ["halves"]}, "numeric_answer"),
        (
            {
                "slug": "x",
                "type": "short_text",
                "stem": "?",
                "skills": ["halves"],
                "accepted_answers": [" "],
            },
            "accepted_answers.0",
        ),
        ({"slug": "x", "type": "numeric", "stem": "?", "skills": ["nope"], "answer": 1}, "skills"),
        ({"slug": "x", "type": "essay", "stem": "?", "skills": ["halves"]}, "type"),
        (
            {
                "slug": "Not A Slug",
                "type": "numeric",
                "stem": "?",
                "skills": ["halves"],
                "answer": 1,
            },
            "slug",
        ),
        (
            {
                "slug": "x",
                "type": "numeric",
                "stem": "?",
                "skills": ["halves"],
                "answer": 1,
                "irt": {"c": 0.9},
            },
            "irt.c",
        ),
        (
            {
                "slug": "halves-sc",
                "type": "numeric",
                "stem": "?",
                "skills": ["halves"],
                "answer": 1,
            },
            "slug",
        ),
    ],
)
def test_invalid_items_are_400_naming_the_field_and_not_saved(curriculum, payload, field):
    before = Item.objects.count()
    response = client_for(curriculum["author"]).post(
        "/api/v1/courses/assigned/items/", payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert Item.objects.count() == before


def test_write_permissions(curriculum):
    item = {"slug": "q", "type": "numeric", "stem": "?", "skills": ["halves"], "answer": 1}
    learner = client_for(curriculum["inside"])
    assert learner.post("/api/v1/courses/", {"slug": "l", "title": "L"}).status_code == 403
    assert learner.post("/api/v1/courses/assigned/items/", item, format="json").status_code == 403
    assert learner.patch("/api/v1/courses/assigned/", {"title": "Hacked"}).status_code == 403
    other = client_for(curriculum["other_teacher"])
    assert other.patch("/api/v1/courses/assigned/", {"title": "Hacked"}).status_code == 403
    assert other.post("/api/v1/courses/assigned/items/", item, format="json").status_code == 403
    assert other.patch("/api/v1/courses/draft/", {"title": "Hacked"}).status_code == 404
    assert Course.objects.get(slug="assigned").title == "Assigned"
    admin = client_for(curriculum["admin"])
    assert (
        admin.patch("/api/v1/courses/draft/", {"status": "published"}).json()["status"]
        == "published"
    )


def test_assigning_courses_to_classrooms(curriculum):
    classroom = curriculum["classroom"]
    url = f"/api/v1/classrooms/{classroom.pk}/courses/"
    owner = client_for(curriculum["author"])
    assert owner.post(url, {"course": "public"}).status_code == 201
    assert slugs(client_for(curriculum["inside"]).get(url)) == ["assigned", "public"]
    assert (
        client_for(curriculum["other_teacher"]).post(url, {"course": "private"}).status_code == 404
    )
    assert client_for(curriculum["inside"]).post(url, {"course": "private"}).status_code == 403
    missing = owner.post(url, {"course": "nope"})
    assert missing.status_code == 400
    assert "course" in missing.json()["error"]["fields"]
    assert owner.delete(f"{url}public/").status_code == 204
    assert slugs(owner.get(url)) == ["assigned"]
