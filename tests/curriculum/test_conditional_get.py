"""ETags and conditional GET on course content (issue 14, point 5)."""

import dataclasses

import pytest

from apps.curriculum import services
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/courses/",
    "/api/v1/courses/public/",
    "/api/v1/courses/public/graph/",
    "/api/v1/courses/public/modules/",
    "/api/v1/courses/public/skills/",
    "/api/v1/courses/public/skills/halves/",
    "/api/v1/courses/public/lessons/",
    "/api/v1/courses/public/lessons/intro/",
    "/api/v1/courses/public/items/",
    "/api/v1/courses/public/items/halves-sc/",
]


@pytest.mark.parametrize("url", URLS)
def test_a_repeated_read_with_the_etag_is_a_304_without_a_body(curriculum, url):
    client = client_for(curriculum["outside"])
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    assert "no-cache" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_a_change_to_the_content_changes_the_etag(curriculum):
    client = client_for(curriculum["outside"])
    first = client.get("/api/v1/courses/public/items/")
    course = curriculum["courses"]["public"]
    item = course.items.get(slug="halves-sc")
    spec = services.item_spec_from(item)
    services.item_save(
        course=course,
        slug=item.slug,
        spec=dataclasses.replace(spec, stem="Which is **one half**?"),
        status=item.status,
        item=item,
    )
    changed = client.get("/api/v1/courses/public/items/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_authors_and_learners_get_different_tags(curriculum):
    learner = client_for(curriculum["outside"]).get("/api/v1/courses/public/items/")
    author = client_for(curriculum["other_teacher"]).get(
        "/api/v1/courses/public/items/", HTTP_IF_NONE_MATCH=learner["ETag"]
    )
    assert author.status_code == 200  # the author's body has the keys: never the learner's 304
    assert author["ETag"] != learner["ETag"]


def test_writes_are_not_conditional(curriculum):
    client = client_for(curriculum["other_teacher"])
    etag = client.get("/api/v1/courses/public/").get("ETag")
    response = client.patch(
        "/api/v1/courses/public/", {"title": "Renamed"}, format="json", HTTP_IF_NONE_MATCH=etag
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
