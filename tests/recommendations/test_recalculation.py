"""The recalculation services and command: what a run fits, writes, records and locks."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.demo.simulation import simulate_learners
from apps.recommendations.engine.bkt import BktParams, bkt_update
from apps.recommendations.engine.course import DEFAULT_BKT
from apps.recommendations.engine.evidence import counts_as_evidence, repeat_depth
from apps.recommendations.models import (
    LearnerAbility,
    RecalculationLock,
    RecalculationRun,
    RunStatus,
    SkillMastery,
    SkillParameters,
)
from apps.recommendations.recalculation.course import (
    recalculate_course,
    recalculation_start,
)
from apps.recommendations.snapshot import course_snapshot
from tests.recommendations.builders import chain_course, choice_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = chain_course(slug="sim", skills=3, items_per_skill=4)
    simulate_learners(course=course, learners=120, days=12, seed=3)
    course.refresh_from_db()
    return course


def run_now(*, full=False, course=None, trigger="command"):
    """What the beat task and the command do, in the foreground."""
    run = recalculation_start(trigger=trigger, course=course, full=full)
    for course_id in run.counts.get("planned_course_ids", []):
        recalculate_course(run_id=run.pk, course_id=course_id, full=full)
    run.refresh_from_db()
    return run


def active_versions(course):
    return dict(
        SkillParameters.objects.filter(skill__course=course, is_active=True).values_list(
            "skill__slug", "version"
        )
    )


def test_a_full_run_refits_calibrates_rebuilds_and_publishes(course):
    version = course.content_version
    run = run_now(full=True)
    counts = run.counts["courses"]["sim"]
    assert run.status == RunStatus.SUCCEEDED
    assert run.error == ""
    assert run.response_watermark == ItemResponse.objects.latest("id").pk
    assert (counts["skills_fitted"], counts["skills_too_little_data"]) == (3, 0)
    # Simulated skills are independent, so some items barely load on the one 2PL dimension:
    # those come out implausible (slope under 0.2) and keep their authored values.
    assert counts["items_eligible"] == 12
    assert counts["items_calibrated"] >= 3
    assert counts["items_calibrated"] + counts["items_implausible"] == 12
    assert counts["learners_rebuilt"] == counts["learners_affected"] == 120
    assert counts["responses"] == ItemResponse.objects.count()
    assert run.counts["totals"]["skills_fitted"] == 3
    assert set(run.timings["courses"]["sim"]) == {
        "load",
        "bkt_fit",
        "irt_calibration",
        "learner_model",
        "replay",
        "write",
        "publish",
        "quality",
    }
    assert run.timings["total"] > 0
    assert run.finished_at is not None
    assert active_versions(course) == {"s1": 1, "s2": 1, "s3": 1}
    fitted = SkillParameters.objects.get(skill__slug="s1", is_active=True)
    assert fitted.run == run
    assert fitted.n_learners == 120
    assert fitted.log_likelihood < 0
    assert set(fitted.standard_errors) == {"prior", "learn", "guess", "slip", "forget"}
    course.refresh_from_db()
    assert course.content_version == version + 1
    assert not RecalculationLock.objects.exists()


def test_calibration_keeps_each_items_authored_guessing_and_moves_a_and_b():
    mixed = chain_course(slug="mixed", skills=2, items_per_skill=3)
    for n in (1, 2):
        for k in range(3):
            choice_item(mixed, f"s{n}-c{k}", (f"s{n}",), b=-0.5 + 0.5 * k)  # authored c = 0.2
    simulate_learners(course=mixed, learners=200, days=14, seed=8)
    authored = {item.slug: (item.irt_a, item.irt_b, item.irt_c) for item in mixed.items.all()}

    counts = run_now(full=True).counts["courses"]["mixed"]

    assert counts["items_calibrated"] > 0
    assert counts["items_changed"] > 0
    after = {item.slug: (item.irt_a, item.irt_b, item.irt_c) for item in mixed.items.all()}
    assert {slug: row[2] for slug, row in after.items()} == {
        slug: row[2] for slug, row in authored.items()
    }
    moved = [slug for slug in after if after[slug][:2] != authored[slug][:2]]
    assert any("-c" in slug for slug in moved)
    assert any("-i" in slug for slug in moved)


def _evidence_ids(course, learner_id):
    """The learner's answers that count, by the scalar rule the answer path applies."""
    snapshot = course_snapshot(course)
    history: list = []  # newest first
    counted = set()
    answers = ItemResponse.objects.filter(learner_id=learner_id, item__course=course)
    for response_id, item_id, at in answers.order_by("created_at", "id").values_list(
        "id", "item_id", "created_at"
    ):
        pools = [len(snapshot.skills[s].item_ids) for s in snapshot.items[item_id].skill_ids]
        depth = repeat_depth(recent_items=snapshot.policy.recent_items, pool=min(pools))
        if counts_as_evidence(item_id=item_id, at=at, recent=history, depth=depth):
            counted.add(response_id)
        history.insert(0, (item_id, at))
    return counted


def test_rebuilt_state_uses_the_new_parameters(course):
    run_now(full=True)
    params = {
        row.skill_id: BktParams(row.prior, row.learn, row.guess, row.slip, row.forget)
        for row in SkillParameters.objects.filter(is_active=True)
    }
    assert params
    assert all(p != DEFAULT_BKT for p in params.values())
    learner_ids = list(LearnerAbility.objects.values_list("learner_id", flat=True)[:5])
    for row in SkillMastery.objects.filter(learner_id__in=learner_ids):
        # The scalar hot-path update, answer by answer, with the fitted parameters, over the
        # answers that are evidence by the hot path's rule (repeats are not).
        evidence = _evidence_ids(course, row.learner_id)
        p_known = params[row.skill_id].prior
        answers = ItemResponse.objects.filter(
            learner_id=row.learner_id, item__skills=row.skill_id, id__in=evidence
        )
        for correct in answers.order_by("created_at", "id").values_list("correct", flat=True):
            p_known = bkt_update(params[row.skill_id], p_known, correct)
        assert row.p_known == pytest.approx(p_known, abs=1e-9)
        assert row.attempts == answers.count()
    assert LearnerAbility.objects.filter(course=course).count() == 120


def test_a_second_run_without_new_responses_does_no_fitting_work(course):
    run_now(full=False)
    version = Course.objects.get(pk=course.pk).content_version
    second = run_now(full=False)
    assert second.status == RunStatus.SUCCEEDED
    assert second.counts == {"planned_course_ids": [], "courses": {}}
    assert SkillParameters.objects.filter(skill__course=course).count() == 3
    assert Course.objects.get(pk=course.pk).content_version == version


def test_an_incremental_run_refits_only_the_skills_with_new_responses(course):
    first = run_now(full=True)
    learner_id = ItemResponse.objects.values_list("learner_id", flat=True).first()
    item = course.items.get(slug="s1-i0")
    ItemResponse.objects.create(learner_id=learner_id, item=item, answer=0.0, correct=True, score=1)
    run = run_now(full=False)
    counts = run.counts["courses"]["sim"]
    assert (counts["new_responses"], counts["skills_considered"], counts["skills_fitted"]) == (
        1,
        1,
        1,
    )
    assert active_versions(course) == {"s1": 2, "s2": 1, "s3": 1}
    assert run.response_watermark > first.response_watermark


def test_a_course_run_leaves_other_courses_alone(course):
    other = chain_course(slug="other", skills=1, items_per_skill=2)
    simulate_learners(course=other, learners=5, days=2, seed=1, prefix="other")
    run = run_now(full=True, course=course)
    assert list(run.counts["courses"]) == ["sim"]
    assert run.course == course
    assert not SkillParameters.objects.filter(skill__course=other).exists()


def test_skills_with_too_little_data_keep_their_parameters():
    course = chain_course(slug="small", skills=2, items_per_skill=2)
    simulate_learners(course=course, learners=4, days=3, seed=2)
    run = run_now(full=True)
    counts = run.counts["courses"]["small"]
    assert counts["skills_fitted"] == 0
    assert counts["skills_too_little_data"] == 2
    assert counts["items_calibrated"] == 0
    assert counts["items_too_little_data"] == 4
    assert not SkillParameters.objects.exists()
    assert counts["content_version_bumped"] == 0
    assert counts["learners_rebuilt"] == 4  # their state is still recomputed exactly


def test_a_skill_the_engine_cannot_fit_keeps_its_parameters_and_is_counted(course):
    # given a skill with plenty of responses, every one of them right: guess, slip and the
    # prior cannot be told apart, so the engine reports a fallback instead of a fit
    ItemResponse.objects.filter(item__skills__slug="s2").update(correct=True, score=1.0)
    run = run_now(full=True)
    counts = run.counts["courses"]["sim"]
    assert run.status == RunStatus.SUCCEEDED
    assert (counts["skills_fitted"], counts["skills_fallback"]) == (2, 1)
    assert counts["skills_too_little_data"] == 0
    assert run.counts["totals"]["skills_fallback"] == 1
    # then it stores no version and its learners are rebuilt with the parameters it had
    assert active_versions(course) == {"s1": 1, "s3": 1}
    row = SkillMastery.objects.filter(skill__slug="s2").first()
    p_known = DEFAULT_BKT.prior
    for _ in range(row.attempts):
        p_known = bkt_update(DEFAULT_BKT, p_known, True)
    assert row.p_known == pytest.approx(p_known, abs=1e-9)


def test_an_overlapping_run_is_skipped_and_recorded(course):
    holder = recalculation_start(trigger="beat", full=True)
    skipped = run_now(full=True, trigger="admin")
    assert skipped.status == RunStatus.SKIPPED
    assert skipped.finished_at is not None
    assert f"run {holder.pk} holds the recalculation lock" in skipped.error
    assert skipped.counts == {}
    assert skipped.pending_tasks == 0
    assert not SkillParameters.objects.exists()
    holder.refresh_from_db()
    assert holder.status == RunStatus.RUNNING
    assert RecalculationLock.objects.get().run == holder


def test_the_command_refuses_while_the_lock_is_held(course):
    holder = recalculation_start(trigger="beat")
    with pytest.raises(CommandError, match=f"run {holder.pk} holds the recalculation lock"):
        call_command("recalculate", stdout=StringIO(), stderr=StringIO())
    assert RecalculationRun.objects.filter(status=RunStatus.SKIPPED, trigger="command").count() == 1


def test_a_stale_lock_is_taken_over_and_its_run_marked_failed(course):
    dead = recalculation_start(trigger="beat", full=True)
    RecalculationLock.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    run = run_now(full=True)
    assert run.status == RunStatus.SUCCEEDED
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    assert f"taken over by run {run.pk}" in dead.error
    assert not RecalculationLock.objects.exists()


def test_a_failure_marks_the_run_failed_and_releases_the_lock(course, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("calibration exploded")

    monkeypatch.setattr("apps.recommendations.recalculation.course.irt_recalibrate", broken)
    with pytest.raises(CommandError, match="calibration exploded"):
        call_command("recalculate", "--full", stdout=StringIO(), stderr=StringIO())
    run = RecalculationRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "calibration exploded" in run.error
    assert not RecalculationLock.objects.exists()
    monkeypatch.undo()
    assert run_now(full=True).status == RunStatus.SUCCEEDED  # the next run is not blocked


def test_a_redelivered_course_task_does_nothing_twice(course):
    run = recalculation_start(trigger="beat", full=True)
    [course_id] = run.counts["planned_course_ids"]
    assert recalculate_course(run_id=run.pk, course_id=course_id, full=True) is not None
    assert recalculate_course(run_id=run.pk, course_id=course_id, full=True) is None
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.pending_tasks == 0
    assert SkillParameters.objects.count() == 3


def test_the_command_prints_counts_and_timings(course):
    out = StringIO()
    call_command("recalculate", "--course", "sim", "--full", stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert report["status"] == "succeeded"
    assert report["counts"]["skills_fitted"] == 3
    assert report["counts"]["courses"] == 1
    assert set(report["timings"]["phases"]) >= {"load", "bkt_fit", "replay", "write"}


def test_the_command_names_an_unknown_course():
    with pytest.raises(CommandError, match="No course with slug 'nope'"):
        call_command("recalculate", "--course", "nope")


def test_reads_are_a_fixed_number_of_queries_and_writes_are_batched():
    def queries_for(slug, learners):
        course = chain_course(slug=slug, skills=2, items_per_skill=3)
        simulate_learners(course=course, learners=learners, days=3, seed=5, prefix=slug)
        with CaptureQueriesContext(connection) as queries:
            run = run_now(full=True, course=course)
        assert run.status == RunStatus.SUCCEEDED
        counts = run.counts["courses"][slug]
        statements = [query["sql"].split(None, 1)[0].upper() for query in queries]
        inserts = statements.count("INSERT")
        rows = counts["masteries_written"] + counts["abilities_written"]
        return len(statements) - inserts, inserts, rows, counts["responses"]

    # Both large enough to fit and calibrate, so the same branches run.
    few_other, few_inserts, few_rows, few_responses = queries_for("few", 110)
    many_other, many_inserts, many_rows, many_responses = queries_for("many", 330)
    assert many_responses > 2.5 * few_responses
    assert many_other == few_other  # reads and updates: as many for 3x the responses
    # Rows go in multi-row statements (71 rows each under SQLite's 999-parameter limit).
    assert many_inserts - few_inserts <= (many_rows - few_rows) / 50
