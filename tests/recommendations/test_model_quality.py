"""Model quality in production: the nightly run's report of how well the live model predicted
answers, its gauges on /metrics, and its admin page with the reliability diagram."""

import math
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.models import RecalculationRun, RunStatus
from apps.recommendations.recalculation.course import recalculate_course, recalculation_start
from apps.recommendations.recalculation.models import ModelQualityReport
from apps.recommendations.recalculation.quality import QUALITY_WINDOW, model_quality_record
from tests.accounts.factories import AdminFactory, LearnerFactory, TeacherFactory, UserFactory
from tests.recommendations.builders import chain_course

pytestmark = pytest.mark.django_db

# (predicted P(correct), right) of the answers inside the window. By hand:
# - log-loss: -(2 ln 0.85 + ln 0.35 + ln 0.75 + ln 0.25) / 5
# - AUC: right answers at 0.85, 0.85, 0.25 against wrong ones at 0.65, 0.25: 4 pairs won,
#   one tie (a half), one lost: 4.5 / 6
# - Brier: (2 x 0.15^2 + 0.65^2 + 0.25^2 + 0.75^2) / 5
# - bins [0.2, 0.3): 2 at 0.25, half right (gap 0.25); [0.6, 0.7): 1 at 0.65, wrong (0.65);
#   [0.8, 0.9): 2 at 0.85, both right (0.15). ECE: (2 x 0.25 + 0.65 + 2 x 0.15) / 5
ANSWERS = [(0.85, True), (0.85, True), (0.65, False), (0.25, False), (0.25, True)]
LOG_LOSS = -(2 * math.log(0.85) + math.log(0.35) + math.log(0.75) + math.log(0.25)) / 5
AUC = 4.5 / 6
BRIER = (2 * 0.15**2 + 0.65**2 + 0.25**2 + 0.75**2) / 5
ECE = (2 * 0.25 + 0.65 + 2 * 0.15) / 5


def answer(course: Course, *, predicted: float | None, correct: bool, days_ago: float = 1):
    return ItemResponse.objects.create(
        learner=LearnerFactory(),
        item=course.items.order_by("slug").first(),
        answer=0.0,
        correct=correct,
        score=float(correct),
        predicted_correct=predicted,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def run_now(*, full: bool = False) -> RecalculationRun:
    run = recalculation_start(trigger="command", full=full)
    for course_id in run.counts.get("planned_course_ids", []):
        recalculate_course(run_id=run.pk, course_id=course_id, full=full)
    run.refresh_from_db()
    return run


@pytest.fixture
def course() -> Course:
    """The hand-made answers, plus ones the report must leave out."""
    course = chain_course(slug="calib", skills=1, items_per_skill=2)
    for predicted, correct in ANSWERS:
        answer(course, predicted=predicted, correct=correct)
    answer(course, predicted=0.99, correct=False, days_ago=QUALITY_WINDOW.days + 1)  # too old
    answer(course, predicted=None, correct=False)  # no prediction recorded
    other = chain_course(slug="other", skills=1, items_per_skill=1)
    answer(other, predicted=0.01, correct=True)  # another course
    return course


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = client.get("/metrics").content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name.startswith("adaptive_model_")
    }


def labels(course: str) -> tuple[tuple[str, str], ...]:
    return (("course", course), ("model", "bkt"))


def test_the_nightly_run_stores_each_courses_figures(course):
    # when the nightly run goes over both courses
    run = run_now()

    # then each has its report, over the week before the run started
    assert run.status == RunStatus.SUCCEEDED
    report = ModelQualityReport.objects.get(course=course)
    assert report.run == run
    assert report.learner_model == "bkt"
    assert (report.window_start, report.window_end) == (
        run.started_at - timedelta(days=7),
        run.started_at,
    )
    assert (report.n_predictions, report.n_correct) == (5, 3)
    assert report.log_loss == pytest.approx(LOG_LOSS, rel=1e-12)
    assert report.auc == pytest.approx(AUC, rel=1e-12)
    assert report.brier == pytest.approx(BRIER, rel=1e-12)
    assert report.ece == pytest.approx(ECE, rel=1e-12)
    filled = [b for b in report.bins if b["count"]]
    assert len(report.bins) == 10
    assert [(b["lower"], b["upper"], b["count"]) for b in filled] == [
        (0.2, 0.3, 2),
        (0.6, 0.7, 1),
        (0.8, 0.9, 2),
    ]
    assert [b["mean_predicted"] for b in filled] == pytest.approx([0.25, 0.65, 0.85])
    assert [b["observed_rate"] for b in filled] == [0.5, 0.0, 1.0]
    other = ModelQualityReport.objects.get(course__slug="other")
    assert (other.n_predictions, other.n_correct, other.auc) == (1, 1, None)
    # and the run records the phase like the others
    assert run.counts["courses"]["calib"]["quality_predictions"] == 5
    assert run.counts["totals"]["quality_predictions"] == 6
    assert run.timings["courses"]["calib"]["quality"] >= 0


def test_a_course_without_predictions_gets_an_empty_report():
    # given a course whose answers carry no prediction
    course = chain_course(slug="quiet", skills=1, items_per_skill=1)
    answer(course, predicted=None, correct=True)

    run = run_now()

    assert run.status == RunStatus.SUCCEEDED
    report = ModelQualityReport.objects.get(course=course)
    assert (report.n_predictions, report.n_correct) == (0, 0)
    assert (report.log_loss, report.auc, report.brier, report.ece) == (None, None, None, None)
    assert [b["count"] for b in report.bins] == [0] * 10
    assert run.counts["courses"]["quiet"]["quality_predictions"] == 0


def test_measuring_a_run_twice_keeps_one_report(course):
    run = run_now()
    first = ModelQualityReport.objects.get(course=course)
    # given a late answer inside the run's window (a redelivered task sees it too)
    answer(course, predicted=0.5, correct=True, days_ago=0.5)
    # when the same run measures the course again
    again = model_quality_record(course_id=course.pk, run_id=run.pk)
    assert again.pk == first.pk
    assert ModelQualityReport.objects.filter(course=course).count() == 1
    assert again.n_predictions == 6


def test_metrics_export_the_latest_report_of_each_course(client, course):
    # given an older report with other figures, then tonight's run
    old_run = RecalculationRun.objects.create(status=RunStatus.SUCCEEDED)
    ModelQualityReport.objects.create(
        course=course,
        run=old_run,
        window_start=timezone.now() - timedelta(days=9),
        window_end=timezone.now() - timedelta(days=2),
        n_predictions=40,
        log_loss=2.0,
        auc=0.1,
        brier=0.5,
        ece=0.6,
    )
    run_now()
    report = ModelQualityReport.objects.filter(course=course).first()

    samples = scrape(client)

    assert samples[("adaptive_model_predictions", labels("calib"))] == 5
    assert samples[("adaptive_model_log_loss", labels("calib"))] == pytest.approx(LOG_LOSS)
    assert samples[("adaptive_model_auc", labels("calib"))] == pytest.approx(AUC)
    assert samples[("adaptive_model_brier", labels("calib"))] == pytest.approx(BRIER)
    assert samples[("adaptive_model_ece", labels("calib"))] == pytest.approx(ECE)
    assert samples[("adaptive_model_quality_timestamp_seconds", labels("calib"))] == pytest.approx(
        report.computed_at.timestamp()
    )
    # the other course had one outcome only: no AUC series rather than NaN
    assert samples[("adaptive_model_predictions", labels("other"))] == 1
    assert ("adaptive_model_auc", labels("other")) not in samples
    assert len(samples) == 6 + 5


def test_metrics_of_a_course_without_predictions_are_a_zero_count(client):
    course = chain_course(slug="quiet", skills=1, items_per_skill=1)
    answer(course, predicted=None, correct=True)
    run_now()

    samples = scrape(client)

    assert samples[("adaptive_model_predictions", labels("quiet"))] == 0
    assert {name for name, _ in samples} == {
        "adaptive_model_predictions",
        "adaptive_model_quality_timestamp_seconds",
    }


def test_metrics_without_any_report_have_no_model_series(client):
    assert scrape(client) == {}


def change_url(report: ModelQualityReport) -> str:
    return reverse("admin:recalculation_modelqualityreport_change", args=[report.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_sees_the_reliability_diagram_figures_and_history(course):
    first = run_now()
    answer(course, predicted=0.65, correct=True, days_ago=0.5)
    run_now()
    latest, earlier = ModelQualityReport.objects.filter(course=course)
    assert earlier.run == first

    page = logged_in(AdminFactory()).get(change_url(latest))

    assert page.status_code == 200
    html = page.content.decode()
    svg = re.search(r'<svg[^>]*class="reliability-chart".*?</svg>', html, re.S)
    assert svg is not None
    # one point and one gap line per filled bin, one bar per bin
    assert svg.group(0).count('<circle class="point"') == 3
    assert svg.group(0).count('<line class="gap"') == 3
    assert svg.group(0).count('<rect class="bar"') == 10
    assert "60%–70%: 2 answers, predicted 65.0%, observed 50.0%" in svg.group(0)
    assert f"Expected calibration error {latest.ece:.3f} over 6 answers in 3 bins." in html
    bins = page.context["reliability_bins"]
    assert [row["bin"].count for row in bins] == [0, 0, 2, 0, 0, 0, 2, 0, 2, 0]
    assert [row["gap"] for row in bins if row["gap"] is not None] == pytest.approx(
        [0.25, -0.15, 0.15]
    )
    assert page.context["quality_history"] == [latest, earlier]
    assert change_url(earlier) in html
    assert f"{latest.log_loss:.3f}" in html
    assert f"{latest.ece:.3f}" in html


def test_the_admin_page_of_an_empty_report_says_so():
    course = chain_course(slug="quiet", skills=1, items_per_skill=1)
    answer(course, predicted=None, correct=True)
    run_now()
    report = ModelQualityReport.objects.get(course=course)

    page = logged_in(AdminFactory()).get(change_url(report))

    assert page.status_code == 200
    assert "No predictions in this window." in page.content.decode()
    assert '<circle class="point"' not in page.content.decode()


def test_admins_list_reports_and_cannot_edit_them(course):
    run_now()
    report = ModelQualityReport.objects.get(course=course)
    staff = logged_in(AdminFactory())
    listing = staff.get(reverse("admin:recalculation_modelqualityreport_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == list(ModelQualityReport.objects.all())

    assert staff.get(reverse("admin:recalculation_modelqualityreport_add")).status_code == 403
    response = staff.post(change_url(report), {"n_predictions": 1})
    assert response.status_code == 403
    delete = reverse("admin:recalculation_modelqualityreport_delete", args=[report.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    report.refresh_from_db()
    assert report.n_predictions == 5


@pytest.mark.parametrize("factory", [LearnerFactory, TeacherFactory])
def test_people_who_are_not_staff_are_sent_to_the_login_page(factory, course):
    run_now()
    report = ModelQualityReport.objects.get(course=course)
    client = logged_in(factory())
    for url in (
        change_url(report),
        reverse("admin:recalculation_modelqualityreport_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response.url
    assert ModelQualityReport.objects.get(pk=report.pk).n_predictions == 5


def test_staff_without_the_view_permission_are_refused(course):
    run_now()
    report = ModelQualityReport.objects.get(course=course)
    clerk = UserFactory(is_staff=True)
    client = logged_in(clerk)
    assert client.get(change_url(report)).status_code == 403
    # and the view permission alone opens the page
    clerk.user_permissions.add(Permission.objects.get(codename="view_modelqualityreport"))
    assert logged_in(clerk).get(change_url(report)).status_code == 200
