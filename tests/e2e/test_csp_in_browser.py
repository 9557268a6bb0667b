"""The pages still work in Chromium under the Content-Security-Policy, and Chromium reports no
violation: htmx swaps the practice panel, the mastery bar and map take their sizes from the
stylesheet classes that replaced inline styles, the heatmap and the admin's quality chart
render, and the API docs run under their own, relaxed policy."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.services import classroom_create
from apps.curriculum import services as curriculum_services
from apps.recommendations.models import RecalculationRun, RunStatus
from apps.recommendations.recalculation.models import ModelQualityReport
from tests.accounts.factories import (
    PASSWORD,
    AdminFactory,
    EnrollmentFactory,
    LearnerFactory,
    TeacherFactory,
)
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import answer_for
from tests.recommendations.builders import chain_course

# Every violation is also logged by this listener, whichever way Chromium words its own message.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def school(transactional_db):  # type: ignore[no-untyped-def]
    teacher = TeacherFactory(username="ms-lee")
    course = chain_course(slug="fractions", skills=3, items_per_skill=6, public=False)
    classroom = classroom_create(owner=teacher, name="Year 7 maths")
    curriculum_services.classroom_assign_course(classroom=classroom, course=course)
    EnrollmentFactory(classroom=classroom, learner=LearnerFactory(username="noor"))
    ModelQualityReport.objects.create(
        course=course,
        run=RecalculationRun.objects.create(status=RunStatus.SUCCEEDED),
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
    AdminFactory(username="root")
    return classroom


def watched_page(browser, problems: list[str]) -> Page:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if text.startswith("Failed to load resource"):
            return  # the response listener names the URL (Chromium's favicon probe aside)
        if message.type == "error" or "Content Security Policy" in text:
            problems.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return page


def log_in(page: Page, base: str, username: str, path: str = "/accounts/login/") -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()


def test_the_listener_sees_a_violation(browser, live_server, school):
    # The canary: markup with a style attribute added at run time is refused and reported, so
    # an empty list in the tests below means there was nothing to report.
    problems: list[str] = []
    page = watched_page(browser, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
    )
    page.wait_for_timeout(300)
    assert any("style-src" in problem for problem in problems), problems


def test_practice_and_map_work_under_the_csp(browser, live_server, school):
    base = live_server.url
    problems: list[str] = []
    page = watched_page(browser, problems)
    log_in(page, base, "noor")
    page.goto(f"{base}/learn/fractions/")
    expect(page.get_by_role("heading", name="Question")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")  # survives only an in-place (htmx) swap
    page.get_by_label("Your answer").fill(answer_for(page))
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("heading", name="Right")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    # The bar's fill grows to as wide as its percentage says (the pct-from-N and pct-to-N
    # classes, not a style=""), once its animation is over.
    bar = page.locator(".bar").first
    page.wait_for_timeout(1500)
    after = int(bar.get_attribute("class").split("pct-to-")[1].split()[0])  # type: ignore[union-attr]
    share = page.evaluate(
        """(bar) => bar.querySelector('.bar-fill').getBoundingClientRect().width
                    / bar.getBoundingClientRect().width""",
        bar.element_handle(),
    )
    assert share == pytest.approx(after / 100, abs=0.03)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Question")).to_be_visible()

    page.goto(f"{base}/learn/fractions/map/")
    svg = page.locator("svg.mastery-map")
    # static/css/map.css applies (no inline style needed): drawn at its own size, 14px text.
    assert svg.evaluate("(e) => getComputedStyle(e).maxWidth") == "none"
    label = page.locator("svg.mastery-map text.map-node-name").first
    assert label.evaluate("(e) => getComputedStyle(e).fontSize") == "14px"
    assert problems == [], "\n".join(problems)


def test_heatmap_and_admin_chart_work_under_the_csp(browser, live_server, school):
    base = live_server.url
    problems: list[str] = []
    page = watched_page(browser, problems)
    log_in(page, base, "ms-lee")
    page.goto(f"{base}/classrooms/{school.pk}/overview/")
    expect(page.locator('tr[data-learner="noor"]')).to_be_visible()
    # The stylesheet is applied (a blocked one would leave the cell unstyled).
    cell = page.locator("td.cell").first
    assert cell.evaluate("(e) => getComputedStyle(e).textAlign") in {"center", "right"}

    admin = watched_page(browser, problems)
    log_in(admin, base, "root", "/admin/login/")
    report = ModelQualityReport.objects.get()
    admin.goto(f"{base}/admin/recalculation/modelqualityreport/{report.pk}/change/")
    chart = admin.locator("svg.reliability-chart")
    expect(chart).to_be_visible()
    # admin.css styles the chart (its curve has no fill), which the <style> in the SVG once did.
    assert chart.locator(".curve").evaluate("(e) => getComputedStyle(e).fill") == "none"
    item = school.courses.get().items.first()
    admin.goto(f"{base}/admin/curriculum/item/{item.pk}/change/")
    expect(admin.locator(".curriculum-item-preview")).to_be_visible()
    admin.goto(f"{base}/admin/django_celery_beat/periodictask/add/")
    expect(admin.locator("#id_crontab")).to_be_visible()
    assert problems == [], "\n".join(problems)


def test_api_docs_run_under_their_own_policy(browser, live_server, school):
    base = live_server.url
    problems: list[str] = []
    page = watched_page(browser, problems)
    log_in(page, base, "ms-lee")
    page.goto(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Adaptive Learning API")
    page.goto(f"{base}/api/redoc/")
    expect(page.get_by_role("heading", name="Adaptive Learning API").first).to_be_visible(
        timeout=20_000
    )
    # ReDoc's "powered by" logo comes from its CDN, which the policy blocks by design (nothing
    # is loaded from elsewhere); everything else must run.
    cdn_logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert [p for p in problems if cdn_logo not in p] == [], "\n".join(problems)
