"""JSON-able summaries of fitted models, as the command-line entry points print them.

NaN (a standard error that cannot be estimated) becomes null: strict JSON has no NaN.
"""

import math
from collections.abc import Sequence
from typing import Any

from apps.recommendations.engine.bkt_fit_types import BktSkillFit
from apps.recommendations.engine.irt_calibrate import CalibrationResult


def _number(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else round(float(value), 6)


def bkt_fit_report(skill_names: Sequence[str], fits: Sequence[BktSkillFit]) -> dict[str, Any]:
    """{"skills": {name: {prior, learn, guess, slip, forget, log_likelihood, count, ...}}}.

    "fallback" is null for a fitted skill; otherwise it says why the skill could not be fitted
    and its parameters are the fallback ones (`BktFitOptions.fallback_params`).
    """
    skills: dict[str, Any] = {}
    for name, fit in zip(skill_names, fits, strict=True):
        skills[name] = {
            **{key: _number(value) for key, value in fit.params.as_dict().items()},
            "log_likelihood": _number(fit.log_likelihood),
            "count": fit.response_count,
            "sequences": fit.sequence_count,
            "standard_errors": {
                key: _number(value) for key, value in fit.standard_errors.as_dict().items()
            },
            "iterations": fit.iterations,
            "converged": fit.converged,
            "fallback": fit.fallback,
        }
    return {"model": "bkt", "skills": skills}


def calibration_report(item_names: Sequence[str], result: CalibrationResult) -> dict[str, Any]:
    """{"model", "log_likelihood", "persons", "items": {name: {a, b, c, d, se, count}}}."""
    items = result.items
    per_item: dict[str, Any] = {}
    for index, name in enumerate(item_names):
        per_item[name] = {
            "a": _number(items.a[index]),
            "b": _number(items.b[index]),
            "c": _number(items.c[index]),
            "d": _number(items.d[index]),
            "standard_errors": {
                "a": _number(items.se_a[index]),
                "b": _number(items.se_b[index]),
                "c": _number(items.se_c[index]),
                "d": _number(items.se_d[index]),
            },
            "count": int(items.response_count[index]),
        }
    return {
        "model": result.model,
        "log_likelihood": _number(result.log_likelihood),
        "persons": result.person_count,
        "iterations": result.iterations,
        "converged": result.converged,
        "items": per_item,
    }
