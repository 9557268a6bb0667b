"""fit_learner_model and predict_learner_model, driven through call_command (no database)."""

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from apps.recommendations.engine.answer_log import AnswerLog
from apps.recommendations.engine.hmm_skill import HmmParams
from apps.recommendations.engine.learner_model_kinds import fit_model, predict_with_model
from apps.recommendations.engine.simulate_practice import (
    PracticeSettings,
    SimulatedPractice,
    simulate_practice,
    stuck_truth,
)
from tests.engine.test_learner_model import auc

OUTPUT_COLUMNS = ["learner", "skill", "correct", "p_correct", "params_used"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write_csv(path: Path, sim: SimulatedPractice, mask: np.ndarray, *, iso: bool) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "skill", "item", "timestamp", "correct"])
        for row in np.flatnonzero(mask):
            seconds = float(sim.seconds[row])
            stamp = datetime.fromtimestamp(seconds, UTC).isoformat() if iso else f"{seconds:.3f}"
            writer.writerow(
                [
                    f"learner{sim.learner[row]}",
                    f"skill{sim.skill[row]}",
                    f"item{sim.item[row]}",
                    stamp,
                    int(sim.correct[row]),
                ]
            )
    return path


@pytest.fixture(scope="module")
def practice() -> SimulatedPractice:
    return simulate_practice(stuck_truth(8, seed=21), PracticeSettings(n_learners=1600), seed=22)


@pytest.fixture(scope="module")
def files(practice: SimulatedPractice, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("learner_model")
    test = practice.learner % 4 == 0
    return {
        "train": write_csv(folder / "train.csv", practice, ~test, iso=True),
        "test": write_csv(folder / "test.csv", practice, test, iso=False),
        "folder": folder,
    }


@pytest.fixture(scope="module")
def documents(files: dict[str, Path]) -> dict[str, Path]:
    fitted = {}
    for kind in ("bkt", "bkt-forgets", "combined"):
        path = files["folder"] / f"{kind}.json"
        path.write_text(run("fit_learner_model", "--csv", str(files["train"]), "--model", kind))
        fitted[kind] = path
    return fitted


def predict(params: Path, log: Path) -> list[dict[str, str]]:
    output = run("predict_learner_model", "--params", str(params), "--csv", str(log))
    return list(csv.DictReader(io.StringIO(output)))


def test_each_model_round_trips_through_the_commands(
    files: dict[str, Path], documents: dict[str, Path]
) -> None:
    with files["test"].open() as handle:
        inputs = list(csv.DictReader(handle))
    aucs = {}
    for kind, path in documents.items():
        document = json.loads(path.read_text())
        assert document["model"] == kind
        assert document["training"]["timestamps"] is True
        rows = predict(path, files["test"])
        # one output row per input row, in the same order, each with a probability
        assert len(rows) == len(inputs)
        assert list(rows[0]) == OUTPUT_COLUMNS
        for given, got in zip(inputs[:500], rows[:500], strict=True):
            assert (got["learner"], got["skill"], got["correct"]) == (
                given["learner"],
                given["skill"],
                given["correct"],
            )
        p = np.array([float(row["p_correct"]) for row in rows])
        assert np.all((p > 0) & (p < 1))
        assert {row["params_used"] for row in rows} == {"fitted"}
        correct = np.array([row["correct"] == "1" for row in rows])
        aucs[kind] = auc(correct, p)
    assert aucs["combined"] >= aucs["bkt-forgets"] + 0.01


def test_standard_bkt_matches_pybkt_on_the_same_split(
    files: dict[str, Path], documents: dict[str, Path]
) -> None:
    pd = pytest.importorskip("pandas", reason="pyBKT reference tests need pandas")
    models = pytest.importorskip("pyBKT.models", reason="pyBKT is a test-only reference")
    # given pyBKT's standard BKT fitted on the same training file
    train, test = pd.read_csv(files["train"]), pd.read_csv(files["test"])
    for frame in (train, test):
        frame["order_id"] = np.arange(len(frame))
        frame.rename(columns={"learner": "user_id", "skill": "skill_name"}, inplace=True)
        frame.drop(columns=["item", "timestamp"], inplace=True)
    model = models.Model(seed=0, num_fits=5, parallel=False)
    model.fit(data=train)
    reference = model.predict(data=test)
    reference_p = reference["correct_predictions"].to_numpy()
    reference_correct = reference["correct"].to_numpy() == 1
    # when ours is fitted and predicts through the commands
    rows = predict(documents["bkt"], files["test"])
    p = np.array([float(row["p_correct"]) for row in rows])
    correct = np.array([row["correct"] == "1" for row in rows])
    # then accuracy and AUC agree closely
    accuracy = float(np.mean((p >= 0.5) == correct))
    reference_accuracy = float(np.mean((reference_p >= 0.5) == reference_correct))
    assert accuracy == pytest.approx(reference_accuracy, abs=0.005)
    assert auc(correct, p) == pytest.approx(auc(reference_correct, reference_p), abs=0.005)


def test_standard_bkt_matches_pybkt_on_easy_skills_with_high_guessing() -> None:
    # pyBKT does not cap guess; on easy skills it fits guesses of 0.4-0.5
    pd = pytest.importorskip("pandas", reason="pyBKT reference tests need pandas")
    models = pytest.importorskip("pyBKT.models", reason="pyBKT is a test-only reference")
    truth = stuck_truth(6, seed=5)
    easier = np.clip(truth.emission + np.array([0.35, 0.3, 0.2, 0.05]), 0.0, 0.97)
    truth = HmmParams(start=truth.start, transition=truth.transition, emission=easier)
    sim = simulate_practice(truth, PracticeSettings(n_learners=1600, skills_per_learner=4), seed=6)
    test = sim.learner % 4 == 0
    answers = AnswerLog.from_labels(
        learners=sim.learner.astype(str), skills=sim.skill.astype(str), correct=sim.correct
    )

    def frame(mask: np.ndarray) -> Any:
        return pd.DataFrame(
            {
                "order_id": np.flatnonzero(mask),
                "user_id": sim.learner[mask],
                "skill_name": sim.skill[mask].astype(str),
                "correct": sim.correct[mask].astype(int),
            }
        )

    model = models.Model(seed=0, num_fits=5, parallel=False)
    model.fit(data=frame(~test))
    reference = model.predict(data=frame(test)).sort_values("order_id")
    reference_p = reference["correct_predictions"].to_numpy()
    p = predict_with_model(fit_model("bkt", answers.rows(~test)), answers.rows(test)).p_correct
    correct = sim.correct[test]
    assert auc(correct, p) == pytest.approx(auc(correct, reference_p), abs=0.003)
    assert np.mean((p >= 0.5) == correct) == pytest.approx(
        np.mean((reference_p >= 0.5) == correct), abs=0.005
    )


def test_unseen_skills_and_items_are_flagged(documents: dict[str, Path], tmp_path: Path) -> None:
    log = tmp_path / "new.csv"
    log.write_text(
        "learner,skill,item,correct\n"
        "a,skill0,item0,1\n"
        "a,skill0,brand-new item,0\n"
        "b,brand-new skill,item1,1\n"
        "b,brand-new skill,another new item,1\n"
        "b,skill1,,1\n"
    )
    combined = [row["params_used"] for row in predict(documents["combined"], log)]
    assert combined == ["fitted", "default_item", "default_skill", "default_skill_item", "fitted"]
    standard = [row["params_used"] for row in predict(documents["bkt"], log)]
    assert standard == ["fitted", "fitted", "default_skill", "default_skill", "fitted"]


def test_a_headerless_three_column_file_is_read(documents: dict[str, Path], tmp_path: Path) -> None:
    log = tmp_path / "plain.csv"
    log.write_text("a,skill0,1\na,skill0,0\nb,skill2,1\n")
    rows = predict(documents["bkt-forgets"], log)
    assert [(row["learner"], row["correct"]) for row in rows] == [
        ("a", "1"),
        ("a", "0"),
        ("b", "1"),
    ]
    first = json.loads(documents["bkt-forgets"].read_text())["skills"]["skill0"]
    expected = first["prior"] * (1 - first["slip"]) + (1 - first["prior"]) * first["guess"]
    assert float(rows[0]["p_correct"]) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("learner,correct\na,1\n", "row 1: bad header 'learner,correct'.*missing skill"),
        ("learner,skill,correct\na,s,1\na,s,2\n", "row 3, column 'correct': expected 0 or 1"),
        ("learner,skill,correct\na,s,1\n,s,0\n", "row 3, column 'learner': empty value"),
        ("learner,skill,correct\na,s,1,9\n", "row 2: expected 3 fields, found 4"),
        (
            "learner,skill,timestamp,correct\na,s,2024-01-01T10:00:00,1\na,s,yesterday,0\n",
            "row 3, column 'timestamp': expected seconds or an ISO 8601 time",
        ),
        ("", "no rows"),
    ],
)
def test_bad_csv_files_are_reported_with_file_row_and_column(
    content: str, message: str, tmp_path: Path
) -> None:
    log = tmp_path / "bad.csv"
    log.write_text(content)
    with pytest.raises(CommandError, match=rf"bad\.csv[:,] {message}"):
        run("fit_learner_model", "--csv", str(log))


def test_bad_params_files_are_reported(files: dict[str, Path], tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text("{not json")
    with pytest.raises(CommandError, match=r"params\.json: not valid JSON"):
        predict(params, files["test"])
    params.write_text('{"model": "deep"}')
    with pytest.raises(CommandError, match=r'params\.json: expected an object with "model"'):
        predict(params, files["test"])
    params.write_text('{"model": "combined", "version": 1}')
    with pytest.raises(CommandError, match=r"params\.json: malformed combined model"):
        predict(params, files["test"])
    with pytest.raises(CommandError, match=r"missing\.csv: file not found"):
        run("fit_learner_model", "--csv", str(tmp_path / "missing.csv"))
