# The parser reads the real multiplication, division and minus signs used in stems.
"""Checks for the demo "Fractions" course (apps/demo/courses/fractions.json).

Plain pytest, no Django.  Besides structural checks of the course exchange format, every
item whose stem contains a machine-readable expression (inside a code span) is re-solved
here, independently of the generator, with a tiny recursive-descent parser over
``fractions.Fraction`` (no ``eval``), and compared with the keyed answer.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

COURSE_PATH = Path(__file__).resolve().parents[2] / "apps" / "demo" / "courses" / "fractions.json"


# The course writes maths as TeX (``$\frac{3}{4} + \frac{1}{6}$``) and pictures as figure
# shortcodes. The checks below read plain expressions in code spans (`3/4 + 1/6`), bars
# (`■■■□`) and number lines (`0 |---●---| 1`), so each text is first read back into that form,
# here and independently of the generator.
def _untex(tex: str) -> str:
    for command, sign in ((r"\times", "×"), (r"\div", "÷"), (r"\square", "☐"), (r"\ldots", "…")):
        tex = tex.replace(command, sign)
    tex = re.sub(r"\\text\{\s*(\w+)\s*\}", r" \1 ", tex)

    def frac(m: re.Match) -> str:
        top, bottom = m.group(2).strip(), m.group(3).strip()
        if " " in top:
            top, bottom = f"({top})", f"({bottom})"
        return (m.group(1) + " " if m.group(1) else "") + f"{top}/{bottom}"

    tex = re.sub(r"(\d+)?\\frac\{([^{}]*)\}\{([^{}]*)\}", frac, tex)
    assert "\\" not in tex, tex
    return re.sub(r"\s+", " ", tex).replace(" ,", ",").strip()


def _bar(m: re.Match) -> str:
    shaded, parts = int(m.group(1)), int(m.group(2))
    return "`" + "■" * shaded + "□" * (parts - shaded) + "`"


def _number_line(m: re.Match) -> str:
    lo, hi, gaps, mark = int(m.group(1)), int(m.group(2)), int(m.group(3)), Fraction(m.group(4))
    tick = (mark - lo) * gaps / (hi - lo)
    assert tick.denominator == 1, m.group(0)
    ticks = "".join("---" + ("●" if i == tick else "|") for i in range(1, gaps + 1))
    return f"`{lo} |{ticks} {hi}`"


def plain(text: str) -> str:
    text = re.sub(r"\[\[fraction-bar (\d+)/(\d+)\]\]", _bar, text)
    text = re.sub(
        r"\[\[number-line (\d+) (\d+) ticks=(\d+) mark=(\d+(?:/\d+)?)\]\]", _number_line, text
    )
    assert "[[" not in text, text
    return re.sub(r"\$([^$]+)\$", lambda m: "`" + _untex(m.group(1)) + "`", text)


def _plain_course(data: dict) -> dict:
    for item in data["course"]["items"]:
        item["stem"] = plain(item["stem"])
        item["explanation"] = plain(item["explanation"])
        item["hints"] = [plain(hint) for hint in item["hints"]]
        for choice in item.get("choices", []):
            # a choice written as TeX is read as its plain expression, without the code span
            choice["text"] = (
                plain(choice["text"]).strip("`")
                if choice["text"].startswith("$")
                and choice["text"].endswith("$")
                and choice["text"].count("$") == 2
                else plain(choice["text"])
            )
    for lesson in data["course"]["lessons"]:
        lesson["body"] = plain(lesson["body"])
    return data


DATA = _plain_course(json.loads(COURSE_PATH.read_text(encoding="utf-8")))
COURSE = DATA["course"]
ITEMS = COURSE["items"]
SKILLS = COURSE["skills"]
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RAW_HTML_RE = re.compile(r"<\s*[a-zA-Z/!]")
ITEM_TYPES = {"single_choice", "multiple_choice", "numeric", "short_text"}


# --------------------------------------------------------------------------- parser

TOKEN_RE = re.compile(
    r"\s*(?:(?P<mixed>\d+\s+\d+/\d+)|(?P<num>\d*\.\d+|\d+)|(?P<op>[-+−×÷*/()?])|(?P<of>of\b))"
)


class ParseError(ValueError):
    """A stem the independent re-derivation cannot read as arithmetic."""


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise ParseError(f"cannot tokenize {text!r} at {pos}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


class Parser:
    """expr := term (('+'|'-') term)* ; term := frac (('×'|'÷'|'of') frac)* ;
    frac := primary ('/' primary)? ; primary := NUM | MIXED | '?' | '(' expr ')'.

    A fraction bar binds tighter than × and ÷, so `1/2 ÷ 3/4` is (1/2) ÷ (3/4).
    """

    def __init__(self, text: str, unknown: Fraction | None = None):
        self.tokens = tokenize(text)
        self.i = 0
        self.unknown = unknown

    def peek(self):
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self):
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Fraction:
        value = self.expr()
        if self.i != len(self.tokens):
            raise ParseError(f"trailing tokens in {self.tokens!r}")
        return value

    def expr(self) -> Fraction:
        value = self.term()
        while self.peek() in ("+", "-", "−"):
            op = self.take()[1]
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Fraction:
        value = self.frac()
        while self.peek() in ("×", "*", "÷", "of"):
            op = self.take()[1]
            rhs = self.frac()
            value = value / rhs if op == "÷" else value * rhs
        return value

    def frac(self) -> Fraction:
        value = self.primary()
        if self.peek() == "/":
            self.take()
            value = value / self.primary()
        return value

    def primary(self) -> Fraction:
        if self.i >= len(self.tokens):
            raise ParseError("unexpected end")
        kind, text = self.take()
        if kind == "num":
            return Fraction(text)
        if kind == "mixed":
            whole, frac = text.split()
            return int(whole) + Fraction(frac)
        if text == "?":
            if self.unknown is None:
                raise ParseError("unknown '?' without a value")
            return self.unknown
        if text == "(":
            value = self.expr()
            if self.take()[1] != ")":
                raise ParseError("missing )")
            return value
        raise ParseError(f"unexpected token {text!r}")


NUMBER_LINE_RE = re.compile(r"(\d+) \|((?:---[|●])+) (\d+)")


def value(text: str, unknown: Fraction | None = None) -> Fraction:
    """Value of a bar picture, a number line picture, 'w and n/d', or an expression."""
    t = text.strip().strip("`").strip()
    if re.fullmatch(r"[■□]+", t):
        return Fraction(t.count("■"), len(t))
    m = NUMBER_LINE_RE.fullmatch(t)
    if m:
        lo, hi = int(m.group(1)), int(m.group(3))
        ticks = m.group(2)[3::4]
        assert ticks.count("●") == 1, t
        return lo + Fraction((hi - lo) * (ticks.index("●") + 1), len(ticks))
    m = re.fullmatch(r"(\d+) and (\d+/\d+)", t)
    if m:
        return int(m.group(1)) + Fraction(m.group(2))
    return Parser(t, unknown).parse()


def test_parser_basics():
    assert value("1/2 ÷ 3/4") == Fraction(2, 3)
    assert value("2 1/3 + 1 1/2") == Fraction(23, 6)
    assert value("3/4 + 2/3 - 1/2") == Fraction(11, 12)
    assert value("3/4 of 20") == 15
    assert value("4 × 2 1/3") == Fraction(28, 3)
    assert value("0.375") == Fraction(3, 8)
    assert value("?/12", Fraction(8)) == Fraction(2, 3)
    assert value("9/?", Fraction(12)) == Fraction(3, 4)
    assert value("■■■□□□□□") == Fraction(3, 8)
    assert value("0 |---|---|---●---| 1") == Fraction(3, 4)
    assert value("0 |---|---|---|---●---|---| 2") == Fraction(4, 3)
    assert value("2 and 1/3") == Fraction(7, 3)
    with pytest.raises(ParseError):
        value("__import__('os')")


# --------------------------------------------------------------------------- answer forms

FRACTION_RE = re.compile(r"(\d+)/(\d+)")
MIXED_RE = re.compile(r"(\d+) (\d+)/(\d+)")
DECIMAL_RE = re.compile(r"\d*\.\d+|\d+")
REMAINDER_RE = re.compile(r"(\d+)\s*(?:r|rem|remainder)\s*(\d+)")


def forms_of(stem_low: str) -> set[str]:
    forms = set()
    if "simplest form" in stem_low:
        forms.add("simplest")
    if "mixed number" in stem_low:
        forms.add("mixed")
    if "as an improper fraction" in stem_low:
        forms.add("improper")
    if "as a decimal" in stem_low:
        forms.add("decimal")
    if re.search(r"as a fraction(?! or)", stem_low):
        forms.add("fraction")
    if "as a whole number" in stem_low:
        forms.add("whole")
    return forms


def form_ok(text: str, forms: set[str]) -> bool:
    t = text.strip().strip("`")
    if "mixed" in forms:
        m = MIXED_RE.fullmatch(t)
        if m:
            n, d = int(m.group(2)), int(m.group(3))
            if not 0 < n < d:
                return False
            if "simplest" in forms and math.gcd(n, d) != 1:
                return False
        elif not re.fullmatch(r"\d+", t):
            return False
        return True
    if "simplest" in forms:
        m = FRACTION_RE.fullmatch(t)
        if m:
            return math.gcd(int(m.group(1)), int(m.group(2))) == 1
        return bool(re.fullmatch(r"\d+", t))
    if "improper" in forms:
        m = FRACTION_RE.fullmatch(t)
        return bool(m) and int(m.group(1)) >= int(m.group(2))
    if "decimal" in forms:
        return bool(DECIMAL_RE.fullmatch(t))
    if "fraction" in forms:
        return bool(FRACTION_RE.fullmatch(t))
    if "whole" in forms:
        return bool(re.fullmatch(r"\d+", t))
    return True


def correct_texts(item) -> list[str]:
    return [c["text"] for c in item["choices"] if c["correct"]]


def wrong_texts(item) -> list[str]:
    return [c["text"] for c in item["choices"] if not c["correct"]]


def check_key(item, target: Fraction, forms: set[str] = frozenset()) -> None:
    """The keyed answer of a numeric / short_text / single_choice item equals target."""
    slug = item["slug"]
    kind = item["type"]
    if kind == "numeric":
        assert abs(item["answer"] - float(target)) < 1e-9, (slug, item["answer"], target)
        assert item["tolerance"] <= 1e-6, slug
        if "whole" in forms:
            assert target.denominator == 1, slug
    elif kind == "short_text":
        accepted = item["accepted_answers"]
        assert value(accepted[0]) == target, (slug, accepted[0], target)
        assert form_ok(accepted[0], forms), (slug, accepted[0], forms)
        for alt in accepted[1:]:
            assert value(alt) == target, (slug, alt, target)
    elif kind == "single_choice":
        (good,) = correct_texts(item)
        assert value(good) == target, (slug, good, target)
        assert form_ok(good, forms), (slug, good, forms)
        for bad in wrong_texts(item):
            # a distractor is wrong if its value differs, or if it is not in the asked form
            assert value(bad) != target or not form_ok(bad, forms), (slug, bad)
    else:  # pragma: no cover - multiple choice is handled by predicates
        raise AssertionError(f"{slug}: check_key on {kind}")


def ints_after(pattern: str, low: str) -> list[int] | None:
    m = re.search(pattern + r" of ([\d ,and]+)", low)
    return [int(x) for x in re.findall(r"\d+", m.group(1))] if m else None


def split_pair(text: str) -> list[str]:
    return [p.strip() for p in re.split(r",| and ", text) if p.strip()]


# --------------------------------------------------------------------------- select-all


def select_all_predicate(item, low: str, spans: list[str]):
    m = re.search(r"common multiples of (\d+) and (\d+)", low)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return lambda t: int(t) % a == 0 and int(t) % b == 0
    m = re.search(r"common factors of (\d+) and (\d+)", low)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return lambda t: a % int(t) == 0 and b % int(t) == 0
    m = re.search(r"factors of (\d+)", low)
    if m:
        a = int(m.group(1))
        return lambda t: a % int(t) == 0
    if "common denominator for" in low:
        dens = [value(s).denominator for s in spans]
        assert len(dens) == 2, item["slug"]
        return lambda t: all(int(t) % d == 0 for d in dens)
    if "reciprocals of each other" in low:

        def pair(t):
            parts = split_pair(t)
            assert len(parts) == 2, t
            return value(parts[0]) * value(parts[1]) == 1

        return pair
    if "in simplest form" in low:

        def simplest(t):
            n, d = (int(x) for x in FRACTION_RE.fullmatch(t.strip()).groups())
            return math.gcd(n, d) == 1

        return simplest
    if "improper fractions" in low:

        def improper(t):
            n, d = (int(x) for x in FRACTION_RE.fullmatch(t.strip()).groups())
            return n >= d

        return improper
    m = re.search(r"between (\d+) and (\d+)", low)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        return lambda t: lo < value(t) < hi
    if spans:
        (target_text,) = spans
        target = value(target_text)
        if "greater than" in low:
            return lambda t: value(t) > target
        if "less than" in low:
            return lambda t: value(t) < target
        if "equal to" in low or "equivalent to" in low:
            return lambda t: value(t) == target
    return None


# --------------------------------------------------------------------------- verification

COUNT_WORDS = {
    "halves": 2,
    "thirds": 3,
    "quarters": 4,
    "fifths": 5,
    "sixths": 6,
    "sevenths": 7,
    "eighths": 8,
    "ninths": 9,
    "tenths": 10,
    "twelfths": 12,
}


def verify(item) -> bool:
    """Re-solve the item from its stem.  Returns False if the stem is not machine-readable."""
    stem = item["stem"]
    low = stem.lower().replace("**", "")
    spans = re.findall(r"`([^`]+)`", stem)
    kind = item["type"]
    slug = item["slug"]

    nums = ints_after(r"lowest common multiple \(lcm\)", low)
    if nums:
        check_key(item, Fraction(math.lcm(*nums)))
        return True
    nums = ints_after(r"highest common factor \(hcf\)", low)
    if nums:
        check_key(item, Fraction(math.gcd(*nums)))
        return True

    if kind == "multiple_choice":
        pred = select_all_predicate(item, low, spans)
        if pred is None:
            return False
        for choice in item["choices"]:
            assert pred(choice["text"]) == choice["correct"], (slug, choice)
        return True

    if "lowest common denominator of" in low:
        assert len(spans) == 2, slug
        check_key(item, Fraction(math.lcm(*(value(s).denominator for s in spans))))
        return True

    m = re.search(r"with a common denominator of (\d+)", low)
    if m:
        den = int(m.group(1))
        targets = [value(s) for s in spans]
        assert len(targets) == 2, slug
        assert kind == "short_text", slug
        for accepted in item["accepted_answers"]:
            parts = split_pair(accepted)
            assert [value(p) for p in parts] == targets, (slug, accepted)
            assert all(int(FRACTION_RE.fullmatch(p).group(2)) == den for p in parts), slug
        return True

    m = re.search(r"with denominator (\d+)", low)
    if m and kind == "short_text":
        (span,) = spans
        first = item["accepted_answers"][0]
        assert value(first) == value(span), slug
        assert int(FRACTION_RE.fullmatch(first).group(2)) == int(m.group(1)), slug
        return True

    if "reciprocal of" in low:
        (span,) = spans
        check_key(item, 1 / value(span), forms_of(low))
        return True

    if spans and "☐" in spans[0]:
        left, right = spans[0].split("☐")
        lv, rv = value(left), value(right)
        symbol = "<" if lv < rv else (">" if lv > rv else "=")
        assert correct_texts(item) == [symbol], (slug, symbol)
        return True

    if spans and "?" in spans[0] and "=" in spans[0]:
        left, right = spans[0].split("=")
        if kind == "numeric":
            x = Fraction(item["answer"]).limit_denominator(10_000)
            assert abs(float(x) - item["answer"]) < 1e-12, slug
        else:
            x = value(item["accepted_answers"][0])
        assert value(left, x) == value(right, x), (slug, x)
        # the equation is not an identity, so the solution is unique (all are linear)
        assert value(left, x + 1) != value(right, x + 1), slug
        return True

    if "in order from smallest to largest" in low:
        (span,) = spans
        given = [t.strip() for t in span.split(",")]
        for accepted in item["accepted_answers"]:
            parts = [t.strip() for t in re.split(r",|\s(?=\d+/)", accepted) if t.strip()]
            assert sorted(parts) == sorted(given), (slug, accepted)
            values = [value(p) for p in parts]
            assert values == sorted(values), slug
            assert len(set(values)) == len(values), slug
        return True

    m = re.fullmatch(r"(\d+) ÷ (\d+)", spans[0]) if spans else None
    if m and ("remainder" in low or "quotient" in low):
        a, b = int(m.group(1)), int(m.group(2))
        q, r = divmod(a, b)
        if kind == "numeric":
            if "what is the remainder" in low:
                assert item["answer"] == r, slug
            else:
                assert "what is the quotient" in low, slug
                assert item["answer"] == q, slug
            return True
        keyed = item["accepted_answers"] if kind == "short_text" else correct_texts(item)
        for text in keyed:
            mm = REMAINDER_RE.fullmatch(text.strip())
            assert mm, (slug, text)
            assert (int(mm.group(1)), int(mm.group(2))) == (q, r), (slug, text)
        if kind == "single_choice":
            for text in wrong_texts(item):
                mm = REMAINDER_RE.fullmatch(text.strip())
                qq, rr = int(mm.group(1)), int(mm.group(2))
                assert not (qq * b + rr == a and 0 <= rr < b), (slug, text)
        return True

    if "closest to" in low and kind == "single_choice":
        (span,) = spans
        target = value(span)
        dist = {c["text"]: abs(value(c["text"]) - target) for c in item["choices"]}
        best = min(dist.values())
        winners = [t for t, dd in dist.items() if dd == best]
        assert winners == correct_texts(item), (slug, winners)
        return True

    if kind == "single_choice" and not spans and re.search(r"\b(greatest|smallest)\b", low):
        values = {c["text"]: value(c["text"]) for c in item["choices"]}
        pick = max if "greatest" in low else min
        best = pick(values.values())
        winners = [t for t, v in values.items() if v == best]
        assert winners == correct_texts(item), (slug, winners)
        return True

    if "halfway between" in low:
        assert len(spans) == 2, slug
        check_key(item, (value(spans[0]) + value(spans[1])) / 2)
        return True

    if "between which two whole numbers" in low:
        (span,) = spans
        v = value(span)
        assert v.denominator != 1, slug
        lo = math.floor(v)
        for choice in item["choices"]:
            a, b = (int(x) for x in re.fullmatch(r"(\d+) and (\d+)", choice["text"]).groups())
            assert ((a, b) == (lo, lo + 1)) == choice["correct"], (slug, choice)
        return True

    m = re.search(r"how many (\w+) are there in", low)
    if m:
        (span,) = spans
        count = value(span) * COUNT_WORDS[m.group(1)]
        assert count.denominator == 1, slug
        check_key(item, count)
        return True

    if "in the fraction" in low:
        (span,) = spans
        n, d = (int(x) for x in FRACTION_RE.fullmatch(span).groups())
        asked = [w for w in ("numerator", "denominator") if w in low]
        assert len(asked) == 1, slug
        check_key(item, Fraction(n if asked[0] == "numerator" else d))
        return True

    if not spans:
        return False

    assert len(spans) == 1, (slug, spans)
    target = value(spans[0])
    if "not shaded" in low:
        target = 1 - target
    m = re.search(r"rounded to (\d+) decimal places?", low)
    if m:
        places = int(m.group(1))
        scale = 10**places
        rounded = Fraction(math.floor(target * scale + Fraction(1, 2)), scale)
        assert target * scale != rounded * scale, slug  # the value really needs rounding
        if kind == "numeric":
            assert abs(item["answer"] - float(rounded)) < 1e-9, slug
            assert abs(Fraction(item["answer"]) - target) <= item["tolerance"], slug
            assert item["tolerance"] <= Fraction(1, 2 * scale), slug
        else:
            keyed = item["accepted_answers"][:1] if kind == "short_text" else correct_texts(item)
            for text in keyed:
                assert re.fullmatch(rf"\d*\.\d{{{places}}}", text), (slug, text)
                assert Fraction(text) == rounded, (slug, text, rounded)
        return True
    check_key(item, target, forms_of(low))
    return True


@pytest.mark.parametrize("item", ITEMS, ids=[i["slug"] for i in ITEMS])
def test_item_answer_is_independently_correct(item):
    verified = verify(item)
    if "`" in item["stem"]:
        # every stem written with a machine-readable expression must be checkable
        assert verified, f"{item['slug']}: stem has an expression but no checker applied"


def test_most_items_are_independently_verified():
    verified = sum(1 for item in ITEMS if verify(item))
    ratio = verified / len(ITEMS)
    assert ratio >= 0.8, f"only {verified}/{len(ITEMS)} ({ratio:.0%}) items verified"


# --------------------------------------------------------------------------- structure


def test_format_and_version():
    assert DATA["format"] == "adaptive-learning-course"
    assert DATA["version"] == 1
    assert set(DATA) == {"format", "version", "course"}
    assert COURSE["slug"] == "fractions"
    assert COURSE["language"] == "en"
    assert COURSE["title"].strip()
    assert COURSE["description"].strip()
    assert set(COURSE) == {
        "slug",
        "title",
        "description",
        "language",
        "modules",
        "skills",
        "lessons",
        "items",
    }


def test_counts():
    assert 4 <= len(COURSE["modules"]) <= 6
    assert len(SKILLS) >= 12
    assert len(ITEMS) >= 150
    for item in ITEMS:
        assert 1 <= len(item["hints"]) <= 3, item["slug"]
        assert all(isinstance(h, str) and h.strip() for h in item["hints"]), item["slug"]
        assert item["explanation"].strip(), item["slug"]
    types = Counter(item["type"] for item in ITEMS)
    assert set(types) == ITEM_TYPES, types


def test_slugs_are_valid_and_unique():
    for kind in ("modules", "skills", "lessons", "items"):
        slugs = [x["slug"] for x in COURSE[kind]]
        assert len(slugs) == len(set(slugs)), kind
        for slug in slugs:
            assert SLUG_RE.match(slug), (kind, slug)


def test_skill_graph_is_a_dag_with_known_slugs():
    slugs = {s["slug"] for s in SKILLS}
    modules = [m["slug"] for m in COURSE["modules"]]
    position = {s["slug"]: i for i, s in enumerate(SKILLS)}
    module_of = {s["slug"]: s["module"] for s in SKILLS}
    for skill in SKILLS:
        assert skill["module"] in modules, skill["slug"]
        assert skill["name"].strip()
        assert skill["description"].strip()
        prereqs = skill["prerequisites"]
        assert len(prereqs) == len(set(prereqs)), skill["slug"]
        for p in prereqs:
            assert p in slugs, (skill["slug"], p)
            assert p != skill["slug"]
            # sensible ordering: prerequisites come earlier in the course
            assert position[p] < position[skill["slug"]], (skill["slug"], p)
            assert modules.index(module_of[p]) <= modules.index(skill["module"])
    # Kahn's algorithm: all nodes can be removed iff there is no cycle
    indegree = {s["slug"]: len(s["prerequisites"]) for s in SKILLS}
    dependants: dict[str, list[str]] = {s: [] for s in slugs}
    for skill in SKILLS:
        for p in skill["prerequisites"]:
            dependants[p].append(skill["slug"])
    ready = [s for s, d in indegree.items() if d == 0]
    assert len(ready) >= 2, "expected a few entry points"
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for nxt in dependants[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    assert seen == len(SKILLS), "prerequisite graph has a cycle"


def test_modules_skills_lessons_items_are_in_module_order():
    modules = [m["slug"] for m in COURSE["modules"]]
    module_of = {s["slug"]: s["module"] for s in SKILLS}
    for kind, key in (
        ("skills", lambda x: x["module"]),
        ("lessons", lambda x: x["module"]),
        ("items", lambda x: module_of[x["skills"][0]]),
    ):
        order = [modules.index(key(x)) for x in COURSE[kind]]
        assert order == sorted(order), kind


def test_every_skill_has_items_and_a_lesson():
    module_of = {s["slug"]: s["module"] for s in SKILLS}
    item_skills = Counter(s for item in ITEMS for s in item["skills"])
    lesson_skills = Counter(s for lesson in COURSE["lessons"] for s in lesson["skills"])
    for skill in SKILLS:
        assert item_skills[skill["slug"]] >= 8, skill["slug"]
        assert lesson_skills[skill["slug"]] >= 1, skill["slug"]
    for lesson in COURSE["lessons"]:
        for s in lesson["skills"]:
            assert s in module_of, lesson["slug"]
            assert module_of[s] == lesson["module"], lesson["slug"]
        words = len(lesson["body"].split())
        assert 150 <= words <= 400, (lesson["slug"], words)
        assert lesson["title"].strip()


def test_item_fields():
    skills = {s["slug"] for s in SKILLS}
    for item in ITEMS:
        slug = item["slug"]
        assert item["type"] in ITEM_TYPES, slug
        assert item["status"] == "published", slug
        assert item["stem"].strip(), slug
        assert item["skills"], slug
        assert set(item["skills"]) <= skills, slug
        assert len(item["skills"]) == len(set(item["skills"])) <= 2, slug
        irt = item["irt"]
        assert set(irt) == {"a", "b", "c"}, slug
        assert 0.8 <= irt["a"] <= 1.6, slug
        assert -2 <= irt["b"] <= 2, slug
        assert 0 <= irt["c"] < 0.5, slug
        if item["type"] in ("numeric", "short_text"):
            assert irt["c"] == 0, slug
        if item["type"] == "numeric":
            assert isinstance(item["answer"], (int, float)), slug
            assert isinstance(item["tolerance"], (int, float)), slug
            assert item["tolerance"] >= 0, slug
        if item["type"] == "short_text":
            accepted = item["accepted_answers"]
            assert accepted, slug
            assert all(isinstance(a, str) and a.strip() for a in accepted), slug
            normalised = [" ".join(a.casefold().split()) for a in accepted]
            assert len(normalised) == len(set(normalised)), slug


def test_choices():
    for item in ITEMS:
        if item["type"] not in ("single_choice", "multiple_choice"):
            assert "choices" not in item, item["slug"]
            continue
        choices = item["choices"]
        keys = [c["key"] for c in choices]
        texts = [c["text"].strip() for c in choices]
        assert len(choices) >= 2, item["slug"]
        assert len(keys) == len(set(keys)), item["slug"]
        assert len(texts) == len(set(texts)), item["slug"]
        assert all(isinstance(c["correct"], bool) for c in choices), item["slug"]
        n_correct = sum(c["correct"] for c in choices)
        if item["type"] == "single_choice":
            assert n_correct == 1, item["slug"]
            assert item["irt"]["c"] == pytest.approx(0.8 / len(choices), abs=0.01)
        else:
            assert n_correct >= 1, item["slug"]


def test_no_raw_html_in_markdown():
    texts = [COURSE["description"]]
    texts += [lesson["body"] for lesson in COURSE["lessons"]]
    for item in ITEMS:
        texts += [item["stem"], item["explanation"], *item["hints"]]
        texts += [c["text"] for c in item.get("choices", [])]
    for text in texts:
        assert not RAW_HTML_RE.search(text), text


def test_hints_do_not_give_away_short_answers():
    for item in ITEMS:
        if item["type"] == "short_text":
            answer = item["accepted_answers"][0]
            if "/" in answer:
                for hint in item["hints"]:
                    assert not re.search(rf"(?<![\d/]){re.escape(answer)}(?![\d/])", hint), (
                        item["slug"],
                        hint,
                    )
