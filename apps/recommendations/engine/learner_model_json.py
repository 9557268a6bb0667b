"""The combined model's parameters as a JSON-able dict, and back (with checks).

{"model": "combined", "version": 1, "n_states": 4, "uses_time": false, "uses_irt": false,
 "item_penalty": 3.0,
 "hmm": {"skills": {name: {"start": [...], "transition": [[...]], "emission": [...]}},
         "default": {...the pooled HMM, used for unseen skills...}},
 "layer": {"features": [...], "mean": [...], "scale": [...], "low": [...], "high": [...],
               "weights": [...],
           "intercept": x, "items": {name: easiness}}}
"""

from collections.abc import Mapping
from typing import Any

import numpy as np

from apps.recommendations.engine.hmm_skill import HmmParams
from apps.recommendations.engine.learner_model import LearnerModelParams
from apps.recommendations.engine.learner_model_logistic import LogisticLayer

COMBINED_MODEL = "combined"
FORMAT_VERSION = 1


def learner_model_to_json(params: LearnerModelParams) -> dict[str, Any]:
    hmm = params.hmm
    layer = params.layer
    return {
        "model": COMBINED_MODEL,
        "version": FORMAT_VERSION,
        "n_states": hmm.n_states,
        "uses_time": params.uses_time,
        "uses_irt": params.uses_irt,
        "item_penalty": params.item_penalty,
        "hmm": {
            "skills": {
                name: hmm.group_as_json(index) for index, name in enumerate(params.skill_names)
            },
            "default": hmm.group_as_json(hmm.pooled_group),
        },
        "layer": {
            "features": list(params.feature_names),
            "mean": layer.mean.tolist(),
            "scale": layer.scale.tolist(),
            "low": layer.low.tolist(),
            "high": layer.high.tolist(),
            "weights": layer.weights.tolist(),
            "intercept": layer.intercept,
            "items": dict(zip(params.item_names, layer.item_effect.tolist(), strict=True)),
        },
    }


def _floats(values: Any, name: str, length: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (length,) or not np.all(np.isfinite(array)):
        raise ValueError(f"layer {name!r} must be {length} finite numbers")
    return array


def learner_model_from_json(document: Mapping[str, Any]) -> LearnerModelParams:
    """Raises ValueError (or KeyError, TypeError) with a message for a malformed document."""
    if document.get("model") != COMBINED_MODEL:
        raise ValueError(f"not a combined model (model = {document.get('model')!r})")
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(f"unsupported version {document.get('version')!r}")
    hmm_part, layer_part = document["hmm"], document["layer"]
    skills = hmm_part["skills"]
    if not isinstance(skills, Mapping):
        raise ValueError("hmm.skills must be an object")
    skill_names = tuple(str(name) for name in skills)
    hmm = HmmParams.from_json_groups([*skills.values(), hmm_part["default"]])
    if hmm.n_states != int(document["n_states"]):
        raise ValueError("n_states does not match the HMM parameters")
    items = layer_part["items"]
    if not isinstance(items, Mapping):
        raise ValueError("layer.items must be an object")
    n_features = len(layer_part["features"])
    layer = LogisticLayer(
        mean=_floats(layer_part["mean"], "mean", n_features),
        scale=_floats(layer_part["scale"], "scale", n_features),
        low=_floats(layer_part["low"], "low", n_features),
        high=_floats(layer_part["high"], "high", n_features),
        weights=_floats(layer_part["weights"], "weights", n_features),
        intercept=float(layer_part["intercept"]),
        item_effect=_floats(list(items.values()), "items", len(items)),
    )
    params = LearnerModelParams(
        skill_names=skill_names,
        item_names=tuple(str(name) for name in items),
        hmm=hmm,
        layer=layer,
        uses_time=bool(document["uses_time"]),
        uses_irt=bool(document["uses_irt"]),
        item_penalty=float(document["item_penalty"]),
    )
    if list(params.feature_names) != list(layer_part["features"]):
        raise ValueError("layer.features do not match this version's features")
    return params
