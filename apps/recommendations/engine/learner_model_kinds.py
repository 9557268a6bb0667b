"""The three next-answer predictors behind one interface, for the research commands.

- `bkt`: standard BKT per skill (no forgetting), `bkt_fit.fit_bkt_skills`;
- `bkt-forgets`: BKT with a fitted forget rate per skill;
- `combined`: the HMM + logistic model of `learner_model`.

A fitted model is a JSON document whose "model" key names its kind; prediction dispatches on
it. A skill the fit never saw gets default parameters (for BKT the answer-weighted mean of the
fitted skills' parameters, for the combined model the pooled HMM), an unseen item an easiness
of 0; every row says which it got.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.arrays import FloatArray
from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.bkt_fit import BktBounds, BktFitOptions, fit_bkt_skills
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.csvio import EngineInputError
from apps.recommendations.engine.learner_model import (
    LearnerModelOptions,
    fit_learner_model,
    replay_learner_model,
)
from apps.recommendations.engine.learner_model_json import (
    COMBINED_MODEL,
    FORMAT_VERSION,
    learner_model_from_json,
    learner_model_to_json,
)
from apps.recommendations.engine.learner_model_logistic import P_BOUNDS

BKT_MODELS = ("bkt", "bkt-forgets")
# pyBKT leaves guess and slip unbounded, and on easy skills fits guesses of 0.4-0.5: the
# engine's default cap of 0.3 (kept for the live model) cost 0.007 AUC against pyBKT on such
# a simulated log. These bounds still keep guess + slip < 1 (a right answer is evidence of
# knowing) and matched pyBKT's AUC there within 0.001.
RESEARCH_BKT_BOUNDS = BktBounds(guess=(0.001, 0.6), slip=(0.001, 0.39))
MODEL_KINDS = (*BKT_MODELS, COMBINED_MODEL)
_BKT_NAMES = ("prior", "learn", "guess", "slip", "forget")


@dataclass(frozen=True, eq=False, slots=True)
class ModelPrediction:
    p_correct: FloatArray  # [row], each from the rows before it on the same (learner, skill)
    params_used: npt.NDArray[np.str_]  # [row] fitted, default_skill, default_item, ...


def _training_summary(answers: AnswerLog) -> dict[str, Any]:
    return {
        "answers": answers.size,
        "learners": len(answers.learner_names),
        "skills": len(answers.skill_names),
        "items": len(answers.item_names),
        "timestamps": answers.has_times,
    }


def _fit_bkt(kind: str, answers: AnswerLog, restarts: int, seed: int) -> dict[str, Any]:
    options = BktFitOptions(
        fit_forget=kind == "bkt-forgets",
        restarts=restarts,
        seed=seed,
        bounds=RESEARCH_BKT_BOUNDS,
    )
    fits = fit_bkt_skills(answers.response_log(), options)
    counts = np.array([fit.response_count for fit in fits], dtype=np.float64)
    weights = counts / counts.sum()
    default = {
        name: float(
            sum(w * getattr(fit.params, name) for w, fit in zip(weights, fits, strict=True))
        )
        for name in _BKT_NAMES
    }
    skills = {
        name: {**fit.params.as_dict(), "count": fit.response_count}
        for name, fit in zip(answers.skill_names, fits, strict=True)
    }
    return {"model": kind, "version": FORMAT_VERSION, "skills": skills, "default": default}


def fit_model(
    kind: str,
    answers: AnswerLog,
    *,
    restarts: int = 5,
    seed: int = 0,
    options: LearnerModelOptions | None = None,
) -> dict[str, Any]:
    """Fit `kind` on the log; the JSON-able document `predict_with_model` reads."""
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model {kind!r}: use one of {', '.join(MODEL_KINDS)}")
    if kind in BKT_MODELS:
        document = _fit_bkt(kind, answers, restarts, seed)
    else:
        document = learner_model_to_json(fit_learner_model(answers, options))
    document["training"] = _training_summary(answers)
    return document


def _bkt_params(values: Any, where: str) -> BktParams:
    if not isinstance(values, Mapping):
        raise ValueError(f"{where}: expected an object of BKT parameters")
    try:
        return BktParams(**{name: float(values.get(name, 0.0)) for name in _BKT_NAMES})
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None


def _labels(
    skill_fitted: npt.NDArray[np.bool_], item_unseen: npt.NDArray[np.bool_]
) -> npt.NDArray[np.str_]:
    table = np.array(["fitted", "default_item", "default_skill", "default_skill_item"])
    return table[2 * (~skill_fitted).astype(np.int64) + item_unseen.astype(np.int64)]


def _predict_bkt(document: Mapping[str, Any], answers: AnswerLog) -> ModelPrediction:
    skills = document.get("skills")
    if not isinstance(skills, Mapping):
        raise ValueError('expected "skills": {skill: {prior, learn, guess, slip, forget}}')
    default = _bkt_params(document.get("default"), "default")
    fitted = np.array([name in skills for name in answers.skill_names], dtype=np.bool_)
    params = [
        _bkt_params(skills[name], f"skill {name!r}") if name in skills else default
        for name in answers.skill_names
    ]
    replay = replay_bkt(answers.response_log(), params)
    p = np.clip(replay.p_correct, *P_BOUNDS)
    return ModelPrediction(
        p_correct=p,
        params_used=_labels(fitted[answers.skill], np.zeros(answers.size, dtype=np.bool_)),
    )


def predict_with_model(document: Mapping[str, Any], answers: AnswerLog) -> ModelPrediction:
    """Predict every row of `answers` with a fitted document (ValueError if it is malformed)."""
    kind = document.get("model")
    if kind in BKT_MODELS:
        return _predict_bkt(document, answers)
    if kind != COMBINED_MODEL:
        raise ValueError(f"unknown model {kind!r}: expected one of {', '.join(MODEL_KINDS)}")
    try:
        params = learner_model_from_json(document)
    except (KeyError, TypeError) as error:
        raise ValueError(f"malformed combined model ({error!r})") from None
    replay = replay_learner_model(params, answers)
    item_unseen = (answers.item >= 0) & ~replay.item_fitted
    return ModelPrediction(
        p_correct=replay.p_correct, params_used=_labels(replay.skill_fitted, item_unseen)
    )


def read_model_document(path: str | Path) -> dict[str, Any]:
    """The JSON that `fit_model` wrote (as printed by the fit command)."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise EngineInputError(path, "file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EngineInputError(path, f"not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("model") not in MODEL_KINDS:
        raise EngineInputError(
            path, f'expected an object with "model": one of {", ".join(MODEL_KINDS)}'
        )
    return document
