"""'Mastery over time' for learners whose answers never went through the hot path.

The hot path stores how each answer moved each tagged skill on the answer's row
(``ItemResponse.mastery_changes``) as it grades. Simulated histories are inserted straight into
the response log, so their changes are replayed here in one vectorised pass instead, with the
skills' parameters in force: the same numbers the hot path would have stored for the same
answers (the replay matches `bkt_update` row by row), written back in bulk UPDATEs.
"""

import json
from collections.abc import Sequence

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field

from apps.assessments.models import ItemResponse
from apps.curriculum.models import Course
from apps.recommendations.answer_log import MasteryStep, mastery_changes_json
from apps.recommendations.engine.arrays import FloatArray, IntArray
from apps.recommendations.engine.bkt_replay import replay_bkt
from apps.recommendations.engine.sequences import sequence_ids
from apps.recommendations.recalculation.log import course_responses_load, course_structure_load
from apps.recommendations.recalculation.rebuild import (
    evidence_responses,
    posterior_after_each,
    sequence_runs,
)

ROWS_PER_STATEMENT = 5000  # responses per UPDATE (PostgreSQL) or executemany (SQLite)
NO_CHANGE = json.dumps(mastery_changes_json([]))  # a repeat moves no skill


def mastery_history_replay(*, course: Course, learner_ids: Sequence[int]) -> int:
    """Store the mastery changes of every answer of `learner_ids` in `course`; returns how
    many (answer, skill) changes. Meant for learners with no history yet: what their answers
    carried is replaced, not merged."""
    ids = sorted(set(learner_ids))
    structure = course_structure_load(course_id=course.pk)
    answers = course_responses_load(structure=structure, learner_ids=ids)
    # Repeats change no skill on the answer path, so they keep an empty list here too.
    responses = evidence_responses(structure, answers)
    log, response_of_row, _ = responses.skill_log(structure)
    stored = dict.fromkeys(answers.response_id.tolist(), NO_CHANGE)
    if log.size == 0:
        _store(stored)
        return 0
    replay = replay_bkt(log, structure.params)
    sequence_of_row, _ = sequence_ids(log.learner, log.skill)
    order, _, ends = sequence_runs(sequence_of_row)
    changes = _changes_by_response(
        response_id=responses.response_id[response_of_row[order]],
        skill_id=structure.skill_ids[log.skill[order]],
        before=replay.p_known_before[order],
        after=posterior_after_each(replay, order, ends),
    )
    stored.update(changes)
    _store(stored)
    return len(order)


def _changes_by_response(
    *, response_id: IntArray, skill_id: IntArray, before: FloatArray, after: FloatArray
) -> dict[int, str]:
    """The JSON of each response's changes, skills by id (one row per response and skill)."""
    rows = np.lexsort((skill_id, response_id))
    response_id, skill_id = response_id[rows], skill_id[rows]
    starts = np.flatnonzero(np.r_[True, response_id[1:] != response_id[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    steps = [
        MasteryStep(skill, p_before, p_after)
        for skill, p_before, p_after in zip(
            skill_id.tolist(), before[rows].tolist(), after[rows].tolist(), strict=True
        )
    ]
    return {
        response: json.dumps(mastery_changes_json(steps[start:end]))
        for response, start, end in zip(
            response_id[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
        )
    }


def _column(name: str) -> str:
    field = ItemResponse._meta.get_field(name)
    assert isinstance(field, Field)  # concrete fields only
    assert field.column is not None
    return field.column


def _store(changes: dict[int, str]) -> None:
    """UPDATE each response's ``mastery_changes`` to its JSON text: on PostgreSQL one statement
    per chunk (a column array each, as ``sql.insert_rows``), on SQLite ``executemany``."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table = quote(ItemResponse._meta.db_table)
    column, key = quote(_column("mastery_changes")), quote(_column("id"))
    # Safe (bandit B608): identifiers from the model's metadata only, values are parameters.
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} SET {column} = changed.value "  # noqa: S608  # nosec B608
            f"FROM unnest(%s::bigint[], %s::jsonb[]) AS changed(id, value) "
            f"WHERE {table}.{key} = changed.id"
        )
    else:
        sql = f"UPDATE {table} SET {column} = %s WHERE {key} = %s"  # noqa: S608  # nosec B608
    rows = list(changes.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = rows[start : start + ROWS_PER_STATEMENT]
            if connection.vendor == "postgresql":
                cursor.execute(sql, [[pk for pk, _ in batch], [text for _, text in batch]])
            else:
                cursor.executemany(sql, [(text, pk) for pk, text in batch])
