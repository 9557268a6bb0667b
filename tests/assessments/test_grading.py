"""Grading: one pure function per item type, with the edge cases learners actually produce."""

import pytest

from apps.assessments.grading import AnswerInvalid, AnswerKey, grade, parse_number

SINGLE = AnswerKey(type="single_choice", choice_keys=("a", "b", "c"), correct_keys=frozenset({"b"}))
MULTI = AnswerKey(
    type="multiple_choice", choice_keys=("a", "b", "c", "d"), correct_keys=frozenset({"a", "c"})
)


def numeric(value, tolerance=0.0):
    return AnswerKey(type="numeric", numeric_answer=value, tolerance=tolerance)


TEXT = AnswerKey(type="short_text", accepted_answers=("3/4", "three quarters"))


class TestSingleChoice:
    def test_right_and_wrong(self):
        assert (grade(SINGLE, "b").correct, grade(SINGLE, "b").score) == (True, 1.0)
        assert (grade(SINGLE, "a").correct, grade(SINGLE, "a").score) == (False, 0.0)

    def test_surrounding_space_is_ignored(self):
        assert grade(SINGLE, " b ").answer == "b"

    @pytest.mark.parametrize(
        "answer", ["", "   ", None, 2, ["b"], {"key": "b"}, True, "z", "b" * 10_000]
    )
    def test_malformed_answers_are_invalid_not_wrong(self, answer):
        with pytest.raises(AnswerInvalid):
            grade(SINGLE, answer)


class TestMultipleChoice:
    def test_exact_set_is_right(self):
        result = grade(MULTI, ["c", "a"])
        assert (result.correct, result.score, result.answer) == (True, 1.0, ["a", "c"])

    def test_partial_credit_and_penalty_for_wrong_picks(self):
        assert (grade(MULTI, ["a"]).correct, grade(MULTI, ["a"]).score) == (False, 0.5)
        assert grade(MULTI, ["a", "b"]).score == 0.0
        assert grade(MULTI, ["a", "b", "c"]).score == 0.5
        assert grade(MULTI, ["b", "d"]).score == 0.0  # floored at zero

    def test_a_single_key_string_is_refused_and_duplicates_collapse(self):
        with pytest.raises(AnswerInvalid, match="list of option keys"):
            grade(MULTI, "a")
        assert grade(MULTI, ["a", "a", "c"]).correct is True

    @pytest.mark.parametrize("answer", [[], "", None, ["a", "zz"], [1], ["a"] * 50, {"a": True}])
    def test_malformed(self, answer):
        with pytest.raises(AnswerInvalid):
            grade(MULTI, answer)


class TestNumeric:
    @pytest.mark.parametrize(
        "answer", ["0.75", ".75", "3/4", " 3 / 4 ", "6/8", "0,75", 0.75, "７５/１００", "7.5e-1"]
    )
    def test_equivalent_forms_are_right(self, answer):
        assert grade(numeric(0.75), answer).correct is True

    def test_mixed_numbers_and_negatives(self):
        assert grade(numeric(1.5), "1 1/2").correct is True
        assert grade(numeric(-1.5), "-1 1/2").correct is True
        assert grade(numeric(-0.25), "−1/4").correct is True  # unicode minus sign
        assert grade(numeric(3), "3").correct is True

    def test_tolerance_bounds_are_inclusive(self):
        key = numeric(10.0, tolerance=0.5)
        assert grade(key, "9.5").correct is True
        assert grade(key, "10.5").correct is True
        assert grade(key, "10.5000001").correct is False
        assert grade(key, "9.4999").correct is False

    def test_zero_tolerance_survives_binary_rounding(self):
        assert grade(numeric(0.3), 0.1 + 0.2).correct is True
        assert grade(numeric(1 / 3), "1/3").correct is True
        assert grade(numeric(1 / 3), "0.333").correct is False

    def test_stored_answer_keeps_what_the_learner_typed(self):
        assert grade(numeric(0.75), "3/4").answer == "3/4"

    @pytest.mark.parametrize(
        "answer",
        [
            "",
            "  ",
            None,
            True,
            "abc",
            "1/0",
            "1 1/0",
            "nan",
            "inf",
            "1e999",
            "1" * 65,
            [1],
            "3//4",
            "1.2.3",
        ],
    )
    def test_malformed(self, answer):
        with pytest.raises(AnswerInvalid):
            grade(numeric(1.0), answer)

    def test_parse_number_message_names_the_forms(self):
        with pytest.raises(AnswerInvalid, match="3/4"):
            parse_number("three")


class TestShortText:
    @pytest.mark.parametrize(
        "answer", ["3/4", " 3/4 ", "Three   Quarters", "THREE QUARTERS", "３/４"]
    )
    def test_normalised_match(self, answer):
        assert grade(TEXT, answer).correct is True

    def test_near_misses_are_wrong(self):
        assert grade(TEXT, "3 /4").correct is False
        assert grade(TEXT, "4/3").correct is False

    def test_unicode_answers(self):
        key = AnswerKey(type="short_text", accepted_answers=("Straße", "½"))
        assert grade(key, "STRASSE").correct is True  # casefold: ß → ss
        assert grade(key, "½").correct is True

    @pytest.mark.parametrize("answer", ["", "   ", None, 3, ["3/4"], "x" * 501])
    def test_malformed(self, answer):
        with pytest.raises(AnswerInvalid):
            grade(TEXT, answer)
