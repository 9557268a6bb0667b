"""Reading the CLI's CSV and JSON inputs, and the errors that name the file, row and column."""

import json
from pathlib import Path

import numpy as np
import pytest

from apps.recommendations.engine.csvio import (
    EngineInputError,
    read_bkt_params,
    read_response_log,
    read_response_table,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_log_with_header_keeps_the_row_order(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", "learner,skill,correct\nzoe,add,1\namy,add,0\nzoe,sub,1\n")
    log = read_response_log(path)
    assert log.learner_names == ("amy", "zoe")
    assert log.learner.tolist() == [1, 0, 1]
    assert log.skill.tolist() == [0, 0, 1]
    assert log.correct.tolist() == [True, False, True]


def test_log_without_header_and_with_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "log.csv", "zoe,add,1\n\namy,add,0\n")
    assert read_response_log(path).correct.tolist() == [True, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no rows"),
        ("learner,skill,correct\n", "no rows after the header"),
        ("who,what,ok\nzoe,add,1\n", "row 1: bad header 'who,what,ok'"),
        ("zoe,add,1\namy,add,2\n", "row 2, column 'correct': expected 0 or 1, found '2'"),
        ("zoe,add,1\namy,add\n", "row 2: expected 3 fields, found 2"),
        ("zoe,add,1\n,add,0\n", "row 2, column 'learner': empty value"),
    ],
)
def test_bad_logs_name_the_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "log.csv", text)
    with pytest.raises(EngineInputError) as caught:
        read_response_log(path)
    assert str(caught.value).startswith(f"{path}, {message}") or str(caught.value) == (
        f"{path}: {message}"
    )


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(EngineInputError, match=r"missing\.csv: file not found"):
        read_response_log(tmp_path / "missing.csv")


def test_table_with_item_header_and_blanks(tmp_path: Path) -> None:
    path = write(tmp_path, "table.csv", '"Q1","Q2","Q3"\n1,,0\n0,1,NA\n')
    table = read_response_table(path)
    assert table.item_names == ("Q1", "Q2", "Q3")
    np.testing.assert_array_equal(table.values, [[1, np.nan, 0], [0, 1, np.nan]])


def test_table_without_header_gets_numbered_items(tmp_path: Path) -> None:
    table = read_response_table(write(tmp_path, "table.csv", "1,0\n0,1\n"))
    assert table.item_names == ("item1", "item2")


def test_table_with_a_bad_value_names_the_item(tmp_path: Path) -> None:
    path = write(tmp_path, "table.csv", "Q1,Q2\n1,0\n1,yes\n")
    with pytest.raises(EngineInputError) as caught:
        read_response_table(path)
    assert str(caught.value) == f"{path}, row 3, column 'Q2': expected 0, 1 or blank, found 'yes'"


def test_bkt_params_from_fit_output(tmp_path: Path) -> None:
    document = {"skills": {"add": {"prior": 0.3, "learn": 0.1, "guess": 0.2, "slip": 0.1}}}
    params = read_bkt_params(write(tmp_path, "p.json", json.dumps(document)))
    assert params["add"].forget == 0.0
    assert params["add"].learn == 0.1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"skills": {"add": {"prior": 0.3}}}', "skill 'add': missing parameter 'learn'"),
        (
            '{"skills": {"add": {"prior": 3, "learn": 0.1, "guess": 0.2, "slip": 0.1}}}',
            "skill 'add': BKT prior must be within",
        ),
        ("[]", "expected"),
    ],
)
def test_bad_params_files(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(EngineInputError, match=message):
        read_bkt_params(write(tmp_path, "p.json", text))


def test_written_log_reads_back_the_same(tmp_path: Path) -> None:
    from apps.recommendations.engine.bkt import BktParams
    from apps.recommendations.engine.csvio import write_response_log
    from apps.recommendations.engine.simulate import simulate_bkt

    log = simulate_bkt(params=(BktParams(0.3, 0.1, 0.2, 0.1),) * 2, n_learners=12, max_length=4)
    path = tmp_path / "log.csv"
    with path.open("w", newline="") as handle:
        write_response_log(handle, log)
    again = read_response_log(path)

    def labels(names: tuple[str, ...], codes: np.ndarray) -> list[str]:
        return [names[code] for code in codes]

    assert labels(again.learner_names, again.learner) == labels(log.learner_names, log.learner)
    assert labels(again.skill_names, again.skill) == labels(log.skill_names, log.skill)
    assert again.correct.tolist() == log.correct.tolist()
