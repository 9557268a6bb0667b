"""The engine's management commands, driven through call_command (no database needed)."""

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from apps.recommendations.engine.bkt import BktParams
from apps.recommendations.engine.course import DEFAULT_BKT
from apps.recommendations.engine.simulate import simulate_bkt

DATA = Path(__file__).parent / "data"


def run(*args: str) -> str:
    return run_with_stderr(*args)[0]


def run_with_stderr(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def log_csv(tmp_path: Path) -> Path:
    log = simulate_bkt(
        params=(BktParams(0.3, 0.15, 0.2, 0.1), BktParams(0.5, 0.1, 0.25, 0.05)),
        n_learners=300,
        max_length=12,
        seed=1,
    )
    path = tmp_path / "log.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "skill", "correct"])
        for learner, skill, correct in zip(log.learner, log.skill, log.correct, strict=True):
            writer.writerow([log.learner_names[learner], log.skill_names[skill], int(correct)])
    return path


def test_fit_bkt_prints_parameters_per_skill(log_csv: Path) -> None:
    report = json.loads(run("fit_bkt", "--csv", str(log_csv)))
    assert sorted(report["skills"]) == ["skill0", "skill1"]
    skill = report["skills"]["skill0"]
    assert set(skill) >= {"prior", "learn", "guess", "slip", "forget", "log_likelihood", "count"}
    assert skill["count"] == 3600
    assert skill["forget"] == 0.0
    assert skill["standard_errors"]["forget"] is None
    assert skill["learn"] == pytest.approx(0.15, abs=0.04)
    assert skill["log_likelihood"] < 0


def test_fit_bkt_with_forgets_fits_a_forget_rate(log_csv: Path) -> None:
    without = json.loads(run("fit_bkt", "--csv", str(log_csv)))["skills"]
    with_forgets = json.loads(run("fit_bkt", "--csv", str(log_csv), "--forgets"))["skills"]
    for name, skill in with_forgets.items():
        # a free forget rate can only fit at least as well as one held at 0
        assert skill["log_likelihood"] >= without[name]["log_likelihood"] - 1e-6
        assert 0.0 <= skill["forget"] <= 0.5


def test_predict_bkt_gives_each_row_its_probability(log_csv: Path, tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(run("fit_bkt", "--csv", str(log_csv)))
    rows = list(
        csv.DictReader(
            io.StringIO(run("predict_bkt", "--params", str(params), "--csv", str(log_csv)))
        )
    )
    assert len(rows) == 7200
    assert list(rows[0]) == ["learner", "skill", "correct", "p", "params"]
    assert {row["params"] for row in rows} == {"fitted"}
    skill0 = json.loads(params.read_text())["skills"]["skill0"]
    first = rows[0]
    # the first answer of a learner is predicted from the prior alone
    expected = skill0["prior"] * (1 - skill0["slip"]) + (1 - skill0["prior"]) * skill0["guess"]
    assert float(first["p"]) == pytest.approx(expected, abs=1e-5)
    p = np.array([float(row["p"]) for row in rows])
    assert np.all((p > 0) & (p < 1))


def test_predict_bkt_json_lines(log_csv: Path, tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(run("fit_bkt", "--csv", str(log_csv)))
    lines = run("predict_bkt", "--params", str(params), "--csv", str(log_csv), "--format", "jsonl")
    first = json.loads(lines.splitlines()[0])
    assert set(first) == {"learner", "skill", "correct", "p", "params"}
    assert first["params"] == "fitted"


def test_predict_bkt_predicts_a_skill_without_parameters_with_the_defaults(
    log_csv: Path, tmp_path: Path
) -> None:
    # given parameters for skill0 only
    params = tmp_path / "params.json"
    params.write_text(
        '{"skills": {"skill0": {"prior": 0.3, "learn": 0.1, "guess": 0.2, "slip": 0.1}}}'
    )
    # when predicting a log of both skills
    out, err = run_with_stderr("predict_bkt", "--params", str(params), "--csv", str(log_csv))
    rows = list(csv.DictReader(io.StringIO(out)))
    # then every row is predicted, skill1's with the defaults and flagged so
    assert len(rows) == 7200
    assert {row["skill"]: row["params"] for row in rows} == {
        "skill0": "fitted",
        "skill1": "default",
    }
    first = next(row for row in rows if row["skill"] == "skill1")
    default = (
        DEFAULT_BKT.prior * (1 - DEFAULT_BKT.slip) + (1 - DEFAULT_BKT.prior) * DEFAULT_BKT.guess
    )
    assert float(first["p"]) == pytest.approx(default, abs=1e-6)
    # and stderr names the skill
    assert err.startswith("1 of 2 skills have no fitted parameters")
    assert f"skill1 (not in {params}, 3600 rows)" in err


def test_fit_bkt_reports_a_skill_it_could_not_fit_and_predict_bkt_flags_it(
    log_csv: Path, tmp_path: Path
) -> None:
    # given a log with one more skill, answered right every time
    with log_csv.open("a") as handle:
        handle.writelines(f"learner{n},easy,1\n" for n in range(5))
    # when fitting
    out, err = run_with_stderr("fit_bkt", "--csv", str(log_csv))
    report = json.loads(out)["skills"]
    # then that skill has the defaults and says why; the others are fitted
    assert report["easy"]["fallback"] == "all answers correct"
    assert {key: report["easy"][key] for key in DEFAULT_BKT.as_dict()} == DEFAULT_BKT.as_dict()
    assert report["easy"]["converged"] is False
    assert set(report["easy"]["standard_errors"].values()) == {None}
    assert report["skill0"]["fallback"] is None
    assert "1 of 3 skills could not be fitted" in err
    assert "easy (all answers correct)" in err
    # and predicting with that output flags its rows as predicted from defaults
    params = tmp_path / "params.json"
    params.write_text(out)
    out, err = run_with_stderr("predict_bkt", "--params", str(params), "--csv", str(log_csv))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["params"] for row in rows if row["skill"] == "easy"} == {"default"}
    assert {row["params"] for row in rows if row["skill"] != "easy"} == {"fitted"}
    assert "easy (fit fell back: all answers correct, 5 rows)" in err


def test_calibrate_irt_on_lsat7_matches_mirt() -> None:
    report = json.loads(run("calibrate_irt", "--csv", str(DATA / "lsat7.csv"), "--model", "2pl"))
    assert report["log_likelihood"] == pytest.approx(-2658.805, abs=0.01)
    assert [report["items"][f"Q{i}"]["a"] for i in range(1, 6)] == pytest.approx(
        [0.9879, 1.0809, 1.7058, 0.7652, 0.7358], abs=0.01
    )
    assert report["items"]["Q1"]["c"] == 0.0
    assert report["items"]["Q1"]["count"] == 1000


def test_calibrate_irt_three_pl_reports_guessing() -> None:
    report = json.loads(run("calibrate_irt", "--csv", str(DATA / "lsat7.csv"), "--model", "3pl"))
    assert report["model"] == "3pl"
    assert all(0.0 <= item["c"] <= 0.35 for item in report["items"].values())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fit_bkt", "--csv", "/no/such/file.csv"), "/no/such/file.csv: file not found"),
        (("calibrate_irt", "--csv", "/no/such/t.csv"), "/no/such/t.csv: file not found"),
        (("predict_bkt", "--params", "/no/p.json", "--csv", "x.csv"), "/no/p.json: file not found"),
        (
            ("calibrate_irt", "--csv", str(DATA / "lsat7.csv"), "--model", "4pl"),
            "unknown --model '4pl'",
        ),
    ],
)
def test_bad_arguments_give_a_command_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_bad_rows_are_named(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("learner,skill,correct\nann,add,1\nbob,add,yes\n")
    with pytest.raises(
        CommandError, match=r"row 3, column 'correct': expected 0 or 1, found 'yes'"
    ):
        run("fit_bkt", "--csv", str(log))
    table = tmp_path / "table.csv"
    table.write_text("Q1,Q2\n1,0\n0,2\n")
    with pytest.raises(CommandError, match=r"row 3, column 'Q2'"):
        run("calibrate_irt", "--csv", str(table))
    constant = tmp_path / "constant.csv"
    constant.write_text("Q1,Q2\n1,0\n1,1\n1,0\n")
    with pytest.raises(CommandError, match=r"column\(s\) Q1: every answer is the same"):
        run("calibrate_irt", "--csv", str(constant))
    header = tmp_path / "header.csv"
    header.write_text("student,topic,score\nann,add,1\n")
    with pytest.raises(CommandError, match="bad header"):
        run("fit_bkt", "--csv", str(header))
