"""Content-Security-Policy and Permissions-Policy on every page each role can reach.

Each role's pages are found by following the links from its home page (and, for the admin, from
the admin index), so a page added later is checked without being listed here. Every HTML page
must carry a CSP without 'unsafe-inline' for scripts and styles and hold no inline script or
style of its own (the parser in tests/core/html_safety.py), or the policy would break it.
"""

from collections import deque
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.curriculum import services as curriculum_services
from apps.recommendations.models import RecalculationRun, RunStatus
from apps.recommendations.recalculation.models import ModelQualityReport
from tests.accounts.factories import (
    AdminFactory,
    ClassroomFactory,
    EnrollmentFactory,
    LearnerFactory,
)
from tests.core.html_safety import csp_directives, executable_markup, policy_problems
from tests.dashboards.conftest import logged_in, post_answer
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db

# Links a crawl must not follow: they log out, download files or leave our HTML pages (the API
# docs have their own, relaxed policy: test_the_api_docs_relax_styles_for_themselves_only).
SKIP_PREFIXES = (
    "/static/",
    "/api/",
    "/accounts/logout/",
    "/admin/logout/",
)
MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _same_site_paths(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.links:
        parts = urlsplit(urljoin(page_url, href))
        if parts.scheme in {"", "http"} and parts.netloc in {"", "testserver"}:
            # Query strings only re-sort or filter a page already seen (admin lists above all).
            paths.append(parts.path)
    return paths


def crawl(client: Client, starts: list[str]) -> dict[str, tuple[int, str, str | None]]:
    """Every same-site page reachable from ``starts``: path -> (status, HTML, CSP header)."""
    seen: dict[str, tuple[int, str, str | None]] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(SKIP_PREFIXES):
            continue
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            seen[path] = (response.status_code, "", response.get("Content-Security-Policy"))
            continue
        html = response.content.decode()
        seen[path] = (response.status_code, html, response.get("Content-Security-Policy"))
        if response.status_code == 200:
            queue.extend(_same_site_paths(path, html))
    assert len(seen) < MAX_PAGES, "crawl limit reached: raise MAX_PAGES"
    return seen


@pytest.fixture
def school():  # type: ignore[no-untyped-def]
    """A class with a course (and a lesson) that a learner has practised, a quality
    report for the admin's chart, and one of each role."""
    course = chain_course(slug="fractions", skills=3, items_per_skill=5, public=False)
    classroom = ClassroomFactory(name="Year 7")
    curriculum_services.classroom_assign_course(classroom=classroom, course=course)
    learner = LearnerFactory(username="ada")
    EnrollmentFactory(classroom=classroom, learner=learner)
    client = logged_in(learner)
    page = client.get(reverse("practice", args=[course.slug])).content.decode()
    feedback = post_answer(client, course, page)
    curriculum_services.lesson_save(
        course=course, slug="intro", title="Intro", body="Hello *there*.", skills=["s1"]
    )
    run = RecalculationRun.objects.create(status=RunStatus.SUCCEEDED)
    ModelQualityReport.objects.create(
        course=course,
        run=run,
        window_start=timezone.now() - timedelta(days=7),
        window_end=timezone.now(),
        n_predictions=10,
        log_loss=0.6,
        auc=0.7,
        brier=0.2,
        ece=0.05,
        bins=[
            {"lower": 0.0, "upper": 0.5, "count": 4, "mean_predicted": 0.3, "observed_rate": 0.25},
            {"lower": 0.5, "upper": 1.0, "count": 6, "mean_predicted": 0.7, "observed_rate": 0.8},
        ],
    )
    return {
        "learner": learner,
        "teacher": classroom.owner,
        "admin": AdminFactory(),
        "feedback": feedback,
        "course": course,
    }


def _problems(pages: dict[str, tuple[int, str, str | None]]) -> list[str]:
    problems = []
    for path, (status, html, header) in pages.items():
        if not html:
            continue
        problems += [f"{path} ({status}): {p}" for p in policy_problems(header)]
        problems += [f"{path} ({status}): {p}" for p in executable_markup(html)]
    return problems


def _user(school: dict[str, object], role: str) -> User:
    user = school[role]
    assert isinstance(user, User)
    return user


@pytest.mark.parametrize("role", ["learner", "teacher", "admin"])
def test_every_page_of_a_role_has_a_strict_csp_and_no_inline_code(school, role):
    starts = ["/", "/accounts/password_change/"] + (["/admin/"] if role == "admin" else [])
    pages = crawl(logged_in(_user(school, role)), starts)
    html_pages = [path for path, (status, html, _) in pages.items() if html and status == 200]
    # The crawl reached the pages that matter (guards against a crawl that found nothing).
    expected = {
        "learner": ["/learn/fractions/", "/learn/fractions/map/", "/history/"],
        "teacher": ["/classrooms/", "/courses/fractions/items/"],
        "admin": ["/admin/curriculum/item/", "/admin/recalculation/modelqualityreport/"],
    }[role]
    for path in expected:
        assert any(p.startswith(path) for p in html_pages), (path, sorted(html_pages))
    if role == "teacher":
        assert any(p.endswith("/overview/") for p in html_pages), sorted(html_pages)
        assert any("/learners/" in p or "/learner/" in p for p in html_pages), sorted(html_pages)
    problems = _problems(pages)
    assert problems == [], "\n".join(problems)


def test_the_admin_customisations_render_without_inline_code(school, admin_user):
    # The item preview and the quality chart, which the crawl reaches only through lists.
    client = logged_in(admin_user)
    item = school["course"].items.first()
    report = ModelQualityReport.objects.get()
    pages = {}
    for path in [
        reverse("admin:curriculum_item_change", args=[item.pk]),
        reverse("admin:recalculation_modelqualityreport_change", args=[report.pk]),
        reverse("admin:curriculum_lesson_change", args=[school["course"].lessons.first().pk]),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = (200, response.content.decode(), response["Content-Security-Policy"])
    assert "curriculum-item-preview" in pages[next(iter(pages))][1]
    assert "reliability-chart" in list(pages.values())[1][1]
    assert _problems(pages) == []


def test_anonymous_pages_and_errors_have_the_csp(client, school):
    pages = crawl(client, ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"])
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    pages["/no-such-page/"] = (404, missing.content.decode(), missing["Content-Security-Policy"])
    assert _problems(pages) == []


def test_the_practice_feedback_fragment_has_no_inline_style(school):
    # The htmx answer response (with the mastery bar, once inline-styled) is swapped into the
    # page, so it must obey the page's policy too.
    html = school["feedback"].content.decode()
    assert 'class="bar pct-from-' in html
    assert executable_markup(html) == []


def test_the_api_docs_relax_styles_for_themselves_only(client, school):
    client.force_login(_user(school, "teacher"))
    for path in ("/api/docs/", "/api/redoc/"):
        response = client.get(path)
        directives = csp_directives(response["Content-Security-Policy"])
        assert response.status_code == 200
        assert directives["script-src"] == ["'self'"], path
        assert "'unsafe-inline'" in directives["style-src"], path
        scripts = [p for p in executable_markup(response.content.decode()) if "script" in p]
        assert scripts == [], path
    # The Swagger UI's start script is served by the same view, as a file.
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    # Elsewhere the policy stays strict.
    assert policy_problems(client.get("/").get("Content-Security-Policy")) == []


def test_every_response_denies_powerful_browser_features(client, school):
    for path in ("/", "/accounts/login/", "/health", "/api/v1/courses/", "/static/css/app.css"):
        header = client.get(path)["Permissions-Policy"]
        features = dict(part.strip().split("=") for part in header.split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (path, feature)
    assert set(features) == set(settings.PERMISSIONS_POLICY)
