"""The answer path's one-response EAP equals the general estimator on the same response."""

import numpy as np
import pytest

from apps.recommendations.engine.ability import eap_after_answer, estimate_eap
from apps.recommendations.engine.irt import ItemBank


@pytest.mark.parametrize("correct", [True, False])
@pytest.mark.parametrize(
    ("mean", "sd", "a", "b", "c"),
    [(0.0, 1.0, 1.0, 0.0, 0.0), (1.7, 0.3, 2.2, -1.5, 0.25), (-2.5, 0.05, 0.4, 3.0, 0.2)],
)
def test_one_answer_eap_matches_the_general_estimator(mean, sd, a, b, c, correct):
    general = estimate_eap(
        [1.0 if correct else 0.0],
        ItemBank.from_arrays(a=[a], b=[b], c=[c]),
        prior_mean=mean,
        prior_sd=sd,
    )
    theta, standard_error = eap_after_answer(
        prior_mean=mean, prior_sd=sd, a=a, b=b, c=c, correct=correct
    )
    assert theta == pytest.approx(general.theta, abs=1e-12)
    assert standard_error == pytest.approx(general.standard_error, abs=1e-12)
    assert np.isfinite(theta)
    assert standard_error > 0
