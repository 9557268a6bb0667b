"""The nightly refit of the next-answer predictor: a new LearnerModelFit version per run, and
every stored state rebuilt from the log with the parameters in force."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course, ItemSkill
from apps.demo.simulation import simulate_learners
from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.learner_model import final_skill_states, replay_learner_model
from apps.recommendations.models import LearnerModelFit, RunStatus, SkillMastery
from apps.recommendations.recalculation.learner_model import course_answer_log
from apps.recommendations.recalculation.log import course_responses_load, course_structure_load
from apps.recommendations.recalculation.rebuild import (
    evidence_responses,
    learner_states_compute,
    learner_states_write,
)
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.snapshot import active_learner_model, course_snapshot
from tests.accounts.factories import LearnerFactory
from tests.recommendations.builders import chain_course, numeric_item
from tests.recommendations.test_recalculation import _evidence_ids, run_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = chain_course(slug="lm", skills=3, items_per_skill=4)
    numeric_item(course, "both", ("s1", "s2"), answer=9.0)  # one row per skill in the log
    simulate_learners(course=course, learners=80, days=10, seed=4)
    course.refresh_from_db()
    return course


def expected_states(course):
    """(learner id, skill id) -> the state `final_skill_states` gives for the course's log
    under the active fit, as the snapshot reads it (over the answers that are evidence:
    repeats of an item move no skill state, engine.evidence)."""
    structure = course_structure_load(course_id=course.pk)
    responses = evidence_responses(structure, course_responses_load(structure=structure))
    answers = course_answer_log(structure, responses)
    replay = replay_learner_model(active_learner_model(course.pk), answers)
    return {
        (int(learner), int(skill)): state.as_json()
        for learner, skill, state in final_skill_states(replay, answers)
    }


def orm_log(course):
    """The course's answer log built here from the ORM, apart from the code under test: one
    row per (response, skill of its item), in time order, learners, skills and items named
    by their ids, seconds from created_at."""
    skills_of = {}
    for item_id, skill_id in ItemSkill.objects.values_list("item_id", "skill_id"):
        skills_of.setdefault(item_id, []).append(skill_id)
    # Only the answers that are evidence, by the answer path's scalar rule (engine.evidence).
    learner_ids = ItemResponse.objects.filter(item__course=course).values_list(
        "learner_id", flat=True
    )
    evidence = set().union(*(_evidence_ids(course, i) for i in set(learner_ids)))
    rows = [
        (learner_id, skill_id, item_id, correct, created_at.timestamp())
        for learner_id, item_id, correct, created_at in ItemResponse.objects.filter(
            item__course=course, id__in=evidence
        )
        .order_by("created_at", "id")
        .values_list("learner_id", "item_id", "correct", "created_at")
        for skill_id in skills_of[item_id]
    ]
    learners, skills, items, correct, seconds = zip(*rows, strict=True)
    return AnswerLog.from_labels(
        learners=[str(i) for i in learners],
        skills=[str(i) for i in skills],
        items=[str(i) for i in items],
        correct=correct,
        seconds=seconds,
    )


def assert_close_states(stored, course):
    """`stored` is, to rounding, what the active fit gives for the ORM's log (coded apart,
    so its sequences are laid out in another order: the last bits of the sums differ)."""
    answers = orm_log(course)
    replay = replay_learner_model(active_learner_model(course.pk), answers)
    independent = {
        (int(learner), int(skill)): state.as_json()
        for learner, skill, state in final_skill_states(replay, answers)
    }
    assert stored.keys() == independent.keys()
    for key, state in independent.items():
        assert stored[key].keys() == state.keys()
        for name, value in state.items():
            if isinstance(value, list | float):
                assert stored[key][name] == pytest.approx(value, rel=1e-9, abs=1e-12)
            else:
                assert stored[key][name] == value


def stored_states(course):
    rows = SkillMastery.objects.filter(course=course, attempts__gt=0)
    return {
        (learner_id, skill_id): state
        for learner_id, skill_id, state in rows.values_list("learner_id", "skill_id", "model_state")
    }


def fits(course):
    rows = LearnerModelFit.objects.filter(course=course).order_by("version")
    return list(rows.values_list("version", "is_active"))


def answer(course, learner, slug, right, when):
    item = course.items.get(slug=slug)
    value = item.numeric_answer if right else item.numeric_answer + 50
    return answer_submit(
        learner=learner, item_id=item.pk, answer=str(value), client_id=uuid.uuid4(), now=when
    )


def test_a_full_run_fits_the_model_and_rebuilds_every_state(course):
    # given: the simulated history, rebuilt before any fit exists
    assert set(stored_states(course).values()) == {None}
    version = course.content_version

    run = run_now(full=True)

    counts = run.counts["courses"]["lm"]
    fit = LearnerModelFit.objects.get(course=course)
    both = ItemResponse.objects.filter(item__slug="both").count()
    assert run.status == RunStatus.SUCCEEDED
    assert (fit.version, fit.is_active, fit.run_id) == (1, True, run.pk)
    assert fit.n_answers == counts["responses"] + both == counts["learner_model_answers"]
    assert fit.n_learners == 80 == counts["learner_model_learners"]
    assert (counts["learner_model_fitted"], counts["learner_model_version"]) == (1, 1)
    assert counts["learner_model_too_few_answers"] == 0
    assert counts["learners_rebuilt"] == 80
    assert run.timings["courses"]["lm"]["learner_model"] > 0
    # then the snapshot serves the new fit, named as the live system names skills and items
    course.refresh_from_db()
    assert course.content_version > version
    model = course_snapshot(course).learner_model
    assert model is not None
    assert set(model.skill_names) == {str(pk) for pk in course.skills.values_list("pk", flat=True)}
    assert not model.uses_irt
    # and every practised (learner, skill) holds the state the fit gives for its answers
    stored = stored_states(course)
    assert len(stored) == counts["masteries_written"]
    assert stored == expected_states(course)
    assert_close_states(stored, course)


def test_a_second_run_stores_a_new_version_and_rebuilds_every_learner(course):
    call_command("recalculate", "--full", stdout=StringIO(), stderr=StringIO())
    first = stored_states(course)
    learner_id = ItemResponse.objects.values_list("learner_id", flat=True).first()
    item = course.items.get(slug="s1-i0")
    ItemResponse.objects.create(learner_id=learner_id, item=item, answer=0.0, correct=True, score=1)
    version = Course.objects.get(pk=course.pk).content_version

    run = run_now(full=False)

    counts = run.counts["courses"]["lm"]
    assert fits(course) == [(1, False), (2, True)]
    assert LearnerModelFit.objects.get(course=course, is_active=True).run_id == run.pk
    assert (counts["learner_model_fitted"], counts["learner_model_version"]) == (1, 2)
    # one new answer, but the refit relabels every state: all 80 learners are rebuilt
    assert (counts["new_responses"], counts["learners_rebuilt"]) == (1, 80)
    assert Course.objects.get(pk=course.pk).content_version == version + 1
    stored = stored_states(course)
    assert stored == expected_states(course)
    assert stored != first


def test_too_few_answers_store_no_fit_and_leave_the_states_empty():
    small = chain_course(slug="small", skills=2, items_per_skill=2)
    simulate_learners(course=small, learners=4, days=3, seed=2)

    run = run_now(full=True)

    counts = run.counts["courses"]["small"]
    assert run.status == RunStatus.SUCCEEDED
    assert counts["learner_model_too_few_answers"] == 1
    assert (counts["learner_model_fitted"], counts["learner_model_version"]) == (0, 0)
    assert counts["learner_model_learners"] == 4
    assert not LearnerModelFit.objects.exists()
    assert counts["content_version_bumped"] == 0
    assert counts["learners_rebuilt"] == 4
    assert set(stored_states(small).values()) == {None}
    assert course_snapshot(Course.objects.get(pk=small.pk)).learner_model is None


def test_a_run_without_enough_evidence_keeps_the_active_fit_and_rebuilds_with_it(
    course, monkeypatch
):
    run_now(full=True)
    learner_id = ItemResponse.objects.values_list("learner_id", flat=True).first()
    item = course.items.get(slug="s2-i1")
    ItemResponse.objects.create(
        learner_id=learner_id, item=item, answer=0.0, correct=False, score=0
    )
    monkeypatch.setattr("apps.recommendations.recalculation.learner_model.MIN_MODEL_ANSWERS", 10**9)

    counts = run_now(full=False).counts["courses"]["lm"]

    assert (counts["learner_model_too_few_answers"], counts["learner_model_fitted"]) == (1, 0)
    assert counts["learner_model_version"] == 1
    assert fits(course) == [(1, True)]
    assert counts["learners_rebuilt"] == 80  # every learner answered on s2, refitted by BKT
    assert stored_states(course) == expected_states(course)


def test_learners_simulated_after_a_fit_get_its_states(course):
    run_now(full=True)

    simulate_learners(course=course, learners=5, days=2, seed=9, prefix="late")

    stored = stored_states(course)
    assert None not in stored.values()
    assert stored == expected_states(course)


def test_a_learner_who_answers_during_the_rebuild_keeps_the_answer_paths_state(course):
    run_now(full=True)
    busy, calm = LearnerFactory(), LearnerFactory()
    start = timezone.now() - timedelta(minutes=30)
    for learner in (busy, calm):
        answer(course, learner, "s1-i0", True, start)
    structure = course_structure_load(course_id=course.pk)
    responses = course_responses_load(structure=structure, learner_ids=[busy.pk, calm.pk])
    computed = learner_states_compute(structure=structure, responses=responses)
    answer(course, busy, "s1-i1", False, start + timedelta(minutes=1))  # after the log was read
    SkillMastery.objects.filter(learner=calm).update(model_state=None)
    kept = list(SkillMastery.objects.filter(learner=busy).values_list("skill_id", "model_state"))

    result = learner_states_write(structure=structure, states=computed, log_max_id=responses.max_id)

    assert (result.learners_written, result.learners_skipped) == (1, 1)
    # the answer path's update with the newer answer survives; the calm learner is rebuilt
    assert (
        list(SkillMastery.objects.filter(learner=busy).values_list("skill_id", "model_state"))
        == kept
    )
    assert kept[0][1]["attempts"] == 2
    expected = expected_states(course)
    calm_rows = SkillMastery.objects.filter(learner=calm).values_list("skill_id", "model_state")
    assert {(calm.pk, skill): state for skill, state in calm_rows} == {
        key: state for key, state in expected.items() if key[0] == calm.pk
    }
