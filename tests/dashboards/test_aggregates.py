"""Read-side aggregates: the batch classification agrees with the per-learner selector, the
heatmap's flags, and the item statistics against direct computations."""

import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from apps.accounts.models import Enrollment
from apps.assessments.models import ItemResponse
from apps.recommendations.class_mastery import class_heatmap, class_mastery_rows
from apps.recommendations.engine.memory import rating_from_response, review
from apps.recommendations.models import SkillMastery
from apps.recommendations.scheduling import scheduler_for
from apps.recommendations.selectors import skill_mastery_list
from apps.recommendations.services.answers import answer_submit
from apps.recommendations.services.placement import placement_finish, placement_start
from apps.web.teacher.item_analysis_page import (
    _first_answer_matrix,
    _point_biserial,
    item_analysis,
)
from tests.accounts.factories import AdminFactory, LearnerFactory

pytestmark = pytest.mark.django_db


def test_batch_states_match_the_per_learner_selector(klass):
    now = timezone.now()
    learners = [klass.learner, *(LearnerFactory() for _ in range(4))]
    for learner in learners[1:]:
        Enrollment.objects.create(classroom=klass.classroom, learner=learner)
    s1, s2, s3 = (klass.course.skills.get(slug=f"s{n}") for n in (1, 2, 3))
    item = klass.course.items.get(slug="s1-i1")
    for _ in range(3):  # practised: learning, with a memory card
        answer_submit(learner=learners[1], item_id=item.pk, answer="1", client_id=uuid.uuid4())
    faded = now - timedelta(days=400)  # mastered long ago: retrievability decays
    SkillMastery.objects.create(
        learner=learners[2],
        skill=s1,
        course=klass.course,
        p_known=0.99,
        attempts=6,
        correct_count=6,
        right_streak=6,
        last_practised_at=faded,
        mastered_at=faded,
        memory_state=review(
            None,
            rating=rating_from_response(correct=True),
            reviewed_at=faded,
            scheduler=scheduler_for(0.9),
        ).card_state,
    )
    SkillMastery.objects.create(
        learner=learners[3], skill=s2, course=klass.course, p_known=0.6, attempts=4
    )  # learning a skill whose prerequisite is not learnt
    attempt, _ = placement_start(learner=learners[4], course=klass.course)
    placement_finish(learner=learners[4], attempt=attempt, reason="test")
    SkillMastery.objects.filter(learner=learners[4], skill=s3).update(wheel_spinning=True)
    batch = {
        learner.pk: cells
        for learner, cells in class_mastery_rows(
            classroom=klass.classroom, course=klass.course, now=now
        )
    }
    seen_states = set()
    for learner in learners:
        expected = skill_mastery_list(learner=learner, course=klass.course, now=now)
        got = batch[learner.pk]
        assert [(c.state, c.p_known, c.attempts, c.wheel_spinning) for c in got] == [
            (v.state, v.p_known, v.attempts, v.wheel_spinning) for v in expected
        ]
        seen_states.update(c.state for c in got)
    assert {"learning", "needs_review", "not_started", "locked"} <= seen_states


def test_heatmap_flags_skills_most_of_the_class_started_but_has_not_mastered(klass):
    others = [LearnerFactory() for _ in range(3)]
    for learner in others:
        Enrollment.objects.create(classroom=klass.classroom, learner=learner)
    s1 = klass.course.skills.get(slug="s1")
    for learner, p in zip([klass.learner, *others], [0.97, 0.5, 0.4, 0.3], strict=True):
        SkillMastery.objects.create(
            learner=learner,
            skill=s1,
            course=klass.course,
            p_known=p,
            attempts=5,
            correct_count=5 if p > 0.95 else 2,
            right_streak=5 if p > 0.95 else 2,
            mastered_at=timezone.now() if p > 0.95 else None,
        )
    heatmap = class_heatmap(classroom=klass.classroom, course=klass.course)
    (flagged,) = heatmap.flagged_skills
    assert (flagged.slug, flagged.started, flagged.mastered) == ("s1", 4, 1)
    assert round(flagged.mean_p_known, 4) == round((0.97 + 0.5 + 0.4 + 0.3) / 4, 4)
    assert [c.slug for c in heatmap.columns] == ["s1", "s2", "s3"]


def test_first_answers_only_and_unknown_items_ignored():
    learners = np.array([7, 7, 9, 7, 9])
    items = np.array([1, 1, 1, 2, 3])
    correct = np.array([0.0, 1.0, 1.0, 1.0, 1.0])
    rows, matrix = _first_answer_matrix(learners, items, correct, [1, 2])
    assert rows.tolist() == [7, 9]
    assert matrix.tolist()[0] == [0.0, 1.0]  # learner 7's first answer to item 1 was wrong
    assert matrix[1, 0] == 1.0
    assert np.isnan(matrix[1, 1])


def test_point_biserial_is_the_correlation_with_the_rest_share():
    rng = np.random.default_rng(3)
    matrix = (rng.random((40, 5)) < 0.6).astype(float)
    matrix[rng.random((40, 5)) < 0.2] = np.nan
    r = _point_biserial(matrix)
    for j in range(5):
        rows = [
            (
                matrix[i, j],
                (np.nansum(matrix[i]) - matrix[i, j]) / (np.sum(~np.isnan(matrix[i])) - 1),
            )
            for i in range(40)
            if not np.isnan(matrix[i, j]) and np.sum(~np.isnan(matrix[i])) > 1
        ]
        x, y = np.array(rows).T
        assert r[j] == pytest.approx(np.corrcoef(x, y)[0, 1])


def _respond(learner, item, correct, at):  # type: ignore[no-untyped-def]
    ItemResponse.objects.create(
        learner=learner, item=item, answer="x", correct=correct, score=float(correct), created_at=at
    )


def test_items_flagged_too_easy_too_hard_and_not_discriminating(klass):
    """24 learners of rising ability; s1-i0 everyone gets right, s1-i1 nobody, s1-i2 is
    answered right by the weakest only (a wrong key), the rest follow ability."""
    admin = AdminFactory()
    items = {i.slug: i for i in klass.course.items.all()}
    start = timezone.now() - timedelta(days=1)
    learners = [LearnerFactory() for _ in range(24)]
    for rank, learner in enumerate(learners):
        for n, slug in enumerate(["s1-i0", "s1-i1", "s1-i2", "s1-i3", "s1-i4", "s2-i0"]):
            right = {
                "s1-i0": True,
                "s1-i1": False,
                "s1-i2": rank < 8,
                "s1-i3": rank >= 6,
                "s1-i4": rank >= 10,
                "s2-i0": rank >= 14,
            }[slug]
            _respond(learner, items[slug], right, start + timedelta(minutes=n))
        _respond(learner, items["s1-i0"], False, start + timedelta(hours=1))  # later: ignored
    analysis = item_analysis(user=admin, course=klass.course)
    stats = {s.slug: s for s in analysis.items}
    assert analysis.learners == 24
    assert stats["s1-i0"].p_correct == 1.0
    assert stats["s1-i0"].responses == 48
    assert stats["s1-i0"].flags[0] == "too_easy"
    # Nobody right where the model expects most to be: too hard, and far from the model.
    assert stats["s1-i1"].flags == ("too_hard", "misfitting")
    assert stats["s1-i1"].r_pb is None  # no variation: no correlation
    assert stats["s1-i2"].r_pb < -0.5
    assert "not_discriminating" in stats["s1-i2"].flags
    assert stats["s1-i4"].r_pb > 0.5
    assert "not_discriminating" not in stats["s1-i4"].flags
    assert stats["s3-i0"].learners == 0
    assert stats["s3-i0"].p_correct is None
    assert stats["s3-i0"].flags == ()
    assert (stats["s1-i3"].a, stats["s1-i3"].b) == (1.0, 0.5)  # the builders' difficulty


def test_misfit_compares_with_the_irt_expectation(klass):
    from apps.recommendations.models import LearnerAbility

    item = klass.course.items.get(slug="s2-i4")  # b = 1.0 in the builders
    start = timezone.now() - timedelta(days=1)
    for _ in range(30):
        learner = LearnerFactory()
        LearnerAbility.objects.create(learner=learner, course=klass.course, theta=3.0)
        _respond(learner, item, False, start)  # strong learners all wrong on a medium item
    stats = {s.slug: s for s in item_analysis(user=AdminFactory(), course=klass.course).items}
    assert stats["s2-i4"].expected > 0.85
    assert stats["s2-i4"].z < -3
    assert "misfitting" in stats["s2-i4"].flags
