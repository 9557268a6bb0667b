"""Rebuilding learner state from the log: it agrees with the hot path, recovers the parameters
that generated the data, and never overwrites what it should keep."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.assessments.models import ItemResponse
from apps.curriculum.services import course_touch
from apps.recommendations.answer_log import mastery_steps
from apps.recommendations.engine.ability import estimate_eap_many
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.irt import ItemBank
from apps.recommendations.engine.simulate import simulate_bkt
from apps.recommendations.models import (
    LearnerAbility,
    SkillMastery,
    SkillParameters,
)
from apps.recommendations.recalculation.ability import ABILITY_GRID
from apps.recommendations.recalculation.course import recalculate_course, recalculation_start
from apps.recommendations.recalculation.log import (
    course_responses_load,
    course_structure_load,
)
from apps.recommendations.recalculation.mastery_history import mastery_history_replay
from apps.recommendations.recalculation.rebuild import (
    learner_state_rebuild,
    learner_states_compute,
    learner_states_write,
)
from apps.recommendations.recalculation.sql import insert_rows
from apps.recommendations.services.answers import answer_submit
from tests.accounts.factories import LearnerFactory
from tests.recommendations.builders import chain_course, numeric_item

pytestmark = pytest.mark.django_db

STATE_FIELDS = (
    "skill__slug",
    "p_known",
    "attempts",
    "correct_count",
    "attempts_since_mastery",
    "last_practised_at",
    "mastered_at",
    "wheel_spinning",
    "memory_state",
    "review_due_at",
)


@pytest.fixture
def course():
    course = chain_course(slug="replay", skills=2, items_per_skill=4)
    numeric_item(course, "both", ("s1", "s2"), answer=9.0)  # evidence for two skills at once
    SkillParameters.objects.create(
        skill=course.skills.get(slug="s1"), version=1, prior=0.3, learn=0.2, guess=0.25, slip=0.1
    )
    course_touch(course=course)  # the hot path must see the fitted s1 too
    return course


def answer(course, learner, slug, right, when):
    item = course.items.get(slug=slug)
    value = item.numeric_answer if right else item.numeric_answer + 50
    return answer_submit(
        learner=learner, item_id=item.pk, answer=str(value), client_id=uuid.uuid4(), now=when
    )


def states(learner):
    rows = SkillMastery.objects.filter(learner=learner).order_by("skill__slug")
    return list(rows.values_list(*STATE_FIELDS))


def test_the_rebuild_gives_what_the_hot_path_gave_for_the_same_answers(course):
    learner = LearnerFactory()
    start = timezone.now() - timedelta(days=3)
    script = [("s1-i0", False), ("both", True), ("s1-i1", True), ("s1-i2", True)]
    script += [("s1-i3", True), ("s1-i0", True), ("s1-i1", True)]  # s1 gets mastered
    # s2 spins its wheels; s1 answers in between, so no s2 answer repeats an item within the
    # repeat depth (engine.evidence) and each counts.
    script += [
        answer
        for k in range(11)
        for answer in ((f"s1-i{k % 4}", True), (f"s2-i{k % 4}", k % 5 == 0))
    ]
    script += [("both", False), ("s1-i2", True)]
    for minute, (slug, right) in enumerate(script):
        answer(course, learner, slug, right, start + timedelta(minutes=7 * minute))
    hot_path = states(learner)
    assert [row[6] is not None for row in hot_path] == [True, False]  # mastered_at
    assert [row[7] for row in hot_path] == [False, True]  # wheel_spinning

    result = learner_state_rebuild(course=course, learners=[learner])

    assert (result.learners, result.masteries_written, result.abilities_written) == (1, 2, 1)
    rebuilt = states(learner)
    for before, after in zip(hot_path, rebuilt, strict=True):
        assert after[1] == pytest.approx(before[1], abs=1e-12)
        assert after[:1] + after[2:] == before[:1] + before[2:]


def test_the_replayed_history_is_what_the_hot_path_wrote(course):
    learner, other = LearnerFactory(), LearnerFactory()
    start = timezone.now() - timedelta(days=2)
    script = [("s1-i0", False), ("both", True), ("s1-i1", True), ("s2-i0", False)]
    script += [("s1-i2", True), ("both", False), ("s2-i1", True), ("s1-i3", True)]
    for minute, (slug, right) in enumerate(script):
        answer(course, learner, slug, right, start + timedelta(minutes=5 * minute))
    answer(course, other, "s1-i0", True, start)

    def history(who):
        """(response id, skill id, P before, P after) of every change, and the answers that
        moved nothing."""
        stored = ItemResponse.objects.filter(learner=who).order_by("id")
        rows = list(stored.values_list("id", "mastery_changes"))
        changes = sorted(
            (response_id, step.skill_id, step.before, step.after)
            for response_id, steps in rows
            for step in mastery_steps(steps)
        )
        return changes, [response_id for response_id, steps in rows if steps == []]

    (hot_path, hot_repeats), untouched = history(learner), history(other)
    # "both" moves two skills; its second answer, 4 answers later, is a repeat (no evidence,
    # no change), as in the replay.
    assert len(hot_path) == len(script)
    assert len(hot_repeats) == 1
    ItemResponse.objects.filter(learner=learner).update(mastery_changes=None)

    written = mastery_history_replay(course=course, learner_ids=[learner.pk])

    replayed, repeats = history(learner)
    assert written == len(replayed) == len(hot_path)
    assert repeats == hot_repeats
    for hot, again in zip(hot_path, replayed, strict=True):
        assert again[:2] == hot[:2]
        assert again[2:] == pytest.approx(hot[2:], abs=1e-12)
    assert history(other) == untouched  # only the learners asked for


def test_the_ability_is_the_exact_eap_of_every_answer(course):
    learner = LearnerFactory()
    start = timezone.now() - timedelta(hours=2)
    slugs = [f"s{s}-i{k}" for s in (1, 2) for k in range(4)]
    for minute, slug in enumerate(slugs):
        answer(course, learner, slug, minute % 3 != 0, start + timedelta(minutes=minute))
    sequential = LearnerAbility.objects.get(learner=learner)

    learner_state_rebuild(course=course, learners=[learner])

    items = {item.slug: item for item in course.items.all()}
    bank = ItemBank.from_arrays(
        a=[items[s].irt_a for s in slugs], b=[items[s].irt_b for s in slugs], c=None
    )
    exact = estimate_eap_many(
        [[1.0 if k % 3 != 0 else 0.0 for k in range(len(slugs))]], bank, quadrature=ABILITY_GRID
    ).person(0)
    ability = LearnerAbility.objects.get(learner=learner)
    assert ability.theta == pytest.approx(exact.theta, abs=1e-9)
    assert ability.standard_error == pytest.approx(exact.standard_error, abs=1e-9)
    assert ability.n_responses == len(slugs) == sequential.n_responses
    # The hot path's one-answer-at-a-time EAP (normal prior each step) lands close to it.
    assert ability.theta == pytest.approx(sequential.theta, abs=0.15)


def test_answers_to_an_item_count_once_each_in_the_ability(course):
    learner = LearnerFactory()
    start = timezone.now() - timedelta(hours=1)
    for minute in range(6):
        answer(course, learner, "s1-i0", True, start + timedelta(minutes=minute))
    learner_state_rebuild(course=course, learners=[learner])
    repeated = LearnerAbility.objects.get(learner=learner)
    other = LearnerFactory()
    answer(course, other, "s1-i0", True, start)
    learner_state_rebuild(course=course, learners=[other])
    once = LearnerAbility.objects.get(learner=other)
    assert repeated.theta > once.theta
    assert repeated.standard_error < once.standard_error


def test_a_placement_seed_is_kept_and_the_counts_are_rebuilt(course):
    learner = LearnerFactory()
    answer(course, learner, "s2-i0", False, timezone.now() - timedelta(minutes=5))
    seeded_at = timezone.now() - timedelta(days=1)
    SkillMastery.objects.filter(learner=learner, skill__slug="s2").update(
        p_known=0.97, seeded_by_placement=True, mastered_at=seeded_at, attempts=40
    )
    learner_state_rebuild(course=course, learners=[learner])
    row = SkillMastery.objects.get(learner=learner, skill__slug="s2")
    assert (row.p_known, row.mastered_at, row.seeded_by_placement) == (0.97, seeded_at, True)
    assert (row.attempts, row.correct_count, row.wheel_spinning) == (1, 0, False)


def test_a_learner_who_answers_during_the_rebuild_is_left_for_the_next_run(course):
    busy, calm = LearnerFactory(), LearnerFactory()
    start = timezone.now() - timedelta(hours=1)
    for learner in (busy, calm):
        answer(course, learner, "s1-i0", True, start)
    structure = course_structure_load(course_id=course.pk)
    responses = course_responses_load(structure=structure)
    computed = learner_states_compute(structure=structure, responses=responses)
    answer(course, busy, "s1-i1", False, start + timedelta(minutes=1))  # after the log was read
    kept = states(busy)

    result = learner_states_write(structure=structure, states=computed, log_max_id=responses.max_id)

    assert (result.learners_written, result.learners_skipped) == (1, 1)
    assert states(busy) == kept  # the hot path's update of the newer answer survives


def insert_log(course, log, start):
    """Store an engine-simulated log: learner codes become accounts, skill k answers item
    s{k+1}-i0, one row per second in the log's (valid) time order."""
    learners = [LearnerFactory.build(username=f"bkt{n}") for n in range(len(log.learner_names))]
    for user in learners:
        user.set_unusable_password()
    ids = [user.pk for user in type(learners[0]).objects.bulk_create(learners)]
    items = [course.items.get(slug=f"s{k + 1}-i0").pk for k in range(len(log.skill_names))]
    insert_rows(
        ItemResponse,
        ["client_id", "learner", "item", "answer", "correct", "score", "created_at"],
        (
            (uuid.uuid4(), ids[learner], items[skill], 0, correct, float(correct), when)
            for learner, skill, correct, when in zip(
                log.learner.tolist(),
                log.skill.tolist(),
                log.correct.tolist(),
                [start + timedelta(seconds=n) for n in range(log.size)],
                strict=True,
            )
        ),
    )


def test_a_refit_recovers_the_parameters_that_generated_the_answers():
    # given: pure BKT answers (no ability effect) from known parameters
    truth = (
        BktParams(prior=0.3, learn=0.15, guess=0.2, slip=0.08),
        BktParams(prior=0.5, learn=0.25, guess=0.12, slip=0.12),
    )
    course = chain_course(slug="truth", skills=2, items_per_skill=1)
    log = simulate_bkt(params=truth, n_learners=400, max_length=20, min_length=8, seed=11)
    insert_log(course, log, timezone.now() - timedelta(days=2))
    # when
    run = recalculation_start(trigger="command", full=True)
    recalculate_course(run_id=run.pk, course_id=course.pk, full=True)
    # then: each parameter within 3 of the fit's own standard errors of the truth (at least
    # 0.02: XPD standard errors are themselves estimates). On these 5,600 answers per skill
    # the SEs are 0.005 to 0.035; a mix-up of skills or a wrong model is off by far more,
    # sampling noise exceeds 3 SEs about once in 370 parameters.
    for code, slug in enumerate(("s1", "s2")):
        fitted = SkillParameters.objects.get(skill__course=course, skill__slug=slug, is_active=True)
        for name in ("prior", "learn", "guess", "slip"):
            error = fitted.standard_errors[name]
            assert 0 < error < 0.04
            tolerance = max(3 * error, 0.02)
            assert getattr(fitted, name) == pytest.approx(getattr(truth[code], name), abs=tolerance)
        assert fitted.n_learners == 400
        assert fitted.forget == 0.0
    assert sum(SkillParameters.objects.values_list("n_responses", flat=True)) == log.size
