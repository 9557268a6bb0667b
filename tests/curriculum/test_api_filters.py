"""List filters of the curriculum API (django-filter FilterSets in apps/curriculum/api/filters).

Valid values filter as they always did; an invalid one is a 400 in the one error shape naming
the parameter; ``status`` on items is an authors' filter that learners cannot use to see drafts.
"""

import pytest

from apps.curriculum.models import Item, Status
from tests.helpers import client_for

COURSES = "/api/v1/courses/"
ITEMS = "/api/v1/courses/assigned/items/"
HALVES = ["halves-mc", "halves-num", "halves-sc", "halves-txt"]
QUARTERS = ["quarters-mc", "quarters-num", "quarters-sc", "quarters-txt"]


def slugs(response):
    assert response.status_code == 200, response.content
    return sorted(row["slug"] for row in response.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["assigned", "draft", "private", "public"]),
        ("?q=ass", ["assigned"]),
        ("?q=PUBL", ["public"]),  # case-insensitive, anywhere in the title
        ("?q=a", ["assigned", "draft", "private"]),
        ("?q=nothing-like-it", []),
        ("?q=", ["assigned", "draft", "private", "public"]),
        ("?q=%20", []),  # used as given, not stripped to "no filter"
        ("?status=draft", ["draft"]),
        ("?status=published", ["assigned", "private", "public"]),
        ("?status=archived", []),
        ("?status=", ["assigned", "draft", "private", "public"]),
        ("?q=a&status=published", ["assigned", "private"]),
        ("?foo=bar", ["assigned", "draft", "private", "public"]),  # unknown parameters ignored
    ],
)
def test_course_list_filters(curriculum, query, expected):
    assert slugs(client_for(curriculum["author"]).get(COURSES + query)) == expected


def test_course_status_filter_stays_within_what_a_learner_sees(curriculum):
    client = client_for(curriculum["inside"])
    assert slugs(client.get(COURSES + "?status=draft")) == []
    assert slugs(client.get(COURSES + "?status=published")) == ["assigned", "public"]
    assert slugs(client.get(COURSES + "?q=pub")) == ["public"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", HALVES + QUARTERS),
        ("?skill=halves", HALVES),
        ("?skill=quarters", QUARTERS),
        ("?skill=nope", []),  # an unknown skill is no match, not an error
        ("?skill=", HALVES + QUARTERS),
        ("?type=numeric", ["halves-num", "quarters-num"]),
        ("?type=single_choice", ["halves-sc", "quarters-sc"]),
        ("?type=", HALVES + QUARTERS),
        ("?status=draft", QUARTERS),
        ("?status=published", HALVES),
        ("?status=archived", []),
        ("?status=", HALVES + QUARTERS),
        ("?skill=quarters&type=multiple_choice", ["quarters-mc"]),
        ("?skill=halves&status=draft", []),
        ("?type=short_text&status=published", ["halves-txt"]),
    ],
)
@pytest.mark.parametrize("role", ["author", "admin"])
def test_item_list_filters_for_authors(curriculum, role, query, expected):
    assert slugs(client_for(curriculum[role]).get(ITEMS + query)) == expected


def test_filters_combine_with_pagination(curriculum):
    page = client_for(curriculum["author"]).get(ITEMS + "?status=draft&page_size=3&page=2").json()
    assert (page["count"], [i["slug"] for i in page["results"]]) == (4, ["quarters-txt"])
    assert page["next"] is None
    assert "status=draft" in page["previous"]


@pytest.mark.parametrize("who", ["inside", "outside"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=draft", HALVES),
        ("?status=archived", HALVES),
        ("?status=published", HALVES),
        ("?status=bogus", HALVES),  # not a learner's filter at all: ignored, as before
        ("?status=draft&skill=quarters", []),
        ("?status=draft&type=numeric", ["halves-num"]),
    ],
)
def test_learners_get_only_published_items_whatever_status_they_pass(
    curriculum, who, query, expected
):
    course = "assigned" if who == "inside" else "public"
    url = f"/api/v1/courses/{course}/items/{query}"
    response = client_for(curriculum[who]).get(url)
    assert slugs(response) == expected
    returned = Item.objects.filter(course__slug=course, slug__in=expected)
    assert set(returned.values_list("status", flat=True)) <= {Status.PUBLISHED}


def assert_bad_parameters(response, *names):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert set(response.json()) == {"error"}
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == set(names)
    for name in names:
        assert f"{name}: " in error["message"]
        assert error["fields"][name]
        assert all("not one of the available choices" in m for m in error["fields"][name])


@pytest.mark.parametrize(
    ("role", "url", "bad"),
    [
        ("author", COURSES + "?status=bogus", ["status"]),
        ("inside", COURSES + "?status=bogus", ["status"]),
        ("author", COURSES + "?q=ass&status=bogus", ["status"]),
        ("author", COURSES + "?status=DRAFT", ["status"]),  # values are case-sensitive
        ("author", COURSES + "?status=null", ["status"]),
        ("author", ITEMS + "?type=bogus", ["type"]),
        ("inside", ITEMS + "?type=bogus", ["type"]),
        ("author", ITEMS + "?status=bogus", ["status"]),
        ("admin", ITEMS + "?status=bogus", ["status"]),
        ("author", ITEMS + "?skill=halves&type=bogus", ["type"]),
        ("author", ITEMS + "?type=bogus&status=bogus", ["type", "status"]),
        ("inside", ITEMS + "?type=bogus&status=bogus", ["type"]),
    ],
)
def test_invalid_filter_values_are_a_400_naming_the_parameter(curriculum, role, url, bad):
    client = client_for(curriculum[role])
    assert_bad_parameters(client.get(url), *bad)


def test_a_bad_filter_changes_nothing_else(curriculum):
    client = client_for(curriculum["author"])
    before = client.get(ITEMS).json()
    assert client.get(ITEMS + "?type=bogus").status_code == 400
    assert client.get(ITEMS).json() == before
    # The other endpoints' errors (a course you cannot see) keep their precedence.
    learner = client_for(curriculum["inside"])
    assert learner.get("/api/v1/courses/draft/items/?type=bogus").status_code == 404
    assert client_for(None).get(COURSES + "?status=bogus").status_code == 401


def test_schema_documents_the_filter_parameters(db, client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    def query_parameters(path):
        return {
            p["name"]: p.get("schema", {}).get("enum")
            for p in paths[path]["get"]["parameters"]
            if p["in"] == "query"
        }

    assert query_parameters("/api/v1/courses/") == {
        "page": None,
        "page_size": None,
        "q": None,
        "status": ["archived", "draft", "published"],
    }
    assert query_parameters("/api/v1/courses/{slug}/items/") == {
        "page": None,
        "page_size": None,
        "skill": None,
        "type": ["multiple_choice", "numeric", "short_text", "single_choice"],
        "status": ["archived", "draft", "published"],
    }
    assert "400" in paths["/api/v1/courses/"]["get"]["responses"]
