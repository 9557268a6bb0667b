"""Adaptive testing: selection rules, stopping, and agreement with catsim on simulated examinees."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.recommendations.engine.cat import (
    CatConfig,
    dodd_step,
    next_ability,
    select_next_item,
    stop_reason,
)
from apps.recommendations.engine.cat_simulation import simulate_cat
from apps.recommendations.engine.irt import ItemBank, fisher_information


def make_bank(n_items: int, seed: int, *, skills: int = 1, guessing: float = 0.0) -> ItemBank:
    rng = np.random.default_rng(seed)
    return ItemBank.from_arrays(
        a=rng.lognormal(0.1, 0.3, n_items),
        b=rng.normal(0.0, 1.2, n_items),
        c=np.full(n_items, guessing),
        skill=rng.integers(0, skills, n_items),
    )


BANK = make_bank(300, seed=7)


def test_selects_the_most_informative_item_not_yet_given() -> None:
    information = fisher_information(0.4, BANK.a, BANK.b, BANK.c)
    ranked = np.argsort(-information)
    chosen = select_next_item(items=BANK, theta=0.4, administered=[int(ranked[0])])
    assert chosen == int(ranked[1])


def test_randomesque_picks_among_the_top_k_only() -> None:
    information = fisher_information(-0.2, BANK.a, BANK.b, BANK.c)
    top_five = set(np.argsort(-information)[:5].tolist())
    rng = np.random.default_rng(1)
    picks = [
        select_next_item(items=BANK, theta=-0.2, administered=[], rng=rng, randomesque_k=5)
        for _ in range(300)
    ]
    assert set(picks) == top_five  # each of the five is drawn, and nothing else


@settings(max_examples=40, deadline=None)
@given(
    theta=st.floats(min_value=-4, max_value=4),
    given_items=st.lists(st.integers(0, 29), max_size=29, unique=True),
    k=st.integers(1, 6),
)
def test_never_selects_an_item_twice(theta: float, given_items: list[int], k: int) -> None:
    bank = make_bank(30, seed=3)
    chosen = select_next_item(
        items=bank,
        theta=theta,
        administered=given_items,
        randomesque_k=k,
        rng=np.random.default_rng(0),
    )
    assert chosen is not None
    assert chosen not in given_items


def test_returns_none_when_the_bank_is_used_up() -> None:
    bank = make_bank(3, seed=1)
    assert select_next_item(items=bank, theta=0.0, administered=[0, 1, 2]) is None


def test_skill_balancing_follows_the_target_shares() -> None:
    # given a bank of three skills and targets of 50/30/20 percent
    bank = make_bank(300, seed=9, skills=3)
    config = CatConfig(max_items=20, se_target=0.0, skill_targets=(0.5, 0.3, 0.2))
    truth = np.random.default_rng(2).normal(size=50)
    # when 50 examinees take a 20-item test
    result = simulate_cat(items=bank, true_theta=truth, config=config, seed=4)
    # then every test holds 10, 6 and 4 items of the three skills
    for row in result.administered:
        assert np.bincount(bank.skill[row], minlength=3).tolist() == [10, 6, 4]
        assert len(set(row.tolist())) == 20


def test_stop_rules_in_order() -> None:
    config = CatConfig(max_items=10, se_target=0.3, min_items=3)
    assert stop_reason(standard_error=0.2, administered_count=10, bank_size=50, config=config) == (
        "max_length"
    )
    assert stop_reason(standard_error=0.9, administered_count=5, bank_size=5, config=config) == (
        "bank_exhausted"
    )
    assert (
        stop_reason(standard_error=0.2, administered_count=2, bank_size=50, config=config) is None
    )
    assert stop_reason(standard_error=0.29, administered_count=3, bank_size=50, config=config) == (
        "se_threshold"
    )
    assert (
        stop_reason(standard_error=0.31, administered_count=3, bank_size=50, config=config) is None
    )


def test_dodd_step_moves_halfway_to_the_extreme_difficulty() -> None:
    hardest, easiest = BANK.b.max(), BANK.b.min()
    moved = dodd_step(np.array([0.5, 0.5]), BANK, np.array([True, False]))
    assert moved.tolist() == pytest.approx([0.5 + (hardest - 0.5) / 2, 0.5 - (0.5 - easiest) / 2])


def test_next_ability_reports_eap_and_its_standard_error() -> None:
    estimate = next_ability(items=BANK, administered=[3, 17, 42], responses=[1, 0, 1])
    assert estimate.method == "eap"
    assert estimate.response_count == 3
    assert 0.0 < estimate.standard_error < 1.0


def test_simulation_with_eap_stops_on_the_standard_error() -> None:
    config = CatConfig(max_items=40, se_target=0.35)
    truth = np.random.default_rng(5).normal(size=200)
    result = simulate_cat(items=BANK, true_theta=truth, config=config, seed=2)
    finished_early = result.test_length < 40
    assert np.all(result.standard_error[finished_early] < 0.35)
    assert result.rmse < 0.45
    assert abs(result.bias) < 0.08
