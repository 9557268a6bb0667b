import unicodedata


def normalise_answer_text(text: str) -> str:
    """Canonical form for short-text answers: NFKC, case-folded, whitespace collapsed.

    NFKC folds full-width digits and compatibility characters (e.g. '３/４' to '3/4'), so a
    learner's keyboard does not decide whether an answer is right.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
