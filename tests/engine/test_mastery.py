"""Mastery states from BKT and FSRS together, with their uncertainty."""

import numpy as np
import pytest

from apps.recommendations.engine.bkt import credible_interval
from apps.recommendations.engine.mastery import (
    MASTERY_STATES,
    MasteryPolicy,
    MasteryState,
    answer_weight,
    assess_mastery,
    mastery_codes,
)


@pytest.mark.parametrize(
    ("p_known", "evidence", "recall", "state"),
    [
        (0.3, 0, None, MasteryState.NOT_STARTED),
        (0.6, 4, 0.95, MasteryState.LEARNING),
        (0.97, 12, 0.9, MasteryState.MASTERED),
        (0.97, 12, 0.5, MasteryState.NEEDS_REVIEW),
        (0.97, 12, None, MasteryState.MASTERED),
        (0.95, 12, 0.8, MasteryState.MASTERED),  # both thresholds are inclusive
    ],
)
def test_state_combines_bkt_and_retrievability(
    p_known: float, evidence: int, recall: float | None, state: MasteryState
) -> None:
    estimate = assess_mastery(
        p_known=p_known, evidence_count=evidence, retrievability=recall, right_streak=evidence
    )
    assert estimate.state == state
    assert estimate.evidence_count == evidence


def test_interval_narrows_as_evidence_accumulates() -> None:
    low, high = credible_interval([0.9, 0.9, 0.9], [2, 10, 40])
    widths = high - low
    assert np.all(np.diff(widths) < 0)
    assert np.all((low < 0.9) & (high > 0.9))


def test_interval_is_beta_jeffreys_quantiles() -> None:
    from scipy.stats import beta

    low, high = credible_interval([0.7], [10], mass=0.9)
    assert low[0] == pytest.approx(beta.ppf(0.05, 7.5, 3.5))
    assert high[0] == pytest.approx(beta.ppf(0.95, 7.5, 3.5))


def test_vectorised_codes_agree_with_the_scalar_form() -> None:
    policy = MasteryPolicy(p_known_threshold=0.9, min_retrievability=0.7)
    p = np.array([0.2, 0.95, 0.95, 0.5])
    evidence = np.array([0, 3, 3, 8])
    recall = np.array([np.nan, 0.9, 0.3, 0.99])
    codes = mastery_codes(p, evidence, recall, policy, right_streak=evidence, credited=False)
    scalar = [
        assess_mastery(
            p_known=float(p[i]),
            evidence_count=int(evidence[i]),
            retrievability=None if np.isnan(recall[i]) else float(recall[i]),
            right_streak=int(evidence[i]),
            policy=policy,
        ).state
        for i in range(4)
    ]
    assert [MASTERY_STATES[code] for code in codes] == scalar
    assert scalar == ["not_started", "mastered", "needs_review", "learning"]


def test_mastery_needs_enough_right_streak_or_a_credit() -> None:
    """One lucky answer on a skill with a high prior is not mastery; a credit is evidence."""
    policy = MasteryPolicy(p_known_threshold=0.95, min_correct=3)
    assert not policy.is_learnt(0.99, 2, False)
    assert policy.is_learnt(0.99, 3, False)
    assert policy.is_learnt(0.96, 0, True)
    assert not policy.is_learnt(0.9, 10, True)  # a credit does not override P(known)
    one = assess_mastery(p_known=0.98, evidence_count=1, retrievability=None, right_streak=1)
    assert one.state == MasteryState.LEARNING


def test_rule_is_stated_in_plain_words() -> None:
    text = MasteryPolicy(p_known_threshold=0.9, min_correct=4).describe()
    assert text.startswith("Mastered: at least 4 right answers in a row on the skill (a right")
    assert "and 90% sure it is known" in text
    assert "placement test" in text


def test_a_skill_is_not_mastered_above_an_unproven_prerequisite() -> None:
    """Chain A <- B <- C. C learnt on its own answers while A was never started: C shows
    learning, not mastered; B not started and A not learnt, so B is locked."""
    columns = [[], [0], [1]]
    codes = mastery_codes(
        [0.2, 0.2, 0.99],
        [0, 0, 6],
        [np.nan, np.nan, np.nan],
        right_streak=[0, 0, 6],
        credited=[False, False, False],
        prerequisite_columns=columns,
    )
    assert [MASTERY_STATES[c] for c in codes] == ["not_started", "locked", "learning"]
    credited = mastery_codes(
        [0.95, 0.95, 0.99],
        [1, 1, 6],
        [np.nan, np.nan, np.nan],
        right_streak=[0, 0, 6],
        credited=[True, True, False],
        prerequisite_columns=columns,
    )
    assert [MASTERY_STATES[c] for c in credited] == ["mastered"] * 3


def test_codes_for_many_learners_at_once() -> None:
    columns = [[], [0]]
    codes = mastery_codes(
        [[0.99, 0.2], [0.3, 0.2]],
        [[5, 0], [2, 0]],
        np.full((2, 2), np.nan),
        right_streak=[[5, 0], [1, 0]],
        credited=np.zeros((2, 2), dtype=bool),
        prerequisite_columns=columns,
    )
    assert [[MASTERY_STATES[c] for c in line] for line in codes] == [
        ["mastered", "not_started"],
        ["learning", "locked"],
    ]


def test_a_right_pick_among_choices_counts_less_than_a_typed_answer() -> None:
    weights = answer_weight([0.0, 0.02, 0.25, 1 / 3, 0.5, 0.9])
    assert weights[0] == weights[1] == 1.0
    assert 0.4 < weights[2] < 0.5
    assert weights[2] > weights[3] > weights[4] >= weights[5] == 0.25
