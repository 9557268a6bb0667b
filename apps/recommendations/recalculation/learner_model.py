"""The nightly refit of a course's next-answer predictor (``engine.learner_model``), and the
states it gives each (learner, skill) pair.

The model's answer log is the BKT log (`CourseResponses.skill_log`: responses in time order,
one row per skill of the answered item) with each row's item and time, named as the live
system names them (``engine.success``: skills and items by their id as text; learners too).
It is fitted without the IRT shift, like the live model.

Minimum evidence: 200 rows of that log from at least 20 learners (the BKT refit's per-skill
threshold, here for the whole course: the HMM of a skill with little data is pulled towards the
pooled one). Below it the course keeps the fit it has (none, for a new course). Every learner
enters the fit; `fit_learner_model` holds some of them out itself to choose the item penalty.

A fit relabels the HMM's states, so a stored state only means something under the parameters it
was filtered with: after a refit the run rebuilds every learner of the course (`rebuild`), with
`model_states` replaying the same log through the parameters in force.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max

from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.arrays import IntArray
from apps.recommendations.engine.learner_model import (
    LearnerModelOptions,
    LearnerModelParams,
    LearnerModelReplay,
    SkillState,
    fit_learner_model,
    replay_learner_model,
)
from apps.recommendations.engine.learner_model_json import learner_model_to_json
from apps.recommendations.engine.sequences import ResponseLog
from apps.recommendations.engine.success import item_name, skill_name
from apps.recommendations.models import LearnerModelFit
from apps.recommendations.recalculation.log import CourseResponses, CourseStructure
from apps.recommendations.recalculation.runs import recalculation_lock_refresh
from apps.recommendations.snapshot import active_learner_model

MIN_MODEL_ANSWERS = 200
MIN_MODEL_LEARNERS = 20
MODEL_OPTIONS = LearnerModelOptions()  # seeded: a rerun on the same log gives the same fit
MICROSECONDS = 1e6


@dataclass(frozen=True, slots=True)
class LearnerModelRefit:
    params: LearnerModelParams | None  # in force after the phase: the new fit, or the kept one
    fitted: bool  # this run stored the active fit (now, or in an earlier try of the same task)
    version: int  # of the active fit, 0 when there is none
    counts: dict[str, int] = field(default_factory=dict)


def answer_log_of(
    structure: CourseStructure,
    responses: CourseResponses,
    log: ResponseLog,
    response_of_row: IntArray,
) -> AnswerLog:
    """The model's log from the BKT log of `responses` (what `skill_log` returns): the same
    rows and codes, so its (learner, skill) sequences are numbered as the BKT replay's."""
    return AnswerLog(
        learner=log.learner,
        skill=log.skill,
        correct=log.correct,
        item=responses.item_code[response_of_row],
        seconds=responses.created_us[response_of_row] / MICROSECONDS,
        learner_names=log.learner_names,
        skill_names=tuple(skill_name(int(skill_id)) for skill_id in structure.skill_ids),
        item_names=tuple(item_name(int(item_id)) for item_id in structure.item_ids),
    )


def course_answer_log(structure: CourseStructure, responses: CourseResponses) -> AnswerLog:
    log, response_of_row, _ = responses.skill_log(structure)
    return answer_log_of(structure, responses, log, response_of_row)


@dataclass(frozen=True, eq=False, slots=True)
class ModelStates:
    """The state after each (learner, skill) sequence's last answer, as `final_skill_states`
    gives it; turned into JSON one sequence at a time, as the rebuild writes a batch (a dict
    per pair of a whole course at once would take gigabytes)."""

    replay: LearnerModelReplay
    skill_names: tuple[str, ...]

    def as_json(self, sequence: int) -> dict[str, Any]:
        skill = self.skill_names[int(self.replay.sequence_skill[sequence])]
        return SkillState.from_arrays(skill, self.replay.final_state, sequence).as_json()


def model_states(params: LearnerModelParams, answers: AnswerLog) -> ModelStates:
    return ModelStates(
        replay=replay_learner_model(params, answers), skill_names=answers.skill_names
    )


def _active_version(course_id: int) -> int:
    active = LearnerModelFit.objects.filter(course_id=course_id, is_active=True).first()
    return 0 if active is None else active.version


def learner_model_refit(
    *,
    structure: CourseStructure,
    responses: CourseResponses,
    run_id: int | None,
    refit: bool,
) -> LearnerModelRefit:
    """Fit the course's model on its whole log and store it as the active version, when
    `refit` (new answers, or a full run) and there is enough evidence; otherwise keep the fit
    in force (`structure.learner_model`, None before the first fit)."""
    answers = course_answer_log(structure, responses)
    n_learners = len(answers.learner_names)
    version = _active_version(structure.course_id)
    counts = {
        "learner_model_answers": answers.size,
        "learner_model_learners": n_learners,
        "learner_model_fitted": 0,
        "learner_model_too_few_answers": 0,
        "learner_model_version": version,
    }
    stored = LearnerModelFit.objects.filter(course_id=structure.course_id, run_id=run_id)
    if run_id is not None and stored.exists():
        # A retried task does not refit what this run stored: that fit is the one in force.
        counts["learner_model_fitted"] = 1
        return LearnerModelRefit(structure.learner_model, True, version, counts)
    if refit and (answers.size < MIN_MODEL_ANSWERS or n_learners < MIN_MODEL_LEARNERS):
        counts["learner_model_too_few_answers"] = 1
    if not refit or counts["learner_model_too_few_answers"]:
        return LearnerModelRefit(structure.learner_model, False, version, counts)
    fit = fit_learner_model(answers, MODEL_OPTIONS)
    version = _store_fit(structure.course_id, fit, answers.size, n_learners, run_id)
    counts["learner_model_fitted"], counts["learner_model_version"] = 1, version
    # The states are rebuilt with the parameters as the answer path reads them back, which
    # renormalises the HMM's rows: the last bits differ from the fit's own arrays.
    params = active_learner_model(structure.course_id)
    return LearnerModelRefit(params=params, fitted=True, version=version, counts=counts)


@transaction.atomic
def _store_fit(
    course_id: int,
    params: LearnerModelParams,
    n_answers: int,
    n_learners: int,
    run_id: int | None,
) -> int:
    """Store `params` as the course's new active version (the others deactivated)."""
    if run_id is not None:
        recalculation_lock_refresh(run_id=run_id)  # a taken-over run writes nothing more
    latest = LearnerModelFit.objects.filter(course_id=course_id).aggregate(top=Max("version"))
    version = int(latest["top"] or 0) + 1
    LearnerModelFit.objects.filter(course_id=course_id, is_active=True).update(is_active=False)
    LearnerModelFit.objects.create(
        course_id=course_id,
        version=version,
        is_active=True,
        params=learner_model_to_json(params),
        n_answers=n_answers,
        n_learners=n_learners,
        run_id=run_id,
    )
    return version
