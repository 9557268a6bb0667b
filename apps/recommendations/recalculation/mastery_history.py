"""'Mastery over time' for learners whose answers never went through the hot path.

The hot path writes one MasteryChange per (answer, tagged skill) as it grades. Simulated
histories are inserted straight into the response log, so their changes are replayed here in
one vectorised pass instead, with the skills' parameters in force: the same numbers the hot path
would have written for the same answers (the replay matches `bkt_update` row by row).
"""

from collections.abc import Sequence

from apps.curriculum.models import Course
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.sequences import sequence_ids
from apps.recommendations.models import MasteryChange
from apps.recommendations.recalculation.log import course_responses_load, course_structure_load
from apps.recommendations.recalculation.rebuild import (
    evidence_responses,
    posterior_after_each,
    sequence_runs,
)
from apps.recommendations.recalculation.sql import from_microseconds, insert_rows

INSERT_CHUNK = 10_000  # rows prepared in memory at a time
FIELDS = ["response", "learner", "skill", "p_before", "p_after", "created_at"]


def mastery_history_replay(*, course: Course, learner_ids: Sequence[int]) -> int:
    """Write the MasteryChange rows of every answer of `learner_ids` in `course`; returns how
    many. Meant for learners with no history yet: existing rows are replaced, not merged."""
    ids = sorted(set(learner_ids))
    MasteryChange.objects.filter(learner_id__in=ids, skill__course=course).delete()
    structure = course_structure_load(course_id=course.pk)
    # Repeats change no skill on the answer path, so they have no MasteryChange here either.
    responses = evidence_responses(
        structure, course_responses_load(structure=structure, learner_ids=ids)
    )
    log, response_of_row, learner_of_code = responses.skill_log(structure)
    if log.size == 0:
        return 0
    replay = replay_bkt(log, structure.params)
    sequence_of_row, _ = sequence_ids(log.learner, log.skill)
    order, _, ends = sequence_runs(sequence_of_row)
    response = response_of_row[order]
    columns = (
        responses.response_id[response],
        learner_of_code[log.learner[order]],
        structure.skill_ids[log.skill[order]],
        replay.p_known_before[order],
        posterior_after_each(replay, order, ends),
        responses.created_us[response],
    )
    written = 0
    for start in range(0, len(order), INSERT_CHUNK):
        chunk = [column[start : start + INSERT_CHUNK].tolist() for column in columns]
        written += insert_rows(
            MasteryChange,
            FIELDS,
            (
                (response_id, learner, skill, before, after, from_microseconds(created))
                for response_id, learner, skill, before, after, created in zip(*chunk, strict=True)
            ),
        )
    return written
