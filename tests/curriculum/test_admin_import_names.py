"""The admin's import messages show the file's name exactly as the author typed it: the admin
capitalises a message's first letter, and Django keeps spaces and accents in upload names."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from .exchange_data import dumps, small_course


@pytest.fixture
def staff(admin_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin_user)
    return client


def upload(name: str, text: str) -> io.BytesIO:
    file = io.BytesIO(text.encode())
    file.name = name
    return file


@pytest.mark.parametrize("name", ["halves.json", "ünit 2 – halves (final).json"])
def test_a_successful_import_names_the_file_as_typed(staff, name):  # type: ignore[no-untyped-def]
    url = reverse("admin:curriculum_course_import")
    response = staff.post(url, {"file": upload(name, dumps(small_course()))}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"File {name}: created course 'halves': " + shown[0].split("'halves': ")[1]]
    assert f"File {name}: created course" in response.content.decode().replace("&#x27;", "'")


def test_a_refused_import_names_the_file_as_typed(staff):  # type: ignore[no-untyped-def]
    document = small_course()
    document["course"]["items"][2].pop("answer")
    url = reverse("admin:curriculum_course_import")
    response = staff.post(url, {"file": upload("my halves.json", dumps(document))})
    assert "File my halves.json was not imported: 1 problem." in response.content.decode()


def test_every_admin_page_carries_the_brand_and_the_favicon(staff):  # type: ignore[no-untyped-def]
    for url in (reverse("admin:index"), reverse("admin:curriculum_course_import")):
        html = staff.get(url).content.decode()
        assert "Adaptive Learning administration</a>" in html
        assert "| Adaptive Learning administration</title>" in html
        assert 'rel="icon" href="/static/favicon.svg"' in html
