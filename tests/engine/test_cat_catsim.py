"""CAT against catsim (max-information selection, MLE with Dodd's heuristic, SE stopping).

catsim's Simulator draws one uniform per administered item from default_rng(seed), examinee
after examinee, and answers correctly when P(true theta) >= u. Our batch simulator lays the
same draws out as an (examinees x max_items) table, so for fixed-length tests the two see the
same random numbers; with SE stopping, the per-learner hot-path functions are driven with a
generator consumed in catsim's order instead.
"""

import numpy as np
import pytest

from apps.recommendations.engine.cat import CatConfig, next_ability, select_next_item, stop_reason
from apps.recommendations.engine.cat_simulation import simulate_cat
from apps.recommendations.engine.irt import ItemBank, probability

pytest.importorskip(
    "catsim.simulation", reason="catsim is a test-only reference: see requirements-ref.txt"
)
from catsim.estimation import NumericalSearchEstimator
from catsim.initialization import FixedPointInitializer
from catsim.item_bank import ItemBank as CatsimBank
from catsim.selection import MaxInfoSelector
from catsim.simulation import Simulator
from catsim.stopping import MinErrorStopper

SEED = 3


@pytest.fixture(scope="module")
def bank() -> ItemBank:
    rng = np.random.default_rng(7)
    return ItemBank.from_arrays(
        a=rng.lognormal(0.1, 0.3, 300), b=rng.normal(0.0, 1.2, 300), c=np.full(300, 0.1)
    )


@pytest.fixture(scope="module")
def abilities() -> np.ndarray:
    return np.random.default_rng(11).normal(size=150)


def run_catsim(
    bank: ItemBank, abilities: np.ndarray, *, se_target: float, max_items: int
) -> Simulator:
    items = np.column_stack([bank.a, bank.b, bank.c, np.ones(bank.size)])
    simulator = Simulator(CatsimBank(items), abilities, seed=SEED)
    simulator.simulate(
        FixedPointInitializer(0.0),
        MaxInfoSelector(),
        NumericalSearchEstimator(),
        MinErrorStopper(se_target, max_items=max_items),
    )
    return simulator


@pytest.fixture(scope="module")
def reference_with_se_stop(bank: ItemBank, abilities: np.ndarray) -> Simulator:
    return run_catsim(bank, abilities, se_target=0.35, max_items=30)


def test_fixed_length_tests_match_catsim_item_for_item(
    bank: ItemBank, abilities: np.ndarray
) -> None:
    reference = run_catsim(bank, abilities, se_target=1e-9, max_items=15)
    ours = simulate_cat(
        items=bank,
        true_theta=abilities,
        config=CatConfig(max_items=15, se_target=1e-9, estimator="mle"),
        seed=SEED,
    )
    for index, items in enumerate(reference.administered_items):
        assert ours.administered[index].tolist() == list(items)
    np.testing.assert_allclose(ours.theta, reference.latest_estimations, atol=1e-4)
    assert ours.bias == pytest.approx(reference.bias, abs=1e-4)
    assert ours.rmse == pytest.approx(reference.rmse, abs=1e-4)


def test_hot_path_with_se_stopping_matches_catsim(
    bank: ItemBank, abilities: np.ndarray, reference_with_se_stop: Simulator
) -> None:
    # given catsim's run with SE < 0.35 or 30 items
    reference = reference_with_se_stop
    config = CatConfig(max_items=30, se_target=0.35, estimator="mle")
    # when the per-learner functions run each examinee in turn on catsim's random stream
    stream = np.random.default_rng(SEED)
    estimates, lengths = [], []
    for true_theta in abilities:
        administered: list[int] = []
        answers: list[int] = []
        theta, standard_error = 0.0, float("inf")
        while (
            stop_reason(
                standard_error=standard_error,
                administered_count=len(administered),
                bank_size=bank.size,
                config=config,
            )
            is None
        ):
            item = select_next_item(items=bank, theta=theta, administered=administered)
            assert item is not None
            p = probability(true_theta, bank.a[item], bank.b[item], bank.c[item])
            administered.append(item)
            answers.append(int(p >= stream.uniform()))
            estimate = next_ability(
                items=bank,
                administered=administered,
                responses=answers,
                previous_theta=theta,
                estimator="mle",
            )
            theta, standard_error = estimate.theta, estimate.standard_error
        estimates.append(theta)
        lengths.append(len(administered))
    # then bias, RMSE and mean test length agree with catsim's
    errors = np.array(estimates) - abilities
    reference_lengths = [len(items) for items in reference.administered_items]
    assert np.mean(errors) == pytest.approx(reference.bias, abs=1e-3)
    assert np.sqrt(np.mean(errors**2)) == pytest.approx(reference.rmse, abs=1e-3)
    assert np.mean(lengths) == pytest.approx(np.mean(reference_lengths), abs=0.05)


def test_batch_simulation_with_se_stopping_agrees_statistically(
    bank: ItemBank, abilities: np.ndarray, reference_with_se_stop: Simulator
) -> None:
    # Different random numbers (examinees are tested side by side), same design.
    reference = reference_with_se_stop
    ours = simulate_cat(
        items=bank,
        true_theta=abilities,
        config=CatConfig(max_items=30, se_target=0.35, estimator="mle"),
        seed=SEED,
    )
    reference_length = np.mean([len(items) for items in reference.administered_items])
    assert ours.bias == pytest.approx(reference.bias, abs=0.08)
    assert ours.rmse == pytest.approx(reference.rmse, abs=0.08)
    assert ours.mean_length == pytest.approx(reference_length, abs=1.5)
