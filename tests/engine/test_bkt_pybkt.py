"""BKT fitting against pyBKT's C++ build on the same synthetic data."""

import numpy as np
import pytest

from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.bkt_replay import bkt_log_likelihood
from apps.recommendations.engine.simulate import simulate_bkt

pd = pytest.importorskip("pandas", reason="pyBKT reference tests need pandas (requirements-ref)")
pybkt_models = pytest.importorskip(
    "pyBKT.models", reason="pyBKT reference is a test-only dependency: see requirements-ref.txt"
)

TRUTH = (
    BktParams(prior=0.3, learn=0.15, guess=0.2, slip=0.1),
    BktParams(prior=0.5, learn=0.08, guess=0.25, slip=0.05),
    BktParams(prior=0.2, learn=0.25, guess=0.15, slip=0.12),
)


def test_pybkt_is_the_compiled_build() -> None:
    # pyBKT's setup.py silently falls back to pure Python if the C++ build fails.
    from pyBKT.fit import E_step

    assert E_step.__file__ is not None
    assert E_step.__file__.endswith(".so")


def test_matches_pybkt_parameters_and_log_likelihood() -> None:
    # given synthetic data from known parameters
    log = simulate_bkt(params=TRUTH, n_learners=3000, min_length=10, max_length=30, seed=11)
    frame = pd.DataFrame(
        {
            "order_id": np.arange(log.size),
            "user_id": log.learner,
            "skill_name": np.array(log.skill_names)[log.skill],
            "correct": log.correct.astype(int),
        }
    )
    # when both fit it
    ours = fit_bkt_skills(log, BktFitOptions(seed=5))
    model = pybkt_models.Model(seed=42, num_fits=5, parallel=False)
    model.fit(data=frame)
    table = model.params()
    theirs = [
        BktParams(
            prior=float(table.loc[(name, "prior", "default"), "value"]),
            learn=float(table.loc[(name, "learns", "default"), "value"]),
            guess=float(table.loc[(name, "guesses", "default"), "value"]),
            slip=float(table.loc[(name, "slips", "default"), "value"]),
            forget=float(table.loc[(name, "forgets", "default"), "value"]),
        )
        for name in log.skill_names
    ]
    # then both recover the truth within 0.02
    for fitted, reference, truth in zip(ours, theirs, TRUTH, strict=True):
        for name in ("prior", "learn", "guess", "slip", "forget"):
            assert getattr(fitted.params, name) == pytest.approx(getattr(truth, name), abs=0.02)
            assert getattr(reference, name) == pytest.approx(getattr(truth, name), abs=0.02)
    # and our log-likelihood is within 0.1% of pyBKT's. pyBKT reports it truncated to an
    # integer, so its parameters are scored with the exact forward pass.
    reference_log_likelihood = bkt_log_likelihood(log, theirs)
    for fitted, reference in zip(ours, reference_log_likelihood, strict=True):
        assert fitted.log_likelihood == pytest.approx(reference, rel=1e-3)
        assert fitted.log_likelihood >= reference - 1e-6  # never a worse optimum
