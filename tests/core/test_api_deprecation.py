"""A view or handler marked ``@deprecated`` answers Deprecation/Sunset/Link headers and is
``deprecated: true`` in the schema; unmarked ones neither."""

from datetime import datetime

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.core.deprecation import Deprecation, deprecated
from tests.core import api_test_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.api_test_urls")]


def test_a_deprecated_handler_sends_the_headers():
    response = APIClient().get("/api/v1/test/ping/")

    assert response.status_code == 200
    assert response["Deprecation"] == f"@{int(api_test_urls.SINCE.timestamp())}"
    assert response["Deprecation"] == "@1780272000"
    assert response["Sunset"] == "Tue, 01 Jun 2027 12:30:00 GMT"
    assert response["Link"] == '<https://example.org/api/changes#v1-ping>; rel="deprecation"'


def test_the_other_methods_of_the_view_are_not_deprecated():
    response = APIClient().post("/api/v1/test/ping/")

    assert response.status_code == 200
    assert "Deprecation" not in response
    assert "Sunset" not in response


def test_a_deprecated_view_class_marks_every_method_and_sunset_is_optional():
    response = APIClient().get("/api/v1/test/old/")

    assert response["Deprecation"] == "@1780272000"
    assert "Sunset" not in response
    assert "Link" not in response


def test_the_schema_marks_deprecated_operations():
    schema = SchemaGenerator(urlconf="tests.core.api_test_urls").get_schema(public=True)

    assert schema["paths"]["/api/v1/test/ping/"]["get"]["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/test/ping/"]["post"]
    assert schema["paths"]["/api/v1/test/old/"]["get"]["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/me/"]["get"]


def test_naive_dates_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        deprecated(since=datetime(2027, 1, 1))  # noqa: DTZ001 - the point of the test
    assert Deprecation(since=api_test_urls.SINCE).headers() == {"Deprecation": "@1780272000"}
