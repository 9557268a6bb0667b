# Learner-facing maths text uses the real multiplication and division signs, not x.
"""Build the demo "Fractions" course in the course exchange format (version 1).

Run from the repository root::

    python apps/demo/courses/build_fractions.py

and commit the regenerated ``fractions.json`` next to this script.

How it works
------------
* All text (lessons, stems, hints, explanations) is hand-written; item text is only
  templated with the numbers of each item.
* Every answer is computed here with :class:`fractions.Fraction`, so keys are right by
  construction.  ``tests/curriculum/test_demo_course.py`` re-derives the answers
  independently from the stems.
* Stems that contain arithmetic keep the expression machine-readable inside a single
  code span, e.g. ``Work out `3/4 + 1/6`.``  Pictures are drawn with text:
  a bar ``■■■□□`` (black squares are shaded parts) and a number line
  ``0 |---|---●---| 1`` (each ``---`` is one equal gap, ``●`` marks a point on a tick).
  Stems without an expression (word problems, conceptual questions) contain no code span.
* Output is deterministic: choices are shuffled with ``random.Random(item_slug)``.
"""

from __future__ import annotations

import json
import random
import re
from fractions import Fraction as F
from math import gcd, lcm
from pathlib import Path

OUT = Path(__file__).with_name("fractions.json")

# --------------------------------------------------------------------------- helpers


def fs(x) -> str:
    """Fraction -> 'a/b' (or 'n' for whole numbers)."""
    x = F(x)
    if x.denominator == 1:
        return str(x.numerator)
    return f"{x.numerator}/{x.denominator}"


def mixed(x) -> str:
    """Fraction -> mixed number text such as '2 1/3' (or '3', or '2/5')."""
    x = F(x)
    q, r = divmod(x.numerator, x.denominator)
    if r == 0:
        return str(q)
    if q == 0:
        return f"{r}/{x.denominator}"
    return f"{q} {r}/{x.denominator}"


def P(text: str) -> F:
    """Parse the generator's own number notation: '3', '3/4', '2 1/3', '0.25'."""
    text = text.strip()
    if " " in text:
        whole, frac = text.split()
        return int(whole) + F(frac)
    return F(text)


def is_mixed_text(text: str) -> bool:
    return " " in text.strip()


def improper_text(text: str) -> str:
    """'2 1/3' -> '7/3'; '5' -> '5/1' is avoided: whole numbers stay as they are."""
    return fs(P(text))


def code(text: str) -> str:
    return f"`{text}`"


def bar(k: int, n: int) -> str:
    return "■" * k + "□" * (n - k)


def nline(k: int, n: int, lo: int = 0, hi: int = 1) -> str:
    """Number line from lo to hi with n equal gaps and a point on tick k."""
    ticks = "".join("---" + ("●" if i == k else "|") for i in range(1, n + 1))
    return f"{lo} |{ticks} {hi}"


UNIT_WORDS = {
    2: ("half", "halves"),
    3: ("third", "thirds"),
    4: ("quarter", "quarters"),
    5: ("fifth", "fifths"),
    6: ("sixth", "sixths"),
    7: ("seventh", "sevenths"),
    8: ("eighth", "eighths"),
    9: ("ninth", "ninths"),
    10: ("tenth", "tenths"),
    11: ("eleventh", "elevenths"),
    12: ("twelfth", "twelfths"),
    13: ("thirteenth", "thirteenths"),
    14: ("fourteenth", "fourteenths"),
    15: ("fifteenth", "fifteenths"),
    18: ("eighteenth", "eighteenths"),
    20: ("twentieth", "twentieths"),
    24: ("twenty-fourth", "twenty-fourths"),
}


def units(d: int) -> str:
    return UNIT_WORDS[d][1]


def expr_text(terms, ops) -> str:
    out = terms[0]
    for op, t in zip(ops, terms[1:], strict=True):
        out += f" {op} {t}"
    return out


def combine(values, ops) -> F:
    total = values[0]
    for op, v in zip(ops, values[1:], strict=True):
        total = total + v if op == "+" else total - v
    return total


def finish(n: int, d: int, *, to_mixed: bool = True) -> str:
    """Text for tidying up a raw result n/d: simplify, then convert to a mixed number."""
    out = ""
    g = gcd(n, d)
    v = F(n, d)
    if d == 1:
        return out
    if g > 1:
        if v.denominator == 1:
            out += f" `{n}/{d} = {v.numerator}`, a whole number."
            return out
        out += (
            f" Simplify by dividing the numerator and the denominator by {g}: `{n}/{d} = {fs(v)}`."
        )
    if to_mixed and v > 1 and v.denominator != 1:
        out += f" As a mixed number, `{fs(v)} = {mixed(v)}`."
    return out


def rewrite(v: F, d: int) -> str:
    """'2/3 = 8/12' style text (v rewritten with denominator d)."""
    m = d // v.denominator
    if m == 1:
        return f"`{fs(v)}` already has denominator {d}"
    if v.denominator == 1:
        return f"`{fs(v)} = {v.numerator * d}/{d}`"
    return f"`{fs(v)} = {v.numerator * m}/{d}` (× {m})"


# --------------------------------------------------------------------------- item builders


def _item(kind, stem, hints, explanation, b, a, extra, **fields):
    assert 1 <= len(hints) <= 3, stem
    return {
        "type": kind,
        "stem": stem,
        "extra": list(extra),
        "hints": list(hints),
        "explanation": explanation,
        "b": b,
        "a": a,
        **fields,
    }


def sc(stem, correct, wrong, hints, explanation, b, *, a=1.0, extra=(), shuffle=True):
    texts = [correct, *wrong]
    assert len(set(texts)) == len(texts), texts
    choices = [(correct, True)] + [(w, False) for w in wrong]
    return _item(
        "single_choice", stem, hints, explanation, b, a, extra, choices=choices, shuffle=shuffle
    )


def mc(stem, choices, hints, explanation, b, *, a=1.1, extra=()):
    texts = [t for t, _ in choices]
    assert len(set(texts)) == len(texts), texts
    assert any(c for _, c in choices)
    return _item(
        "multiple_choice", stem, hints, explanation, b, a, extra, choices=choices, shuffle=True
    )


def num(stem, answer, hints, explanation, b, *, a=1.3, extra=(), tolerance=1e-9):
    return _item(
        "numeric", stem, hints, explanation, b, a, extra, answer=F(answer), tolerance=tolerance
    )


def st(stem, accepted, hints, explanation, b, *, a=1.3, extra=()):
    return _item("short_text", stem, hints, explanation, b, a, extra, accepted=list(accepted))


SYMBOLS = ["<", "=", ">"]


def symbol_item(left, right, hints, explanation, b, *, a=1.0, extra=()):
    lv, rv = P_expr(left), P_expr(right)
    sym = "<" if lv < rv else (">" if lv > rv else "=")
    stem = f"Which symbol makes this statement true?\n\n{code(f'{left} ☐ {right}')}"
    choices = [(s, s == sym) for s in SYMBOLS]
    return _item(
        "single_choice", stem, hints, explanation, b, a, extra, choices=choices, shuffle=False
    )


def P_expr(text: str) -> F:
    """The generator's own tiny evaluator for 'a × b' products used in a few stems."""
    if " × " in text:
        left, right = text.split(" × ")
        return P(left) * P(right)
    return P(text)


def mixed_accepted(v: F) -> list[str]:
    """Accepted spellings of a mixed-number answer."""
    m = mixed(v)
    if " " in m:
        whole, frac = m.split()
        return [m, f"{whole} and {frac}"]
    return [m]


def frac_accepted(v: F) -> list[str]:
    t = fs(v)
    if "/" in t:
        n, d = t.split("/")
        return [t, f"{n} / {d}"]
    return [t]


# --------------------------------------------------------------------------- course outline

MODULES = [
    {
        "slug": "m1-what-is-a-fraction",
        "title": "What is a fraction?",
        "description": "Fractions as equal parts of a whole, fractions on the number line, "
        "and comparing fractions that share a denominator or a numerator.",
    },
    {
        "slug": "m2-equivalence-and-comparing",
        "title": "Equivalent fractions and comparing",
        "description": "Factors and multiples, equivalent fractions, simplifying, common "
        "denominators and comparing any two fractions.",
    },
    {
        "slug": "m3-improper-fractions-and-mixed-numbers",
        "title": "Improper fractions and mixed numbers",
        "description": "Division with remainders and converting between improper fractions "
        "and mixed numbers in both directions.",
    },
    {
        "slug": "m4-adding-and-subtracting",
        "title": "Adding and subtracting fractions",
        "description": "Adding and subtracting fractions with like and unlike denominators, "
        "and with mixed numbers.",
    },
    {
        "slug": "m5-multiplying-and-dividing",
        "title": "Multiplying and dividing fractions",
        "description": "Multiplying fractions by whole numbers and by fractions, reciprocals, "
        "and dividing fractions.",
    },
    {
        "slug": "m6-decimals-and-problem-solving",
        "title": "Decimals and problem solving",
        "description": "Converting between fractions and decimals, finding a fraction of an "
        "amount, and solving word problems with fractions.",
    },
]

# (slug, item prefix, name, description, module, prerequisites) -- in course order.
SKILLS = [
    (
        "fraction-part-of-whole",
        "fpw",
        "Fractions as parts of a whole",
        "Name the fraction of a whole split into equal parts; know what the numerator and "
        "denominator mean.",
        "m1-what-is-a-fraction",
        [],
    ),
    (
        "fractions-on-number-line",
        "fnl",
        "Fractions on the number line",
        "Place and read fractions on a number line, including fractions greater than 1.",
        "m1-what-is-a-fraction",
        ["fraction-part-of-whole"],
    ),
    (
        "comparing-like-fractions",
        "cld",
        "Comparing fractions with the same denominator",
        "Compare and order fractions that share a denominator, or that share a numerator.",
        "m1-what-is-a-fraction",
        ["fractions-on-number-line"],
    ),
    (
        "factors-and-multiples",
        "fam",
        "Factors, multiples, HCF and LCM",
        "Find factors and multiples, the highest common factor and the lowest common multiple.",
        "m2-equivalence-and-comparing",
        [],
    ),
    (
        "equivalent-fractions",
        "eqf",
        "Equivalent fractions",
        "Recognise and make equivalent fractions by multiplying or dividing the numerator and "
        "denominator by the same number.",
        "m2-equivalence-and-comparing",
        ["fraction-part-of-whole"],
    ),
    (
        "simplifying-fractions",
        "smp",
        "Simplifying fractions",
        "Write a fraction in its simplest form using common factors.",
        "m2-equivalence-and-comparing",
        ["equivalent-fractions", "factors-and-multiples"],
    ),
    (
        "common-denominators",
        "cmd",
        "Common denominators",
        "Find the lowest common denominator of two fractions and rewrite them over it.",
        "m2-equivalence-and-comparing",
        ["equivalent-fractions", "factors-and-multiples"],
    ),
    (
        "comparing-unlike-fractions",
        "cud",
        "Comparing fractions with different denominators",
        "Compare and order fractions with different denominators.",
        "m2-equivalence-and-comparing",
        ["comparing-like-fractions", "common-denominators"],
    ),
    (
        "division-with-remainders",
        "dwr",
        "Division with remainders",
        "Divide whole numbers and give the quotient and remainder.",
        "m3-improper-fractions-and-mixed-numbers",
        [],
    ),
    (
        "improper-to-mixed",
        "itm",
        "Improper fractions to mixed numbers",
        "Convert improper fractions to mixed numbers or whole numbers.",
        "m3-improper-fractions-and-mixed-numbers",
        ["fractions-on-number-line", "division-with-remainders"],
    ),
    (
        "mixed-to-improper",
        "mti",
        "Mixed numbers to improper fractions",
        "Convert mixed numbers to improper fractions.",
        "m3-improper-fractions-and-mixed-numbers",
        ["improper-to-mixed"],
    ),
    (
        "add-subtract-like-denominators",
        "asl",
        "Adding and subtracting with like denominators",
        "Add and subtract fractions that have the same denominator.",
        "m4-adding-and-subtracting",
        ["fractions-on-number-line"],
    ),
    (
        "add-subtract-unlike-denominators",
        "asu",
        "Adding and subtracting with unlike denominators",
        "Add and subtract fractions with different denominators using a common denominator.",
        "m4-adding-and-subtracting",
        ["add-subtract-like-denominators", "common-denominators"],
    ),
    (
        "add-subtract-mixed-numbers",
        "asm",
        "Adding and subtracting mixed numbers",
        "Add and subtract mixed numbers, including carrying and borrowing a whole.",
        "m4-adding-and-subtracting",
        ["add-subtract-unlike-denominators", "mixed-to-improper"],
    ),
    (
        "multiply-fraction-by-whole",
        "mfw",
        "Multiplying a fraction by a whole number",
        "Multiply a fraction or mixed number by a whole number.",
        "m5-multiplying-and-dividing",
        ["add-subtract-like-denominators", "improper-to-mixed"],
    ),
    (
        "multiply-fractions",
        "mfr",
        "Multiplying fractions",
        "Multiply two fractions or mixed numbers and simplify the answer.",
        "m5-multiplying-and-dividing",
        ["multiply-fraction-by-whole", "simplifying-fractions"],
    ),
    (
        "reciprocals",
        "rec",
        "Reciprocals",
        "Find the reciprocal of a fraction, whole number, mixed number or decimal.",
        "m5-multiplying-and-dividing",
        ["multiply-fractions", "mixed-to-improper"],
    ),
    (
        "divide-fractions",
        "dvf",
        "Dividing fractions",
        "Divide fractions, whole numbers and mixed numbers by multiplying by the reciprocal.",
        "m5-multiplying-and-dividing",
        ["reciprocals"],
    ),
    (
        "fractions-to-decimals",
        "ftd",
        "Fractions to decimals",
        "Write fractions as terminating decimals and round recurring decimals.",
        "m6-decimals-and-problem-solving",
        ["equivalent-fractions"],
    ),
    (
        "decimals-to-fractions",
        "dtf",
        "Decimals to fractions",
        "Write decimals as fractions or mixed numbers in simplest form and compare decimals "
        "with fractions.",
        "m6-decimals-and-problem-solving",
        ["fractions-to-decimals", "simplifying-fractions"],
    ),
    (
        "fraction-of-quantity",
        "foq",
        "Fraction of a quantity",
        "Find a fraction of an amount, and find the whole from a fraction of it.",
        "m6-decimals-and-problem-solving",
        ["multiply-fraction-by-whole"],
    ),
    (
        "fraction-word-problems",
        "fwp",
        "Word problems with fractions",
        "Choose and carry out the right fraction operations to solve problems in context.",
        "m6-decimals-and-problem-solving",
        ["fraction-of-quantity", "add-subtract-unlike-denominators", "divide-fractions"],
    ),
]

# --------------------------------------------------------------------------- lessons


def md(text: str) -> str:
    """Unwrap hand-wrapped Markdown: continuation lines are joined to the line above.

    A line starts a new logical line when it begins a list item ('- ', '1. ') or when it
    follows a blank line.  Everything else is a soft-wrapped continuation.
    """
    blocks = text.strip().split("\n\n")
    out = []
    for block in blocks:
        logical: list[str] = []
        for line in block.split("\n"):
            line = line.strip()
            if not logical or re.match(r"(- |\d+\. )", line):
                logical.append(line)
            else:
                logical[-1] += " " + line
        out.append("\n".join(logical))
    return "\n\n".join(out)


LESSONS = {
    "fraction-part-of-whole": (
        "What is a fraction?",
        """
A **fraction** describes part of a whole that has been split into **equal** parts.

In the fraction `3/4`:

- the **denominator** (the bottom number, 4) tells you how many equal parts the whole is
  split into;
- the **numerator** (the top number, 3) tells you how many of those parts you are
  talking about.

So `3/4` means "3 of 4 equal parts". A fraction with numerator 1, such as `1/5`, is
called a **unit fraction**: it is one single part.

In this course, bars like `■■■□□□□□` are used as pictures. Each box is one equal
part; the coloured boxes are the shaded parts.

**Worked example**

What fraction of `■■■□□□□□` is shaded?

1. Count all the parts: there are 8 parts, so the denominator is 8.
2. Count the shaded parts: 3 parts are shaded, so the numerator is 3.
3. The shaded fraction is `3/8`. The unshaded fraction is `5/8`, because 8 - 3 = 5
   parts are left.

Notice that `3/8` and `5/8` together make `8/8`, which is one whole.

**The more parts, the smaller each part.** If one cake is cut into 3 equal pieces and an
identical cake into 5 equal pieces, each piece of the first cake is bigger. So `1/3` is
bigger than `1/5`, even though 5 is bigger than 3.

**Common mistake to avoid**

Don't compare the shaded parts with the unshaded parts. For `■■■□□□□□`, writing `3/5`
(3 shaded, 5 unshaded) is wrong: the denominator must count **all** the parts of the
whole. Also check that the parts really are equal: a shape cut into 4 pieces of
different sizes is not split into quarters.
""",
    ),
    "fractions-on-number-line": (
        "Fractions on the number line",
        """
Fractions are numbers, so they have a place on the **number line**.

To show fractions between 0 and 1, split the gap from 0 to 1 into equal parts. If there
are 5 equal parts, each jump is `1/5`. The tick marks are at `1/5`, `2/5`, `3/5`, `4/5`,
and the end point 1 is `5/5`.

In this course a number line is drawn like this: `0 |---|---|---●---| 1`. Each `---`
is one equal gap, each `|` is a tick mark, and `●` marks a point on a tick.

**Worked example**

What number is marked on `0 |---|---|---●---| 1`?

1. Count the **gaps** between 0 and 1: there are 4, so each gap is `1/4`.
2. Count the gaps from 0 to the point: 3.
3. The point is at `3/4`.

Number lines can go past 1. On a line from 0 to 2 split into halves, the ticks are at
`1/2`, `2/2` (which is 1), `3/2` and `4/2` (which is 2). Fractions bigger than 1, such
as `3/2`, sit to the right of 1.

**Using benchmarks.** `1/2` sits exactly halfway between 0 and 1. A fraction whose
numerator is less than half of its denominator (like `3/8`) is closer to 0; one whose
numerator is more than half of its denominator (like `5/8`) is closer to 1.

**Common mistake to avoid**

Count the **gaps**, not the tick marks. `0 |---|---|---●---| 1` has 5 tick marks
including both ends, but only 4 gaps, so the point is `3/4`, not `3/5`. And if the line
goes from 0 to 2, remember that the whole line is two wholes, not one.
""",
    ),
    "comparing-like-fractions": (
        "Comparing fractions with the same denominator",
        """
When two fractions have the **same denominator**, the parts are the same size, so you
only need to compare the numerators.

`5/7` is greater than `3/7` because 5 sevenths is more than 3 sevenths. We write
`5/7 > 3/7` or `3/7 < 5/7`. The open side of the symbol faces the bigger number.

When two fractions have the **same numerator**, you have the same number of parts, but
the parts are different sizes. The bigger the denominator, the smaller each part. So
`2/5 > 2/9`, because fifths are bigger than ninths.

**Worked example 1**

Put `5/8, 1/8, 7/8, 3/8` in order from smallest to largest.

All the denominators are 8, so order the numerators: 1, 3, 5, 7. The answer is
`1/8, 3/8, 5/8, 7/8`.

**Worked example 2**

Which is bigger, `1/3` or `1/5`?

The numerators are both 1. Thirds are bigger pieces than fifths (3 pieces make a whole
instead of 5), so `1/3 > 1/5`.

On a number line, the larger fraction is always further to the right. Also remember
that any fraction with equal numerator and denominator, such as `4/4` or `9/9`, is
exactly 1.

**Common mistake to avoid**

Don't think "bigger denominator means bigger fraction". `1/8` is **smaller** than `1/4`:
if you share a pizza between 8 people, each person gets less than if you share it
between 4. Only compare the numerators directly when the denominators are the same.
""",
    ),
    "factors-and-multiples": (
        "Factors, multiples, HCF and LCM",
        """
Two number ideas make fraction work much easier.

A **factor** of a number divides it exactly. The factors of 12 are 1, 2, 3, 4, 6 and 12.
A **multiple** of a number is in its times table: the multiples of 4 are 4, 8, 12, 16,
20 and so on.

The **highest common factor (HCF)** of two numbers is the biggest number that is a
factor of both. You will use it to simplify fractions.

The **lowest common multiple (LCM)** of two numbers is the smallest number that is a
multiple of both. You will use it to find common denominators.

**Worked example: the HCF of 12 and 18**

- Factors of 12: 1, 2, 3, 4, 6, 12.
- Factors of 18: 1, 2, 3, 6, 9, 18.
- Common factors: 1, 2, 3, 6. The highest is **6**.

**Worked example: the LCM of 4 and 6**

- Multiples of 4: 4, 8, **12**, 16, 20, 24, …
- Multiples of 6: 6, **12**, 18, 24, …
- The first number on both lists is **12**.

A quick method for the LCM: list the multiples of the bigger number (6, 12, 18, …) and
stop at the first one that the smaller number divides exactly.

**Common mistake to avoid**

Multiplying the two numbers always gives *a* common multiple, but not always the
*lowest* one: 4 × 6 = 24, yet the LCM of 4 and 6 is 12. Also, don't mix the two ideas
up. The HCF is never bigger than the smaller number, and the LCM is never smaller than
the bigger number.
""",
    ),
    "equivalent-fractions": (
        "Equivalent fractions",
        """
**Equivalent fractions** are different fractions that name the same amount. `1/2`, `2/4`
and `4/8` all describe half of a whole: `■□`, `■■□□` and `■■■■□□□□` all have exactly
half of the bar shaded.

To make an equivalent fraction, **multiply (or divide) the numerator and the denominator
by the same number**. Cutting every part into 3 smaller equal parts triples the number
of parts and triples the number of shaded parts too:

`2/3 = (2 × 3)/(3 × 3) = 6/9`

This works because multiplying the top and bottom by 3 is the same as multiplying by
`3/3`, which is 1, and multiplying by 1 does not change a number.

**Worked example**

Find the missing number: `3/5 = ?/20`.

1. Look at the denominators: 5 has become 20. What was it multiplied by? 20 ÷ 5 = 4.
2. Do the same to the numerator: 3 × 4 = 12.
3. So `3/5 = 12/20`.

To check whether two fractions are equivalent, simplify both, or cross-multiply: `2/3`
and `8/12` are equivalent because 2 × 12 = 24 and 3 × 8 = 24.

**Common mistake to avoid**

**Adding** the same number to the top and the bottom does *not* make an equivalent
fraction. `2/3` is not equal to `3/4` (adding 1 to each): `2/3` of a pizza is less than
`3/4` of it. Always multiply or divide, never add or subtract.
""",
    ),
    "simplifying-fractions": (
        "Simplifying fractions",
        """
A fraction is in **simplest form** (or lowest terms) when its numerator and denominator
have no common factor except 1. `3/4` is in simplest form; `6/8` is not, because 6 and
8 are both even.

To simplify, **divide the numerator and the denominator by a common factor**, and keep
going until no common factor is left. The fastest way is to divide by the **highest
common factor (HCF)** in one step. Simplifying gives an equivalent fraction: the value
does not change, only the way it is written.

**Worked example**

Write `18/24` in simplest form.

*Method 1, step by step:*

- Both numbers are even: `18/24 = 9/12` (divide by 2).
- Both are in the 3 times table: `9/12 = 3/4` (divide by 3).
- 3 and 4 have no common factor except 1, so stop.

*Method 2, one step:* the HCF of 18 and 24 is 6, and 18 ÷ 6 = 3 and 24 ÷ 6 = 4, so the
answer is `3/4`.

Both methods give `3/4`.

**Tips for spotting common factors**

- Both numbers even: divide by 2.
- Both end in 0 or 5: divide by 5.
- The digits of each number add up to a multiple of 3: divide by 3.

**Common mistake to avoid**

Stopping too early. `18/24 = 9/12` is correct, but `9/12` is not in simplest form yet.
Always check again whether the new numerator and denominator share a factor. And never
divide the top and the bottom by *different* numbers: that changes the value of the
fraction.
""",
    ),
    "common-denominators": (
        "Common denominators",
        """
To add, subtract or compare fractions with different denominators, you first rewrite
them so that they have the **same denominator**: a **common denominator**.

A common denominator must be a multiple of *both* denominators. Any common multiple
works, but the **lowest common denominator** (the LCM of the denominators) keeps the
numbers small.

**Worked example**

Rewrite `2/3` and `3/4` with their lowest common denominator.

1. Find the LCM of 3 and 4. The multiples of 4 are 4, 8, 12, … and 12 is also a
   multiple of 3, so the LCM is 12.
2. Change `2/3`: 3 × 4 = 12, so multiply the top and the bottom by 4: `2/3 = 8/12`.
3. Change `3/4`: 4 × 3 = 12, so multiply the top and the bottom by 3: `3/4 = 9/12`.

Now the fractions are `8/12` and `9/12`, and it is easy to see that `3/4` is the larger.

**When one denominator is a multiple of the other**, the bigger denominator is already a
common denominator. For `1/2` and `3/8`, use 8: `1/2 = 4/8`.

**When the denominators share no factor**, such as 3 and 5, the lowest common
denominator is their product: 15.

**Common mistake to avoid**

Changing the denominator without changing the numerator. `1/3` is **not** `1/12`: if you
multiply the denominator by 4, you must multiply the numerator by 4 too, so
`1/3 = 4/12`. Another mistake is adding the denominators (3 + 4 = 7): 7 is not a
multiple of 3 or of 4.
""",
    ),
    "comparing-unlike-fractions": (
        "Comparing fractions with different denominators",
        """
To compare fractions with different denominators, make the denominators the same first.
Then the parts are the same size and you can compare the numerators.

**Worked example**

Which is bigger, `3/8` or `2/5`?

1. The lowest common denominator of 8 and 5 is 40.
2. `3/8 = 15/40` (multiply the top and the bottom by 5).
3. `2/5 = 16/40` (multiply the top and the bottom by 8).
4. 15 < 16, so `3/8 < 2/5`.

**Other useful strategies**

- **Compare with a half.** `4/9` is less than a half (half of 9 is 4.5), and `3/5` is
  more than a half, so `4/9 < 3/5`.
- **Missing pieces.** `11/12` is `1/12` away from 1, and `12/13` is `1/13` away. The gap
  `1/13` is smaller, so `12/13` is closer to 1 and therefore larger.
- **Decimals.** Converting to decimals also works: `3/8 = 0.375` and `2/5 = 0.4`.

To put several fractions in order, rewrite them all over one common denominator, then
order the numerators.

**Common mistake to avoid**

Don't compare the numerators (or the denominators) on their own when the denominators
are different. `3/8` has a bigger numerator than `2/5`, but it is actually smaller. And
don't assume that a fraction written with bigger numbers is bigger: `4/6` and `6/9` look
different but are equal, because both simplify to `2/3`.
""",
    ),
    "division-with-remainders": (
        "Division with remainders",
        """
Converting between improper fractions and mixed numbers relies on division with
remainders, so it is worth practising.

When a number does not divide exactly, the answer has two parts:

- the **quotient**: how many whole times the divisor fits;
- the **remainder**: what is left over.

We write `17 ÷ 5 = 3 r 2`, because 5 fits into 17 three times (3 × 5 = 15) with 2 left
over (17 - 15 = 2).

**Worked example**

Work out `38 ÷ 6`.

1. Go up the 6 times table without passing 38: 6, 12, 18, 24, 30, 36. The next one, 42,
   is too big.
2. 36 = 6 × 6, so the quotient is 6.
3. The remainder is 38 - 36 = 2.
4. Answer: `6 r 2`. Check: 6 × 6 + 2 = 38.

The remainder is always **smaller than the divisor**. If your remainder is 6 or more
when dividing by 6, another 6 fits in, so the quotient should be one bigger.

**Link to fractions.** The remainder can be written as a fraction of the divisor:
`17 ÷ 5 = 3 r 2`, which is `3 2/5`. You will use this in the next lesson.

**In word problems**, think about what the remainder means. If 29 pupils travel in cars
that hold 4 pupils each, then `29 ÷ 4 = 7 r 1`. The one pupil left over still needs a
car, so 8 cars are needed.

**Common mistake to avoid**

Always check by multiplying back: quotient × divisor + remainder should give the number
you started with. A remainder that is equal to or bigger than the divisor means the
division is not finished.
""",
    ),
    "improper-to-mixed": (
        "Improper fractions to mixed numbers",
        """
An **improper fraction** has a numerator that is equal to or bigger than its
denominator, such as `7/3` or `5/5`. Its value is 1 or more.

A **mixed number** has a whole-number part and a proper fraction part, such as `2 1/3`
(read "two and one third"). `7/3` and `2 1/3` are the same number: seven thirds make two
wholes (six thirds) with one third left over.

**Method: divide the numerator by the denominator.**

- The quotient is the whole-number part.
- The remainder is the new numerator.
- The denominator stays the same.

**Worked example**

Write `17/5` as a mixed number.

1. `17 ÷ 5 = 3 r 2`.
2. The whole-number part is 3.
3. The remainder 2 becomes the numerator, and the denominator stays 5.
4. So `17/5 = 3 2/5`.

Check: 3 wholes are `15/5`, and `15/5` plus `2/5` makes `17/5`.

If there is no remainder, the fraction is a whole number: `12/4 = 3`. If the fraction
part can be simplified, simplify it: `14/4 = 3 2/4 = 3 1/2`.

On the number line, `17/5` lies between 3 and 4, because `15/5 = 3` and `20/5 = 4`.

**Common mistake to avoid**

Don't swap the quotient and the remainder: `17/5` is **not** `2 3/5`. The quotient (how
many fives fit into 17) is the whole number; the remainder (what is left) goes on top of
the fraction. Also, don't stop halfway: `1 12/5` is equal to `17/5`, but it is not a
finished mixed number because `12/5` is still more than 1.
""",
    ),
    "mixed-to-improper": (
        "Mixed numbers to improper fractions",
        """
To turn a **mixed number** into an **improper fraction**, count how many equal parts
there are altogether.

In `2 3/5`, each whole is `5/5`, so two wholes are `10/5`. Add the extra `3/5` and you
get `13/5`.

**Method**

1. Multiply the whole number by the denominator.
2. Add the numerator.
3. Put the result over the **same** denominator.

In short: `2 3/5` gives `(2 × 5 + 3)/5 = 13/5`.

**Worked example**

Write `4 2/3` as an improper fraction.

1. 4 × 3 = 12 (four wholes are twelve thirds).
2. 12 + 2 = 14.
3. So `4 2/3 = 14/3`.

Check by converting back: `14 ÷ 3 = 4 r 2`, so `14/3 = 4 2/3`.

**Why this matters.** Multiplying and dividing mixed numbers is much easier if you first
change them into improper fractions. It also helps when subtracting, for example when you
need to "borrow" a whole.

A whole number can be written as an improper fraction too: `3 = 12/4 = 6/2`.

**Common mistake to avoid**

Multiplying the wrong numbers. For `2 3/5`, some learners work out 2 × 3 + 5 = 11 and
write `11/5`. The whole number must be multiplied by the **denominator** (the size of
the parts), not by the numerator. Another mistake is forgetting to add the numerator:
`2 3/5` is not `10/5`, which is only the two wholes.
""",
    ),
    "add-subtract-like-denominators": (
        "Adding and subtracting with like denominators",
        """
When fractions have the **same denominator**, the parts are the same size, so you can
simply count them.

`2/7 + 3/7` means "2 sevenths plus 3 sevenths", which is 5 sevenths: `5/7`.

**Rule:** add (or subtract) the numerators and **keep the denominator**.

On a number line from 0 to 1 split into sevenths, start at `2/7` and jump 3 sevenths to
the right: you land on `5/7`. Subtracting means jumping to the left.

**Worked example**

Work out `5/12 + 1/12` and give the answer in simplest form.

1. The denominators are the same, so add the numerators: 5 + 1 = 6.
2. Keep the denominator: `6/12`.
3. Simplify: the HCF of 6 and 12 is 6, so `6/12 = 1/2`.

**Subtracting from 1.** One whole is the same as a fraction with equal numerator and
denominator. To find `1 - 3/8`, write 1 as `8/8`: `8/8 - 3/8 = 5/8`.

**Answers bigger than 1.** `4/5 + 3/5 = 7/5`, an improper fraction. You can also write
it as the mixed number `1 2/5`.

**Common mistake to avoid**

Do **not** add the denominators. `3/8 + 4/8` is not `7/16`. Think about it: three
eighths of a pizza plus four eighths of the same pizza is seven eighths of the pizza,
because the slices are still eighths. The denominator names the size of the parts, and
putting pieces together does not change their size.
""",
    ),
    "add-subtract-unlike-denominators": (
        "Adding and subtracting with unlike denominators",
        """
You can only add or subtract fractions directly when the parts are the same size. If the
denominators are different, **rewrite the fractions with a common denominator first**.

**Method**

1. Find the lowest common denominator (the LCM of the denominators).
2. Rewrite each fraction as an equivalent fraction with that denominator.
3. Add or subtract the numerators, and keep the denominator.
4. Simplify, and change an improper answer to a mixed number if you are asked to.

**Worked example**

Work out `2/3 + 1/5`.

1. The LCM of 3 and 5 is 15.
2. `2/3 = 10/15` (× 5 top and bottom) and `1/5 = 3/15` (× 3 top and bottom).
3. `10/15 + 3/15 = 13/15`.
4. 13 and 15 have no common factor, so the answer is `13/15`.

**Another example:** `5/6 - 1/3`. Since 6 is a multiple of 3, use 6: `1/3 = 2/6`. Then
`5/6 - 2/6 = 3/6 = 1/2`.

You can add three fractions in the same way, using a denominator that all of them
divide into: `1/2 + 1/3 + 1/6 = 3/6 + 2/6 + 1/6 = 6/6 = 1`.

**Common mistake to avoid**

Adding the numerators and adding the denominators: `2/3 + 1/5` is **not** `3/8`. A quick
check shows why: `3/8` is less than a half, but `2/3` on its own is already more than a
half! Another mistake is changing the denominators but forgetting to change the
numerators, for example writing `2/15 + 1/15`.
""",
    ),
    "add-subtract-mixed-numbers": (
        "Adding and subtracting mixed numbers",
        """
There are two good methods for adding and subtracting mixed numbers.

**Method 1: wholes and parts separately.** Add (or subtract) the whole numbers, then the
fractions, then tidy up: `2 1/5 + 1 3/5 = 3 + 4/5 = 3 4/5`. If the fraction parts add
up to more than 1, carry a whole: `2 2/3 + 1 1/2 = 3 + 4/6 + 3/6 = 3 + 7/6`, and
`7/6 = 1 1/6`, so the answer is `4 1/6`.

**Method 2: improper fractions.** Change each mixed number into an improper fraction,
add or subtract, then change back. This always works and is often the safest way to
subtract.

**Worked example (subtraction with borrowing)**

Work out `4 1/4 - 1 3/4`.

*Method 1:* `1/4` is smaller than `3/4`, so borrow one whole from the 4, which gives
`4 1/4 = 3 5/4`. Now `3 5/4 - 1 3/4 = 2 2/4 = 2 1/2`.

*Method 2:* `4 1/4 = 17/4` and `1 3/4 = 7/4`, and `17/4 - 7/4 = 10/4 = 5/2 = 2 1/2`.

Both methods give `2 1/2`.

For a whole number minus a mixed number, write the whole number as a mixed number
first: `5 - 2 3/8 = 4 8/8 - 2 3/8 = 2 5/8`.

**Common mistake to avoid**

When the first fraction part is smaller, don't just subtract the other way round. In
`5 1/3 - 2 2/3`, working out `2/3 - 1/3` to get `3 1/3` is wrong. You must borrow a
whole: `4 4/3 - 2 2/3 = 2 2/3`. Also, don't leave answers like `4 5/4`: a mixed number is
only finished when its fraction part is less than 1.
""",
    ),
    "multiply-fraction-by-whole": (
        "Multiplying a fraction by a whole number",
        """
Multiplying a fraction by a whole number is repeated addition:

`3 × 2/7 = 2/7 + 2/7 + 2/7 = 6/7`

Three lots of two sevenths is six sevenths. So: **multiply the numerator by the whole
number and keep the denominator**. The order does not matter: `2/7 × 3` is also `6/7`.

**Worked example**

Work out `4 × 3/5` and give the answer as a mixed number.

1. Multiply the numerator by 4: 4 × 3 = 12.
2. Keep the denominator: `12/5`.
3. Convert: `12 ÷ 5 = 2 r 2`, so `12/5 = 2 2/5`.

**Simplify when you can.** `12 × 5/6 = 60/6 = 10`. You can also divide first: 12 ÷ 6 = 2,
so `12 × 5/6 = 2 × 5 = 10`. Dividing by the denominator first keeps the numbers small.

**With a mixed number**, either turn it into an improper fraction or multiply the wholes
and the parts separately: `3 × 1 1/4 = 3 × 5/4 = 15/4 = 3 3/4`, or
`3 × 1 = 3` and `3 × 1/4 = 3/4`, which again makes `3 3/4`.

**Common mistake to avoid**

Do not multiply the denominator as well. `5 × 2/3` is **not** `10/15`. Multiplying the
top and the bottom by 5 gives an equivalent fraction (the same value as `2/3`), but five
lots of `2/3` must be much bigger than `2/3`. Think of it as 5 × (2 thirds) = 10 thirds,
which is `10/3`.
""",
    ),
    "multiply-fractions": (
        "Multiplying fractions",
        """
To multiply two fractions, **multiply the numerators together and multiply the
denominators together**:

`2/3 × 4/5 = (2 × 4)/(3 × 5) = 8/15`

**Why it works.** `2/3 × 4/5` means "`2/3` of `4/5`". Picture a rectangle split into 5
columns with 4 of them shaded: that is `4/5`. Now split it into 3 rows and keep 2 of
them. You have 8 small pieces out of 15 in total: `8/15`.

When you multiply by a fraction smaller than 1, the answer is **smaller** than the
number you started with: `2/3 × 4/5` is less than `4/5`.

**Worked example**

Work out `4/9 × 3/8` in simplest form.

*Multiply, then simplify:* `(4 × 3)/(9 × 8) = 12/72 = 1/6`.

*Simplify first (cancelling):* 4 and 8 share a factor of 4, and 3 and 9 share a factor
of 3, so `4/9 × 3/8 = 1/3 × 1/2 = 1/6`. Cancelling before multiplying keeps the numbers
small.

**Mixed numbers:** change them into improper fractions first:
`1 1/2 × 2/3 = 3/2 × 2/3 = 6/6 = 1`.

**Common mistake to avoid**

Don't look for a common denominator: that is only needed for adding and subtracting.
`3/4 × 2/5` is simply `6/20 = 3/10`. Don't add either: `3/4 × 2/5` is not `5/9`. And
don't multiply the whole parts and the fraction parts of mixed numbers separately:
`2 1/2 × 1 1/3` is not `2 1/6`.
""",
    ),
    "reciprocals": (
        "Reciprocals",
        """
The **reciprocal** of a number is what you multiply it by to get 1.

For a fraction, you find the reciprocal by **turning it upside down**: the reciprocal of
`3/5` is `5/3`, because `3/5 × 5/3 = 15/15 = 1`.

- The reciprocal of a whole number such as 7 is `1/7`, because 7 is `7/1`.
- The reciprocal of a unit fraction such as `1/4` is the whole number 4.
- The reciprocal of 1 is 1.
- **0 has no reciprocal**: nothing multiplied by 0 gives 1.

**Worked example**

Find the reciprocal of `2 1/2`.

1. Change it into an improper fraction: `2 1/2 = 5/2`.
2. Turn it upside down: `2/5`.
3. Check: `5/2 × 2/5 = 10/10 = 1`.

For a decimal, change it into a fraction first: `0.2 = 1/5`, so its reciprocal is 5.

Reciprocals are the key to dividing fractions: dividing by a number is the same as
multiplying by its reciprocal. That is the next lesson.

**Common mistake to avoid**

With mixed numbers, don't flip only the fraction part. The reciprocal of `1 1/3` is not
`1 3/1` (which is 4): change `1 1/3` into `4/3` first, then flip it to get `3/4`. Also,
the reciprocal is not "what you add to make 1": the reciprocal of `4/9` is `9/4`, not
`5/9`.
""",
    ),
    "divide-fractions": (
        "Dividing fractions",
        """
To divide by a fraction, **multiply by its reciprocal**. A popular way to remember this
is "keep, change, flip":

- **Keep** the first fraction.
- **Change** ÷ into ×.
- **Flip** the second fraction (use its reciprocal).

For example, `2/5 ÷ 3/4 = 2/5 × 4/3 = 8/15`.

**Why it works.** `1/2 ÷ 1/4` asks "how many quarters fit into a half?". Two quarters
make a half, so the answer is 2. And indeed `1/2 × 4/1 = 4/2 = 2`. Dividing by `1/4` is
the same as multiplying by 4, because every whole contains 4 quarters.

Notice that dividing by a fraction less than 1 makes the answer **bigger**.

**Worked example**

Work out `1 1/2 ÷ 3/4`.

1. Change mixed numbers into improper fractions: `1 1/2 = 3/2`.
2. Keep, change, flip: `3/2 × 4/3`.
3. Multiply: `12/6 = 2`.

So two lots of `3/4` fit into `1 1/2`. Check: `2 × 3/4 = 6/4 = 1 1/2`.

**Dividing by a whole number:** write it as a fraction first, so
`2/3 ÷ 4 = 2/3 ÷ 4/1 = 2/3 × 1/4 = 2/12 = 1/6`.

**Common mistake to avoid**

Flipping the wrong fraction. In `2/5 ÷ 3/4`, only the second fraction (the divisor) is
flipped. Flipping the first one instead gives `5/2 × 3/4 = 15/8`, which is wrong. Also
remember to change mixed numbers into improper fractions **before** you flip.
""",
    ),
    "fractions-to-decimals": (
        "Fractions to decimals",
        """
A fraction is a division: `3/4` means `3 ÷ 4`. So every fraction can be written as a
decimal.

**Method 1: use a denominator of 10, 100 or 1000.** Decimals count tenths, hundredths
and thousandths, so if you can make an equivalent fraction with one of these
denominators, you can read off the decimal.

- `3/10 = 0.3` (three tenths)
- `7/100 = 0.07` (seven hundredths)
- `3/5 = 6/10 = 0.6`
- `7/20 = 35/100 = 0.35`

**Method 2: divide the numerator by the denominator.**

**Worked example**

Write `3/8` as a decimal.

8 does not go into 10 or 100 exactly, but it does go into 1000: 1000 ÷ 8 = 125. So
`3/8 = 375/1000 = 0.375`. Dividing 3 by 8 gives the same answer, 0.375.

**Recurring decimals.** Some fractions never stop: `2/3 = 0.666…`. Then you round. To 2
decimal places, `2/3` is about 0.67, because the third decimal digit is 6, so you round
up.

Useful facts to remember: `1/2 = 0.5`, `1/4 = 0.25`, `3/4 = 0.75`, `1/5 = 0.2` and
`1/8 = 0.125`.

**Common mistake to avoid**

Don't just write the digits on either side of a decimal point. `3/4` is not 3.4 and not
0.34. The denominator tells you the size of the parts: `3/4` is three quarters, which is
75 hundredths, or 0.75. Take care with hundredths too: `7/100` is 0.07, not 0.7.
""",
    ),
    "decimals-to-fractions": (
        "Decimals to fractions",
        """
Every decimal that stops (a **terminating** decimal) can be written as a fraction by
using place value.

- One decimal place means **tenths**: `0.7 = 7/10`.
- Two decimal places means **hundredths**: `0.09 = 9/100` and `0.45 = 45/100`.
- Three decimal places means **thousandths**: `0.125 = 125/1000`.

Then simplify if you can.

**Worked example**

Write `0.45` as a fraction in simplest form.

1. There are two decimal places, so use hundredths: `0.45 = 45/100`.
2. The HCF of 45 and 100 is 5.
3. 45 ÷ 5 = 9 and 100 ÷ 5 = 20, so `0.45 = 9/20`.

**Decimals bigger than 1.** Keep the whole number and convert the decimal part:
`2.75 = 2 75/100 = 2 3/4`.

**Comparing decimals and fractions.** Convert one form into the other. Is `0.4` bigger
than `3/8`? `3/8 = 0.375` and `0.4 = 0.400`, so yes, `0.4 > 3/8`.

**Common mistake to avoid**

Using the wrong place value. `0.04` is four **hundredths**, `4/100 = 1/25`, not `4/10`.
Count the decimal places: the number of zeros in the denominator (10, 100, 1000) matches
the number of digits after the decimal point. Another mistake is to move the digits into
the denominator: `0.6` is not `1/6`. It is six tenths, `6/10 = 3/5`.
""",
    ),
    "fraction-of-quantity": (
        "Finding a fraction of an amount",
        """
To find a fraction **of** an amount, divide by the denominator and multiply by the
numerator.

- **Divide by the denominator** to find one part (a unit fraction of the amount).
- **Multiply by the numerator** to find that many parts.

**Worked example**

Find `3/4 of 20`.

1. One quarter of 20: 20 ÷ 4 = 5.
2. Three quarters: 3 × 5 = 15.

So `3/4 of 20 = 15`. This is the same as `3/4 × 20 = 60/4 = 15`: "of" means multiply.

A bar model helps. Draw 20 as a bar split into 4 equal parts: `[ 5 | 5 | 5 | 5 ]`.
Three of the parts make 15.

**Working backwards.** If `2/3` of a number is 12, then one third of it is 12 ÷ 2 = 6,
and the whole number (three thirds) is 3 × 6 = 18.

**Finding what is left.** If `2/5` of 35 sweets are eaten, then `3/5` of them are left.
`1/5 of 35 = 7`, so `3/5 of 35 = 21` sweets are left.

**Common mistake to avoid**

Doing only half of the job. For `3/5 of 40`, dividing by 5 gives 8, but that is only
`1/5` of 40; you must multiply by 3 to get 24. Another mistake is dividing by the
numerator or multiplying by the denominator. A quick check: a fraction less than 1 of
an amount must be **smaller** than the amount.
""",
    ),
    "fraction-word-problems": (
        "Solving word problems with fractions",
        """
Word problems use all of your fraction skills. The hard part is usually deciding
**which operation** to use, so read carefully and look for clues:

- parts joined together, "altogether", "in total": **add**;
- "how much more", "how much is left", "difference": **subtract**;
- "a fraction **of** an amount", repeated equal groups: **multiply**;
- "how many … fit into", "how many pieces": **divide**.

**A four-step plan**

1. **Read** the problem and picture it. Draw a bar model if it helps.
2. **Decide** which operation or operations you need.
3. **Calculate**, using the methods you have learned.
4. **Check** that the answer makes sense and answers the question, with units.

**Worked example**

Lena spent `1/3` of her money on a book and `1/4` of it on lunch. What fraction of her
money is left?

1. Both fractions are parts of the same whole: her money.
2. Add to find what she spent, then subtract from 1.
3. `1/3 + 1/4 = 4/12 + 3/12 = 7/12` spent, and `1 - 7/12 = 5/12` is left.
4. `5/12` is less than a half, which makes sense because she spent more than half.

**Working backwards.** "After spending `2/5` of his savings, Omar has £18 left." The £18
is the `3/5` that is left, so `1/5` is £6 and the whole is 5 × £6 = £30.

**A fraction of a fraction.** "A tank is `3/4` full and `1/3` of that water is used."
`2/3` of the water remains, and `2/3 × 3/4 = 1/2`, so the tank is half full.

**Common mistake to avoid**

Mixing up "a fraction of the whole" and "a fraction of what is left". Each time, ask
yourself: a fraction *of what*? And re-read the question: if it asks how much is
**left**, don't stop at how much was used.
""",
    ),
}


# --------------------------------------------------------------------------- items: module 1


def items_fraction_part_of_whole():
    out = []

    def shaded(kind, k, n, b, *, unshaded=False, wrong=(), note=""):
        count = n - k if unshaded else k
        what = "**not** shaded" if unshaded else "shaded"
        stem = f"What fraction of this bar is {what}?\n\n{code(bar(k, n))}"
        colour = "white (unshaded)" if unshaded else "coloured (shaded)"
        hints = [
            "The bar is split into equal parts. Count **all** the parts: "
            "that number is the denominator.",
            f"Now count only the {colour} parts: that number is the numerator.",
        ]
        expl = (
            f"The bar is split into {n} equal parts and {count} of them are "
            f"{'not shaded' if unshaded else 'shaded'}, so the fraction is `{count}/{n}`."
        )
        if unshaded:
            expl += f" (There are {k} shaded parts, and {n} - {k} = {count}.)"
        expl += note
        if kind == "numeric":
            return num(stem, F(count, n), hints, expl, b)
        if kind == "short_text":
            return st(stem, [f"{count}/{n}"], hints, expl, b)
        return sc(stem, f"{count}/{n}", list(wrong), hints, expl, b)

    out.append(shaded("numeric", 2, 5, -1.6))
    out.append(
        shaded(
            "single_choice",
            3,
            5,
            -1.4,
            wrong=["3/2", "2/5", "5/3"],
            note=" `3/2` compares the shaded parts with the unshaded parts; the denominator "
            "must count all 5 parts.",
        )
    )
    out.append(shaded("short_text", 4, 9, -1.3))
    out.append(shaded("numeric", 5, 7, -1.0, unshaded=True))
    out.append(
        shaded(
            "single_choice",
            7,
            10,
            -0.9,
            unshaded=True,
            wrong=["7/10", "3/7", "10/3"],
            note=" `7/10` is the shaded part, but the question asks for the part that is "
            "**not** shaded.",
        )
    )

    for which, (n, d), b in [("denominator", (5, 9), -1.8), ("numerator", (7, 12), -1.7)]:
        other = "numerator" if which == "denominator" else "denominator"
        meaning = (
            f"the whole is split into {d} equal parts ({units(d)})"
            if which == "denominator"
            else f"we are talking about {n} of the equal parts"
        )
        out.append(
            num(
                f"In the fraction `{n}/{d}`, what is the **{which}**?",
                d if which == "denominator" else n,
                [
                    "A fraction has two numbers: one above the line and one below it.",
                    "The denominator is the number of equal parts in the whole; the numerator "
                    "counts how many of those parts are meant.",
                ],
                f"The {which} is the {'bottom' if which == 'denominator' else 'top'} number, "
                f"**{d if which == 'denominator' else n}**: {meaning}. The {other} is "
                f"{n if which == 'denominator' else d}.",
                b,
                a=1.0,
            )
        )

    for target, bars, b, trap in [
        ("1/2", [(1, 2), (3, 6), (2, 4), (1, 3), (2, 5)], -0.6, (1, 3)),
        ("1/3", [(1, 3), (2, 6), (3, 9), (1, 4), (2, 5)], 0.1, (1, 4)),
    ]:
        t = F(target)
        choices = [(code(bar(k, n)), F(k, n) == t) for k, n in bars]
        good = [f"{k}/{n}" for k, n in bars if F(k, n) == t]
        out.append(
            mc(
                f"Select **all** the bars whose shaded part is equal to `{target}`.",
                choices,
                [
                    "For each bar, write the shaded fraction: shaded parts over **all** parts.",
                    f"A bar shows `{target}` when the whole bar is exactly {t.denominator} times "
                    "as long as its shaded part.",
                ],
                f"The shaded fractions equal to `{target}` are "
                + ", ".join(f"`{g}`" for g in good)
                + f". A bar like `{bar(*trap)}` shows `{trap[0]}/{trap[1]}`, not `{target}`: "
                "compare the shaded part with the **whole** bar, not with the unshaded part.",
                b,
            )
        )

    out.append(
        sc(
            "Two identical pizzas are cut up. The first is cut into 6 equal slices and the "
            "second into 4 equal slices. Which statement is true?",
            "A slice of the second pizza is bigger than a slice of the first pizza.",
            [
                "A slice of the first pizza is bigger, because 6 is more than 4.",
                "The slices are all the same size.",
                "You cannot tell which slices are bigger.",
            ],
            [
                "Imagine sharing the same pizza between more people.",
                "The more equal parts a whole is cut into, the smaller each part is.",
            ],
            "Cutting the same-sized pizza into more slices makes each slice smaller. So one "
            "quarter (1/4) of a pizza is bigger than one sixth (1/6) of an identical pizza.",
            -0.4,
            a=0.9,
        )
    )
    out.append(
        sc(
            "A pizza is cut into 8 equal slices. Tom eats 3 slices and Ana eats 2 slices. "
            "What fraction of the pizza is left?",
            "3/8",
            ["5/8", "3/5", "2/8"],
            [
                "How many slices are eaten altogether?",
                "The whole pizza is 8 slices. How many slices are still there?",
            ],
            "Tom and Ana eat 3 + 2 = 5 slices, so 8 - 5 = 3 slices are left. Each slice is one "
            "eighth of the pizza, so 3/8 of the pizza is left. (5/8 is the part that was eaten.)",
            -0.2,
            a=1.1,
        )
    )
    out.append(
        sc(
            "A square is cut into 4 pieces. One piece is much bigger than the other three. "
            "Is each piece one quarter of the square?",
            "No, because the 4 pieces are not equal in size.",
            [
                "Yes, because there are 4 pieces.",
                "Yes, because 4 pieces always make quarters.",
                "No, because a square cannot be cut into quarters.",
            ],
            ["Think about what the denominator of a fraction needs the parts to be like."],
            "Quarters are 4 **equal** parts of a whole. If the pieces are different sizes, they "
            "are not quarters, even though there are 4 of them.",
            -0.7,
            a=0.9,
        )
    )
    return out


def items_fractions_on_number_line():
    out = []

    def read(kind, k, n, b, *, lo=0, hi=1, per_unit=None, wrong=(), note="", as_mixed=False):
        per_unit = per_unit or n
        v = lo + F((hi - lo) * k, n)
        line = nline(k, n, lo, hi)
        if hi - lo == 1:
            intro = "What number is marked by the point ● on this number line?"
            hints = [
                "Count the equal gaps between 0 and 1: that is the denominator.",
                "Now count the gaps from 0 to the point ●.",
            ]
            expl = (
                f"There are {n} equal gaps between 0 and 1, so each gap is `1/{n}`. The "
                f"point is {k} gaps from 0, so it is at `{k}/{n}`."
            )
        else:
            intro = (
                f"This number line goes from {lo} to {hi}, and each whole is split into "
                f"{units(per_unit)}. What number is marked by the point ●?"
            )
            hints = [
                f"Find the tick mark for 1 first: it is {per_unit} gaps from 0.",
                f"Each gap is `1/{per_unit}`. Count the gaps from 0 to the point ●.",
            ]
            expl = (
                f"Each whole is split into {per_unit} equal gaps, so each gap is "
                f"`1/{per_unit}`. The point is {k} gaps from 0, so it is at `{k}/{per_unit}`."
            )
            if v.denominator != 1 and v > 1:
                expl += f" As a mixed number that is `{mixed(v)}`."
        if as_mixed:
            intro += " Give your answer as a mixed number."
        elif hi - lo > 1 and kind == "numeric":
            intro += " Give your answer as a fraction."
        stem = f"{intro}\n\n{code(line)}"
        expl += note
        if kind == "numeric":
            return num(stem, v, hints, expl, b)
        if kind == "short_text":
            acc = mixed_accepted(v) if as_mixed else [f"{k}/{n}"]
            return st(stem, acc, hints, expl, b)
        return sc(stem, fs(v), list(wrong), hints, expl, b)

    out.append(
        read(
            "single_choice",
            2,
            3,
            -1.0,
            wrong=["2/4", "3/2", "1/3"],
            note=" The line has 4 tick marks but only 3 gaps, so `2/4` (counting tick marks) is "
            "wrong.",
        )
    )
    out.append(read("numeric", 2, 5, -0.8))
    out.append(read("short_text", 1, 6, -0.9))
    out.append(read("numeric", 5, 8, -0.4))
    out.append(read("numeric", 7, 10, -0.3))
    out.append(read("numeric", 4, 6, 0.6, lo=0, hi=2, per_unit=3))
    out.append(
        read(
            "single_choice",
            3,
            4,
            0.7,
            lo=0,
            hi=2,
            per_unit=2,
            wrong=["3/4", "2/3", "1/2"],
            note=" `3/4` would be right only if the whole line were one whole, but it is two "
            "wholes.",
        )
    )

    choices = [
        ("3/4", True),
        ("5/4", False),
        ("1/10", True),
        ("9/8", False),
        ("99/100", True),
        ("6/6", False),
    ]
    out.append(
        mc(
            "Select **all** the numbers that lie between 0 and 1 on the number line.",
            choices,
            [
                "A fraction is less than 1 when its numerator is smaller than its denominator.",
                "A fraction with equal numerator and denominator is exactly 1, so it is not "
                "*between* 0 and 1.",
            ],
            "`3/4`, `1/10` and `99/100` have numerators smaller than their denominators, so they "
            "lie between 0 and 1. `5/4` and `9/8` are more than 1, and `6/6` is exactly 1.",
            -0.1,
        )
    )
    out.append(
        sc(
            "Which fraction is closest to `1`?",
            "7/8",
            ["3/4", "2/3", "1/2"],
            [
                "For each fraction, work out how far it is from 1: how much is missing to make "
                "a whole?",
                "Compare the missing pieces: which is the smallest?",
            ],
            "The missing pieces are `1/8` (for `7/8`), `1/4` (for `3/4`), `1/3` (for `2/3`) "
            "and `1/2` (for `1/2`). The smallest gap is `1/8`, so `7/8` is closest to 1.",
            0.3,
        )
    )
    out.append(
        sc(
            "Which fraction is closest to `1/2`?",
            "4/7",
            ["2/5", "5/6", "1/8"],
            [
                "A fraction equals `1/2` when its numerator is exactly half of its denominator.",
                "Compare each fraction with a half using a common denominator, or with decimals.",
            ],
            "Distances from `1/2`: `4/7 - 1/2 = 1/14`, `1/2 - 2/5 = 1/10`, `5/6 - 1/2 = 1/3` and "
            "`1/2 - 1/8 = 3/8`. The smallest distance is `1/14`, so `4/7` is closest.",
            0.8,
        )
    )
    out.append(
        num(
            "What number is exactly halfway between `1/4` and `1/2` on the number line? "
            "Give your answer as a fraction.",
            F(3, 8),
            [
                "Write both fractions with the same denominator.",
                "Try eighths: `1/2` is `4/8`. What is `1/4` in eighths, and what lies between?",
            ],
            "In eighths, `1/4 = 2/8` and `1/2 = 4/8`. Halfway between 2 eighths and 4 eighths "
            "is 3 eighths, so the answer is `3/8`.",
            1.0,
        )
    )
    out.append(
        sc(
            "Where is the fraction 5/5 on the number line?",
            "Exactly at 1",
            ["Between 0 and 1", "Just after 1", "At 5"],
            ["How many fifths make one whole?"],
            "Five fifths make one whole, so 5/5 = 1 and it sits exactly at 1 on the number line.",
            -0.5,
            a=0.9,
        )
    )
    return out


def items_comparing_like_fractions():
    out = []
    like_hints = [
        "The denominators are the same, so the parts are the same size.",
        "Compare the numerators: more parts of the same size means a bigger fraction.",
    ]
    unit_hints = [
        "The numerators are the same, so you have the same number of parts.",
        "Which parts are bigger? The more parts a whole is cut into, the smaller each part.",
    ]
    for left, right, b, kind in [
        ("3/7", "5/7", -1.2, "like"),
        ("8/11", "6/11", -1.0, "like"),
        ("1/4", "1/6", -0.2, "unit"),
        ("3/10", "3/5", 0.2, "unit"),
        ("5/5", "9/9", 0.0, "one"),
    ]:
        lv, rv = F(left), F(right)
        sym = "<" if lv < rv else (">" if lv > rv else "=")
        if kind == "like":
            expl = (
                f"Both fractions are in {units(lv.denominator)}. Compare the numerators: "
                f"{left.split('/')[0]} and {right.split('/')[0]}, so `{left} {sym} {right}`."
            )
            hints = like_hints
        elif kind == "unit":
            dl, dr = int(left.split("/")[1]), int(right.split("/")[1])
            big = left if dl < dr else right
            expl = (
                f"Both fractions have the same numerator. {units(dl).capitalize()} are "
                f"{'bigger' if dl < dr else 'smaller'} than {units(dr)}, so `{big}` is the "
                f"bigger fraction: `{left} {sym} {right}`."
            )
            hints = unit_hints
        else:
            expl = (
                "When the numerator equals the denominator, the fraction is one whole: "
                "`5/5 = 1` and `9/9 = 1`. So `5/5 = 9/9`."
            )
            hints = [
                "Look at each fraction: how does its numerator compare with its denominator?",
                "How many fifths make a whole? How many ninths make a whole?",
            ]
        out.append(symbol_item(left, right, hints, expl, b))

    out.append(
        sc(
            "Which of these fractions is the **greatest**?",
            "11/12",
            ["5/12", "7/12", "1/12"],
            ["All the fractions are in twelfths.", "Which has the most twelfths?"],
            "All four fractions are twelfths, so the one with the biggest numerator is the "
            "greatest: `11/12`.",
            -0.9,
        )
    )
    out.append(
        sc(
            "Which of these fractions is the **smallest**?",
            "1/9",
            ["1/4", "1/2", "1/6"],
            unit_hints,
            "All four fractions are one part. The whole cut into 9 parts gives the smallest "
            "parts, so `1/9` is the smallest. Choosing `1/2` comes from thinking a smaller "
            "denominator means a smaller fraction.",
            0.0,
        )
    )
    for items, b, kind in [
        (["4/9", "7/9", "2/9", "5/9"], -0.5, "like"),
        (["1/3", "1/8", "1/2", "1/5"], 0.4, "unit"),
    ]:
        ordered = sorted(items, key=F)
        answer = ", ".join(ordered)
        out.append(
            st(
                "Write these fractions in order from smallest to largest, separated by commas:"
                f"\n\n{code(', '.join(items))}",
                [answer, answer.replace(", ", ","), answer.replace(", ", " ")],
                like_hints if kind == "like" else unit_hints,
                (
                    "The denominators are all the same, so order the numerators: "
                    if kind == "like"
                    else "The numerators are all 1, so the biggest denominator gives the smallest "
                    "fraction: "
                )
                + f"`{answer}`.",
                b,
            )
        )
    out.append(
        mc(
            "Select **all** the fractions greater than `3/10`.",
            [("7/10", True), ("1/10", False), ("9/10", True), ("2/10", False), ("4/10", True)],
            like_hints,
            "All the fractions are tenths, so compare numerators with 3: `4/10`, `7/10` and "
            "`9/10` are greater; `1/10` and `2/10` are smaller.",
            -0.4,
        )
    )
    out.append(
        mc(
            "Select **all** the fractions less than `1/4`.",
            [("1/5", True), ("1/3", False), ("1/8", True), ("1/2", False), ("1/10", True)],
            unit_hints,
            "These are all unit fractions. A unit fraction is less than `1/4` when the whole is "
            "cut into **more** than 4 parts: `1/5`, `1/8` and `1/10`.",
            0.5,
        )
    )
    out.append(
        sc(
            "Ana ate 2/6 of a pizza. Ben ate 5/6 of an identical pizza. Who ate more pizza?",
            "Ben",
            ["Ana", "They ate the same amount", "You cannot tell"],
            ["The pizzas are the same size and both are cut into sixths."],
            "Both amounts are sixths of identical pizzas, so compare the numerators: 5 sixths is "
            "more than 2 sixths. Ben ate more.",
            -0.8,
            a=0.9,
        )
    )
    return out


# --------------------------------------------------------------------------- items: module 2


def _and_list(nums) -> str:
    nums = [str(x) for x in nums]
    if len(nums) == 1:
        return nums[0]
    return ", ".join(nums[:-1]) + " and " + nums[-1]


def _multiples(n, upto):
    return [n * i for i in range(1, upto // n + 1)]


def _factors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def items_factors_and_multiples():
    out = []

    def lcm_item(nums, b, kind="numeric", wrong=()):
        v = lcm(*nums)
        big = max(nums)
        stem = f"What is the lowest common multiple (LCM) of {_and_list(nums)}?"
        hints = [
            f"List the multiples of the biggest number, {big}, in order.",
            "Stop at the first multiple that "
            + ("all the other numbers divide" if len(nums) > 2 else f"{min(nums)} divides")
            + " exactly.",
        ]
        listing = ", ".join(str(m) for m in _multiples(big, v))
        expl = (
            f"Multiples of {big}: {listing}. The first one that is also a multiple of "
            f"{_and_list([x for x in nums if x != big])} is **{v}**, so the LCM is {v}."
        )
        if v != 1:
            prod = 1
            for x in nums:
                prod *= x
            if prod != v:
                expl += f" (Multiplying gives {prod}, a common multiple but not the lowest.)"
        if kind == "numeric":
            return num(stem, v, hints, expl, b)
        return sc(stem, str(v), [str(w) for w in wrong], hints, expl, b)

    def hcf_item(a, c, b, kind="numeric", wrong=()):
        v = gcd(a, c)
        stem = f"What is the highest common factor (HCF) of {a} and {c}?"
        hints = [
            f"List all the factors of {a}, then all the factors of {c}.",
            "Circle the factors that appear in both lists and pick the biggest.",
        ]
        fa, fc = _factors(a), _factors(c)
        common = [x for x in fa if x in fc]
        expl = (
            f"Factors of {a}: {', '.join(map(str, fa))}. Factors of {c}: "
            f"{', '.join(map(str, fc))}. The common factors are {', '.join(map(str, common))}, "
            f"and the highest is **{v}**."
        )
        if kind == "numeric":
            return num(stem, v, hints, expl, b)
        return sc(stem, str(v), [str(w) for w in wrong], hints, expl, b)

    out.append(lcm_item([3, 5], -0.6))
    out.append(lcm_item([6, 10], 0.0))
    out.append(lcm_item([8, 12], 0.3))
    out.append(hcf_item(8, 20, -0.3))
    out.append(hcf_item(15, 25, -0.4))
    out.append(hcf_item(24, 36, 0.5))
    out.append(lcm_item([6, 8], 0.1, kind="single_choice", wrong=[48, 2, 14]))
    out.append(hcf_item(18, 30, 0.2, kind="single_choice", wrong=[3, 2, 90]))

    def select(stem, options, pred, hints, why, b):
        choices = [(str(x), pred(x)) for x in options]
        good = [str(x) for x in options if pred(x)]
        return mc(stem, choices, hints, why.format(good=_and_list(good)), b)

    out.append(
        select(
            "Select **all** the common multiples of 4 and 10.",
            [20, 30, 40, 14, 60],
            lambda x: x % 4 == 0 and x % 10 == 0,
            [
                "A common multiple of 4 and 10 must be in **both** times tables.",
                "Check each number: does 4 divide it exactly? Does 10?",
            ],
            "{good} are in both the 4 and the 10 times tables. 30 is not a multiple of 4, and "
            "14 (= 4 + 10) is not a multiple of either.",
            0.0,
        )
    )
    out.append(
        select(
            "Select **all** the common factors of 16 and 24.",
            [1, 2, 3, 4, 6, 8],
            lambda x: 16 % x == 0 and 24 % x == 0,
            [
                "A common factor must divide **both** 16 and 24 exactly.",
                "Don't forget 1: it is a factor of every whole number.",
            ],
            "{good} divide both 16 and 24. 3 and 6 divide 24 but not 16.",
            0.2,
        )
    )
    out.append(
        select(
            "Select **all** the factors of 30.",
            [3, 4, 6, 10, 12, 15],
            lambda x: 30 % x == 0,
            ["A factor of 30 divides 30 with no remainder.", "Factors come in pairs, like 2 × 15."],
            "30 = 3 × 10 = 6 × 5 = 2 × 15, so {good} are factors of 30. 4 and 12 do not divide "
            "30 exactly.",
            -0.5,
        )
    )
    out.append(lcm_item([2, 3, 4], 0.7))
    return out


def items_equivalent_fractions():
    out = []

    def missing(a, c, unknown, b):
        # a = known fraction, c = the partner with one number unknown
        an, ad = (int(x) for x in a.split("/"))
        cn, cd = c.split("/")
        if unknown == "num":
            cd = int(cd)
            ans = F(an, ad) * cd
            lhs, rhs = a, f"?/{cd}"
            if cd % ad == 0:
                k = cd // ad
                how = f"{ad} × {k} = {cd}, so multiply the numerator by {k} too: {an} × {k} = "
                how += f"{ans}."
            else:
                k = ad // cd
                how = f"{ad} ÷ {k} = {cd}, so divide the numerator by {k} too: {an} ÷ {k} = "
                how += f"{ans}."
            hint = f"What was the denominator {ad} multiplied or divided by to make {cd}?"
        else:
            cn = int(cn)
            ans = F(ad, an) * cn
            lhs, rhs = a, f"{cn}/?"
            if cn % an == 0:
                k = cn // an
                how = f"{an} × {k} = {cn}, so multiply the denominator by {k} too: {ad} × {k} = "
                how += f"{ans}."
            else:
                k = an // cn
                how = f"{an} ÷ {k} = {cn}, so divide the denominator by {k} too: {ad} ÷ {k} = "
                how += f"{ans}."
            hint = f"What was the numerator {an} multiplied or divided by to make {cn}?"
        full = rhs.replace("?", str(ans))
        return num(
            f"Find the missing number: `{lhs} = {rhs}`",
            ans,
            [hint, "Do the same to the other number of the fraction."],
            f"{how} So `{lhs} = {full}`.",
            b,
        )

    out.append(missing("2/3", "?/12", "num", -0.8))
    out.append(missing("3/4", "9/?", "den", -0.5))
    out.append(missing("4/7", "?/35", "num", -0.2))
    out.append(missing("15/20", "3/?", "den", 0.2))
    out.append(missing("5/8", "35/?", "den", 0.5))

    out.append(
        sc(
            "Which fraction is equivalent to `2/5`?",
            "8/20",
            ["4/7", "2/10", "5/2"],
            [
                "Equivalent fractions are made by multiplying the numerator **and** the "
                "denominator by the same number.",
                "For each choice, ask: what were 2 and 5 multiplied by?",
            ],
            "`2/5 = (2 × 4)/(5 × 4) = 8/20`. `4/7` adds 2 to the top and bottom, which does not "
            "keep the value, and `2/10` changes only the denominator.",
            -0.4,
        )
    )
    out.append(
        sc(
            "Which bar shows a fraction equivalent to this one?\n\n`■□□□`",
            code(bar(2, 8)),
            [code(bar(2, 6)), code(bar(1, 8)), code(bar(2, 4))],
            [
                "First write the fraction shaded in the given bar.",
                "Look for a bar where the shaded part is the same fraction of the whole.",
            ],
            "The given bar shows `1/4`. `■■□□□□□□` shows `2/8`, and `2/8 = 1/4` (both numbers "
            "multiplied by 2). The other bars show `2/6`, `1/8` and `2/4`.",
            -0.3,
        )
    )
    for target, options, b in [
        ("1/2", ["3/6", "5/10", "2/3", "6/12", "3/5"], -0.7),
        ("2/3", ["4/6", "3/4", "10/15", "6/8", "8/12"], 0.1),
    ]:
        t = F(target)
        choices = [(o, F(o) == t) for o in options]
        good = [o for o in options if F(o) == t]
        bad = [o for o in options if F(o) != t]
        out.append(
            mc(
                f"Select **all** the fractions equivalent to `{target}`.",
                choices,
                [
                    "Simplify each fraction, or check whether its numerator and denominator are "
                    f"the numbers of `{target}` multiplied by the same number.",
                ],
                ", ".join(f"`{g}`" for g in good)
                + f" all simplify to `{target}`. "
                + ", ".join(f"`{x}`" for x in bad)
                + " do not.",
                b,
            )
        )

    def with_den(frac, den, b, phrasing):
        v = F(frac)
        k = den // v.denominator
        ans = f"{v.numerator * k}/{den}"
        stem = (
            f"Write a fraction equivalent to `{frac}` with denominator {den}."
            if phrasing == 1
            else f"Write `{frac}` as an equivalent fraction with denominator {den}."
        )
        return st(
            stem,
            [ans],
            [
                f"What do you multiply {v.denominator} by to get {den}?",
                "Multiply the numerator by the same number.",
            ],
            f"{v.denominator} × {k} = {den}, so multiply the numerator by {k} as well: "
            f"{v.numerator} × {k} = {v.numerator * k}. So `{frac} = {ans}`.",
            b,
        )

    out.append(with_den("3/4", 20, -0.1, 1))
    out.append(with_den("5/6", 24, 0.2, 2))
    out.append(
        sc(
            "Maya says that 2/3 and 3/4 are equivalent, because adding 1 to the top and the "
            "bottom of 2/3 gives 3/4. Is she right?",
            "No, adding the same number to the top and bottom changes the value.",
            [
                "Yes, because she did the same thing to the top and the bottom.",
                "Yes, because both fractions are less than 1.",
                "No, because she should have subtracted 1 instead.",
            ],
            [
                "Which operations make equivalent fractions?",
                "Try it with pictures: is 2/3 of a bar the same as 3/4 of it?",
            ],
            "Equivalent fractions come from **multiplying or dividing** the top and the bottom "
            "by the same number. Adding changes the value: 2/3 = 8/12 but 3/4 = 9/12, so 3/4 is "
            "bigger.",
            0.0,
            a=0.9,
        )
    )
    return out


def items_simplifying_fractions():
    out = []

    def simp_text(n, d):
        g = gcd(n, d)
        v = F(n, d)
        return (
            f"The highest common factor of {n} and {d} is {g}. Divide both by {g}: "
            f"{n} ÷ {g} = {v.numerator} and {d} ÷ {g} = {v.denominator}, so "
            f"`{n}/{d} = {fs(v)}`."
        )

    def simplest(n, d, b, kind="short_text", wrong=(), note=""):
        v = F(n, d)
        stem = f"Write `{n}/{d}` in simplest form."
        hints = [
            f"Find a number that divides both {n} and {d} exactly.",
            "After dividing, check again: can the new numerator and denominator still be "
            "divided by the same number?",
        ]
        expl = simp_text(n, d) + note
        if kind == "short_text":
            return st(stem, [fs(v)], hints, expl, b)
        return sc(stem, fs(v), list(wrong), hints, expl, b)

    out.append(simplest(6, 10, -1.0))
    out.append(simplest(10, 15, -0.6))
    out.append(simplest(16, 20, -0.4))
    out.append(simplest(9, 12, -0.3))
    out.append(simplest(40, 100, 0.1))
    out.append(
        simplest(
            24,
            36,
            0.5,
            note=" If you divide by 2 first you get `12/18`, which still has to be simplified.",
        )
    )
    out.append(simplest(42, 56, 0.8))
    out.append(
        simplest(
            12,
            18,
            0.0,
            kind="single_choice",
            wrong=["6/9", "4/6", "3/2"],
            note=" `6/9` and `4/6` are equal to `12/18` but are not in simplest form yet.",
        )
    )
    out.append(
        simplest(
            15,
            35,
            0.3,
            kind="single_choice",
            wrong=["3/5", "5/7", "1/7"],
            note=" `3/5` comes from dividing the top by 5 but the bottom by 7, "
            "which changes the value.",
        )
    )
    opts = ["3/8", "4/10", "5/9", "6/15", "7/12"]
    out.append(
        mc(
            "Select **all** the fractions that are in simplest form.",
            [(o, gcd(*map(int, o.split("/"))) == 1) for o in opts],
            [
                "A fraction is in simplest form when no number except 1 divides both its "
                "numerator and its denominator.",
                "Look for pairs that are both even, or both in the 3 or 5 times table.",
            ],
            "`3/8`, `5/9` and `7/12` cannot be simplified. `4/10` simplifies to `2/5` (divide by "
            "2) and `6/15` simplifies to `2/5` (divide by 3).",
            -0.2,
        )
    )
    out.append(
        num(
            "To simplify 27/36 in one step, you divide the numerator and the denominator by "
            "the highest common factor (HCF) of 27 and 36. What is it?",
            9,
            [
                "Both numbers are in the 3 times table, but is there a bigger common factor?",
                "Try the 9 times table.",
            ],
            "Factors of 27: 1, 3, 9, 27. Factors of 36: 1, 2, 3, 4, 6, 9, 12, 18, 36. The highest "
            "common factor is **9**, and 27/36 = 3/4.",
            0.4,
            extra=["factors-and-multiples"],
        )
    )
    out.append(
        sc(
            "Tom simplifies 16/64 by crossing out the two 6s, which gives 1/4. What is true?",
            "The answer 1/4 is right, but the method is wrong: divide the top and bottom by 16.",
            [
                "The method is right: crossing out equal digits always works.",
                "The answer is wrong: 16/64 simplifies to 1/2.",
                "16/64 is already in simplest form.",
            ],
            [
                "Simplify 16/64 properly by dividing by common factors and compare.",
                "Does crossing out digits work for 12/24?",
            ],
            "16 ÷ 16 = 1 and 64 ÷ 16 = 4, so 16/64 = 1/4: the answer happens to be right. But "
            "crossing out digits is not a real method: for 12/24 it would give 1/4, while 12/24 "
            "is really 1/2.",
            1.0,
            a=0.9,
        )
    )
    return out


def items_common_denominators():
    out = []

    def lcd(f1, f2, b, kind="numeric", wrong=()):
        d1, d2 = F(f1).denominator, F(f2).denominator
        v = lcm(d1, d2)
        big, small = max(d1, d2), min(d1, d2)
        stem = f"What is the lowest common denominator of `{f1}` and `{f2}`?"
        hints = [
            f"The lowest common denominator is the lowest common multiple of {d1} and {d2}.",
            f"List the multiples of {big} and stop at the first one that {small} divides.",
        ]
        expl = (
            f"Multiples of {big}: {', '.join(map(str, _multiples(big, v)))}. The first one "
            f"that is also a multiple of {small} is {v}, so the lowest common denominator is "
            f"**{v}**."
        )
        if kind == "numeric":
            return num(stem, v, hints, expl, b)
        return sc(stem, str(v), [str(w) for w in wrong], hints, expl, b)

    out.append(lcd("1/4", "1/6", -0.2))
    out.append(lcd("2/3", "3/5", -0.5))
    out.append(lcd("3/8", "5/12", 0.4))
    out.append(lcd("5/6", "7/10", 0.5))
    out.append(lcd("3/10", "1/4", 0.1, kind="single_choice", wrong=[40, 14, 2]))
    out.append(lcd("1/3", "5/9", -0.6, kind="single_choice", wrong=[27, 12, 3]))

    for f1, f2, options, b in [
        ("1/6", "1/9", [18, 36, 15, 27, 54], 0.3),
        ("2/3", "5/6", [6, 12, 9, 18, 15], 0.1),
    ]:
        d1, d2 = F(f1).denominator, F(f2).denominator
        good = [x for x in options if x % d1 == 0 and x % d2 == 0]
        out.append(
            mc(
                "Select **all** the numbers that could be used as a common denominator for "
                f"`{f1}` and `{f2}`.",
                [(str(x), x in good) for x in options],
                [
                    f"A common denominator must be a multiple of both {d1} and {d2}.",
                    f"Check each number: does {d1} divide it exactly? Does {d2}?",
                ],
                f"{_and_list(good)} are multiples of both {d1} and {d2}. The others are not "
                f"multiples of both. The lowest common denominator is {lcm(d1, d2)}.",
                b,
            )
        )

    def rewrite_pair(f1, f2, den, b):
        v1, v2 = F(f1), F(f2)
        k1, k2 = den // v1.denominator, den // v2.denominator
        a1, a2 = f"{v1.numerator * k1}/{den}", f"{v2.numerator * k2}/{den}"
        return st(
            f"Rewrite `{f1}` and `{f2}` with a common denominator of {den}. Write the two "
            "new fractions in the same order, separated by a comma.",
            [f"{a1}, {a2}", f"{a1},{a2}", f"{a1} and {a2}"],
            [
                f"For `{f1}`: what do you multiply {v1.denominator} by to get {den}?",
                "Whatever you multiply the denominator by, multiply the numerator by the "
                "same number.",
            ],
            f"{v1.denominator} × {k1} = {den}, so `{f1} = {a1}`. {v2.denominator} × {k2} = "
            f"{den}, so `{f2} = {a2}`. Answer: `{a1}, {a2}`.",
            b,
        )

    out.append(rewrite_pair("3/5", "1/2", 10, -0.2))
    out.append(rewrite_pair("1/6", "4/9", 18, 0.6))
    out.append(rewrite_pair("3/4", "2/7", 28, 0.5))
    out.append(
        sc(
            "Why do you need a common denominator before you can add 1/3 and 1/4?",
            "So that both fractions are counted in parts of the same size.",
            [
                "Because the denominators must always be made bigger.",
                "Because 1/3 and 1/4 are not in simplest form.",
                "So that you can add the denominators together.",
            ],
            ["Think about what the denominator tells you about the parts."],
            "Thirds and quarters are different-sized parts, so you can't just count them "
            "together. Rewriting both as twelfths (4/12 and 3/12) makes the parts the same size, "
            "and then 4 twelfths + 3 twelfths = 7/12.",
            0.2,
            a=0.9,
        )
    )
    return out


def compare_explanation(left, right):
    lv, rv = P(left), P(right)
    sym = "<" if lv < rv else (">" if lv > rv else "=")
    d = lcm(lv.denominator, rv.denominator)
    return (
        f"Use the common denominator {d}: {rewrite(lv, d)} and {rewrite(rv, d)}. Compare the "
        f"numerators: {lv.numerator * d // lv.denominator} and "
        f"{rv.numerator * d // rv.denominator}, so `{left} {sym} {right}`."
    )


def items_comparing_unlike_fractions():
    out = []
    hints = [
        "The denominators are different, so the parts are different sizes.",
        "Rewrite both fractions with a common denominator, then compare the numerators.",
    ]
    for left, right, b in [
        ("2/3", "3/5", 0.2),
        ("5/8", "3/4", -0.1),
        ("5/6", "7/9", 0.6),
        ("6/8", "9/12", 0.5),
        ("7/12", "5/8", 0.8),
    ]:
        if (left, right) == ("6/8", "9/12"):
            expl = (
                "Simplify both: `6/8 = 3/4` (divide by 2) and `9/12 = 3/4` (divide by 3). "
                "They are equivalent, so `6/8 = 9/12`. (With the common denominator 24: "
                "`18/24` and `18/24`.)"
            )
        else:
            expl = compare_explanation(left, right)
        out.append(symbol_item(left, right, hints, expl, b))
    out.append(
        symbol_item(
            "7/8",
            "8/9",
            ["How far is each fraction from 1?", "Which is smaller: `1/8` or `1/9`?"],
            "`7/8` is `1/8` less than 1 and `8/9` is `1/9` less than 1. Since `1/9` is the "
            "smaller gap, `8/9` is closer to 1, so `7/8 < 8/9`. (Check: `63/72 < 64/72`.)",
            1.3,
        )
    )

    def extreme(which, opts, b):
        vals = [F(o) for o in opts]
        best = max(vals) if which == "greatest" else min(vals)
        d = lcm(*[v.denominator for v in vals])
        conv = ", ".join(f"`{o} = {F(o).numerator * d // F(o).denominator}/{d}`" for o in opts)
        correct = opts[vals.index(best)]
        return sc(
            f"Which of these fractions is the **{which}**?",
            correct,
            [o for o in opts if o != correct],
            hints,
            f"With the common denominator {d}: {conv}. The {which} is `{correct}`.",
            b,
        )

    out.append(extreme("greatest", ["2/3", "3/4", "5/8", "7/12"], 0.6))
    out.append(extreme("smallest", ["3/5", "1/2", "7/10", "2/3"], 0.3))
    for items, b in [(["3/4", "2/3", "5/6"], 0.7), (["1/2", "3/8", "5/12", "1/3"], 1.2)]:
        ordered = sorted(items, key=F)
        answer = ", ".join(ordered)
        d = lcm(*[F(x).denominator for x in items])
        conv = ", ".join(f"`{x} = {F(x).numerator * d // F(x).denominator}/{d}`" for x in items)
        out.append(
            st(
                "Write these fractions in order from smallest to largest, separated by commas:"
                f"\n\n{code(', '.join(items))}",
                [answer, answer.replace(", ", ","), answer.replace(", ", " ")],
                [
                    "The denominators are different, so the parts are different sizes.",
                    "Rewrite all the fractions with one common denominator, then order the "
                    "numerators.",
                    f"A common denominator for all of them is {d}.",
                ],
                f"Using the common denominator {d}: {conv}. In order: `{answer}`.",
                b,
            )
        )
    for rel, target, options, b in [
        ("greater", "1/2", ["3/5", "4/9", "5/8", "2/5", "7/12"], 0.3),
        ("less", "2/3", ["3/4", "5/9", "7/12", "5/6", "1/2"], 0.8),
    ]:
        t = F(target)
        good = [o for o in options if (F(o) > t if rel == "greater" else F(o) < t)]
        out.append(
            mc(
                f"Select **all** the fractions {rel} than `{target}`.",
                [(o, o in good) for o in options],
                [
                    f"Compare each fraction with `{target}` one at a time.",
                    "Use a common denominator for each pair, or think about decimals.",
                ],
                " ".join(compare_explanation(o, target) for o in options)
                + f" So the fractions {rel} than `{target}` are "
                + ", ".join(f"`{g}`" for g in good)
                + ".",
                b,
            )
        )
    out.append(
        sc(
            "Leo ran 2/3 of a mile and Mia ran 7/10 of a mile. Who ran further?",
            "Mia",
            ["Leo", "They ran the same distance", "You cannot tell"],
            ["Rewrite 2/3 and 7/10 with a common denominator."],
            "The lowest common denominator is 30: 2/3 = 20/30 and 7/10 = 21/30. Since 21/30 is "
            "more than 20/30, Mia ran further.",
            0.6,
            a=1.0,
        )
    )
    return out


# --------------------------------------------------------------------------- items: module 3


def items_division_with_remainders():
    out = []
    div_hints = [
        "Go up the times table of the divisor without passing the number you are dividing.",
        "The remainder is what is left over, and it must be smaller than the divisor.",
    ]

    def qr_text(a, d):
        q, r = divmod(a, d)
        return (
            f"{q} × {d} = {q * d}, and the next multiple, {(q + 1) * d}, is too big. "
            f"{a} - {q * d} = {r}, so `{a} ÷ {d} = {q} r {r}`. Check: {q} × {d} + {r} = {a}."
        )

    for a, d, b in [(23, 4, -0.8), (47, 6, -0.4), (50, 7, -0.3), (65, 8, 0.0)]:
        q, r = divmod(a, d)
        out.append(
            st(
                f"Work out `{a} ÷ {d}`. Give the quotient and the remainder, using r for the "
                "remainder (like this: 9 r 1).",
                [f"{q} r {r}", f"{q}r{r}", f"{q} remainder {r}", f"{q} rem {r}"],
                div_hints,
                qr_text(a, d),
                b,
            )
        )
    for a, d, b in [(29, 6, -0.5), (45, 8, -0.3), (61, 9, 0.0)]:
        q, r = divmod(a, d)
        out.append(
            num(
                f"What is the remainder when you work out `{a} ÷ {d}`?",
                r,
                div_hints,
                qr_text(a, d) + f" The remainder is **{r}**.",
                b,
            )
        )
    a, d = 47, 5
    q, r = divmod(a, d)
    out.append(
        num(
            f"What is the quotient (the whole-number part of the answer) when you work out "
            f"`{a} ÷ {d}`?",
            q,
            div_hints[:1],
            qr_text(a, d) + f" The quotient is **{q}**.",
            -0.6,
        )
    )
    for a, d, wrong, b, note in [
        (
            26,
            3,
            ["9 r 1", "8 r 1", "7 r 5"],
            -0.2,
            " `7 r 5` is not finished: the remainder 5 is bigger than 3, so another 3 fits in.",
        ),
        (
            58,
            7,
            ["7 r 9", "8 r 5", "9 r 2"],
            0.2,
            " `7 r 9` is not finished: the remainder 9 is bigger than 7.",
        ),
    ]:
        q, r = divmod(a, d)
        out.append(
            sc(
                f"Which is the correct answer to `{a} ÷ {d}`, written with a remainder?",
                f"{q} r {r}",
                wrong,
                div_hints,
                qr_text(a, d) + note,
                b,
            )
        )
    out.append(
        sc(
            "You divide a whole number by 7. Which of these remainders is impossible?",
            "7",
            ["0", "3", "6"],
            ["What happens if 7 or more is left over?"],
            "A remainder must be smaller than the divisor. If 7 were left over, another 7 would "
            "fit in, so the remainder can only be 0, 1, 2, 3, 4, 5 or 6.",
            0.4,
            a=0.9,
        )
    )
    out.append(
        num(
            "A farmer packs 53 eggs into boxes that hold 6 eggs each. How many boxes does she "
            "need so that every egg is in a box?",
            9,
            ["Divide 53 by 6 and look at the remainder.", "What happens to the eggs left over?"],
            "53 ÷ 6 = 8 r 5. Eight boxes are full, and the 5 eggs left over need one more box, "
            "so she needs 9 boxes.",
            0.6,
        )
    )
    return out


def items_improper_to_mixed():
    out = []
    hints = [
        "Divide the numerator by the denominator.",
        "The quotient is the whole-number part; the remainder becomes the new numerator, "
        "over the same denominator.",
    ]

    def conv_text(n, d):
        q, r = divmod(n, d)
        part = UNIT_WORDS[d][0] if r == 1 else units(d)
        text = f"`{n} ÷ {d} = {q} r {r}`, so there are {q} wholes and {r} {part} left over:"
        text += f" `{n}/{d} = {q} {r}/{d}`."
        g = gcd(r, d)
        if g > 1:
            text += f" Simplify the fraction part: `{r}/{d} = {fs(F(r, d))}`, so the answer is "
            text += f"`{mixed(F(n, d))}`."
        return text

    for n, d, b in [(7, 3, -0.5), (11, 4, -0.4), (19, 5, -0.1), (23, 6, 0.0), (31, 8, 0.1)]:
        out.append(
            st(
                f"Write `{n}/{d}` as a mixed number.",
                mixed_accepted(F(n, d)),
                hints,
                conv_text(n, d),
                b,
            )
        )
    out.append(
        st(
            "Write `22/6` as a mixed number in simplest form.",
            mixed_accepted(F(22, 6)),
            [*hints, "Check whether the fraction part can be simplified."],
            conv_text(22, 6),
            0.8,
        )
    )
    for n, d, wrong, b, note in [
        (
            9,
            4,
            ["1 2/4", "2 1/9", "1 5/4"],
            -0.3,
            " `1 5/4` has the same value but is not finished, because `5/4` is more than 1.",
        ),
        (
            13,
            5,
            ["3 2/5", "2 3/13", "1 8/5"],
            0.2,
            " `3 2/5` swaps the quotient and the remainder.",
        ),
    ]:
        out.append(
            sc(
                f"Which mixed number is equal to `{n}/{d}`?",
                mixed(F(n, d)),
                wrong,
                hints,
                conv_text(n, d) + note,
                b,
            )
        )
    out.append(
        num(
            "Write `24/6` as a whole number.",
            4,
            ["How many sixths make one whole?", "How many lots of 6 are there in 24?"],
            "Six sixths make one whole, and 24 ÷ 6 = 4 with no remainder, so `24/6 = 4`.",
            -0.6,
        )
    )
    opts = ["5/4", "3/8", "7/7", "9/2", "2/9"]
    out.append(
        mc(
            "Select **all** the improper fractions.",
            [(o, int(o.split("/")[0]) >= int(o.split("/")[1])) for o in opts],
            [
                "An improper fraction has a numerator that is equal to or bigger than its "
                "denominator.",
            ],
            "`5/4`, `7/7` and `9/2` have numerators at least as big as their denominators, so "
            "they are improper (`7/7` is exactly 1). `3/8` and `2/9` are proper fractions.",
            -0.3,
        )
    )
    out.append(
        sc(
            "Between which two whole numbers does `19/4` lie?",
            "4 and 5",
            ["3 and 4", "19 and 20", "5 and 6"],
            ["How many whole ones are there in `19/4`?", "Change `19/4` into a mixed number."],
            "`19 ÷ 4 = 4 r 3`, so `19/4 = 4 3/4`. That is more than 4 but less than 5.",
            0.3,
        )
    )
    v = F(8, 3)
    out.append(
        st(
            "This number line goes from 0 to 3, and each whole is split into thirds. Write the "
            "number marked by the point ● as a mixed number.\n\n" + code(nline(8, 9, 0, 3)),
            mixed_accepted(v),
            [
                "Each gap is one third. Find the tick marks for 1 and 2 first.",
                "How many whole ones are before the point, and how many thirds after that?",
            ],
            "Each gap is `1/3` and the point is 8 gaps from 0, so it is at `8/3`. "
            "`8 ÷ 3 = 2 r 2`, so `8/3 = 2 2/3`: two wholes and two more thirds.",
            0.7,
        )
    )
    return out


def items_mixed_to_improper():
    out = []

    def conv(m):
        v = P(m)
        w, frac = m.split()
        n, d = (int(x) for x in frac.split("/"))
        w = int(w)
        hints = [
            f"Each whole is {d} {units(d)}. How many {units(d)} are in {w} wholes?",
            f"Then add the {n} extra {units(d) if n > 1 else UNIT_WORDS[d][0]}.",
        ]
        text = (
            f"{w} wholes are {w} × {d} = {w * d} {units(d)}. Add the {n} extra: "
            f"{w * d} + {n} = {v.numerator}. So `{m} = {v.numerator}/{d}`."
        )
        return v, hints, text

    for m, b in [
        ("2 1/3", -0.6),
        ("3 3/4", -0.4),
        ("1 5/8", -0.5),
        ("4 2/5", -0.1),
        ("5 1/6", 0.1),
    ]:
        v, hints, text = conv(m)
        out.append(st(f"Write `{m}` as an improper fraction.", [fs(v)], hints, text, b))
    for m, wrong, b, note in [
        (
            "2 4/5",
            ["13/5", "24/5", "10/5"],
            -0.2,
            " `13/5` comes from 2 × 4 + 5: the whole number must be multiplied by the "
            "denominator, not the numerator.",
        ),
        (
            "3 1/4",
            ["7/4", "31/4", "12/4"],
            -0.3,
            " `12/4` is only the 3 wholes: don't forget to add the extra quarter.",
        ),
    ]:
        v, hints, text = conv(m)
        out.append(
            sc(f"Which improper fraction is equal to `{m}`?", fs(v), wrong, hints, text + note, b)
        )
    for m, b in [("3 2/3", 0.0), ("6 3/8", 0.5)]:
        v, hints, text = conv(m)
        d = v.denominator
        out.append(num(f"Find the missing number: `{m} = ?/{d}`", v.numerator, hints, text, b))
    opts = [("5/2", True), ("2.5", True), ("21/2", False), ("3/2", False), ("10/4", True)]
    out.append(
        mc(
            "Select **all** the numbers equal to `2 1/2`.",
            opts,
            [
                "Change `2 1/2` into halves first.",
                "Remember that equivalent fractions and decimals can name the same number.",
            ],
            "`2 1/2` is 2 wholes (4 halves) plus 1 half, which is `5/2`. `10/4` is equivalent to "
            "`5/2`, and 2.5 is the same number as a decimal. `21/2` just joins the digits "
            "together, and `3/2` is only `1 1/2`.",
            0.2,
        )
    )
    out.append(
        num(
            "How many quarters are there in `3 1/4`?",
            13,
            ["How many quarters make one whole?", "Count the quarters in 3 wholes, then add 1."],
            "Each whole is 4 quarters, so 3 wholes are 12 quarters. Add the extra quarter: "
            "12 + 1 = 13. So `3 1/4 = 13/4`.",
            0.3,
        )
    )
    out.append(
        symbol_item(
            "2 3/4",
            "10/4",
            ["Change `2 3/4` into quarters first.", "Then compare the numerators."],
            "`2 3/4 = (2 × 4 + 3)/4 = 11/4`. Since 11 quarters is more than 10 quarters, "
            "`2 3/4 > 10/4`.",
            0.6,
        )
    )
    out.append(
        num(
            "A recipe needs 2 1/4 cups of flour, but you only have a 1/4-cup scoop. How many "
            "full scoops of flour do you need?",
            9,
            ["How many quarter cups make one whole cup?", "Write 2 1/4 in quarters."],
            "One cup is 4 quarter cups, so 2 cups are 8 scoops. Add the extra quarter cup: "
            "8 + 1 = 9 scoops. (2 1/4 = 9/4.)",
            0.4,
        )
    )
    return out


# --------------------------------------------------------------------------- items: module 4


def lit(t: str) -> tuple[int, int]:
    """Literal numerator/denominator of 'n/d' or a whole number 'w' (no simplifying)."""
    if "/" in t:
        n, d = t.split("/")
        return int(n), int(d)
    return int(t), 1


def explain_addsub(terms, ops, *, to_mixed=True) -> str:
    """Working for a sum/difference of fraction literals and whole numbers."""
    lits = [lit(t) for t in terms]
    L = lcm(*[d for _, d in lits])
    scaled = [n * (L // d) for n, d in lits]
    total = scaled[0]
    for op, s in zip(ops, scaled[1:], strict=True):
        total = total + s if op == "+" else total - s
    verb = "add" if set(ops) == {"+"} else ("subtract" if set(ops) == {"-"} else "combine")
    if all(d == L for _, d in lits):
        text = (
            f"The denominators are all {L}, so {verb} the numerators: "
            f"{expr_text([str(n) for n, _ in lits], ops)} = {total}. Keep the denominator: "
            f"`{total}/{L}`."
        )
    else:
        changes = []
        for t, (n, d) in zip(terms, lits, strict=True):
            if d == L:
                continue
            if d == 1:
                changes.append(f"`{t} = {n * L}/{L}`")
            else:
                changes.append(f"`{t} = {n * (L // d)}/{L}` (× {L // d})")
        new = expr_text([f"{s}/{L}" for s in scaled], ops)
        text = (
            f"The lowest common denominator is {L}. Rewrite: {', '.join(changes)}. "
            f"Then `{new} = {total}/{L}`."
        )
    return text + finish(total, L, to_mixed=to_mixed)


def addsub_item(kind, terms, ops, b, *, form=None, wrong=(), extra=(), note="", hints=None):
    """Arithmetic item 'Work out `expr`.' for fraction literals / whole numbers."""
    e = expr_text(terms, ops)
    v = combine([P(t) for t in terms], ops)
    lits = [lit(t) for t in terms]
    like = len({d for _, d in lits}) == 1
    if hints is None:
        if like:
            hints = [
                "The denominators are the same, so the parts are the same size.",
                "Add or subtract the numerators, and keep the denominator.",
            ]
        else:
            dens = sorted({d for _, d in lits if d != 1})
            hints = [
                "You can only add or subtract fractions when their denominators are the same.",
                f"Find the lowest common multiple of {_and_list(dens)}"
                if len(dens) > 1
                else f"Write the whole number as a fraction in {units(dens[0])}.",
            ]
            if len(dens) > 1:
                hints[1] += ", then rewrite each fraction with that denominator."
        if form == "simplest":
            hints = [*hints, "Finally, check whether your answer can be simplified."]
    stem = f"Work out `{e}`."
    if form == "simplest":
        stem += " Give your answer in simplest form."
    elif form == "mixed":
        stem += " Give your answer as a mixed number in simplest form."
    elif kind == "numeric" and v.denominator != 1:
        stem += " Give your answer as a fraction or a mixed number."
    expl = explain_addsub(terms, ops) + note
    if kind == "numeric":
        return num(stem, v, hints, expl, b, extra=extra)
    if kind == "short_text":
        acc = mixed_accepted(v) if form == "mixed" else frac_accepted(v)
        return st(stem, acc, hints, expl, b, extra=extra)
    correct = mixed(v) if form == "mixed" else fs(v) if form == "simplest" else None
    if correct is None:
        # keep the unsimplified form over the common denominator, as a learner writes it
        common = lcm(*[d for _, d in lits])
        total = combine([F(n * (common // d)) for n, d in lits], ops)
        correct = f"{total}/{common}"
        assert F(correct) == v
    return sc(stem, correct, list(wrong), hints, expl, b, extra=extra)


def items_add_subtract_like():
    out = []
    out.append(addsub_item("numeric", ["2/9", "5/9"], ["+"], -1.2))
    out.append(addsub_item("numeric", ["7/11", "3/11"], ["-"], -1.0))
    out.append(
        addsub_item(
            "single_choice",
            ["3/10", "4/10"],
            ["+"],
            -0.9,
            wrong=["7/20", "7/100", "1/10"],
            note=" `7/20` comes from adding the denominators as well, but tenths plus tenths are "
            "still tenths.",
        )
    )
    out.append(
        addsub_item(
            "single_choice",
            ["7/9", "4/9"],
            ["-"],
            -0.8,
            wrong=["11/9", "3/18", "4/9"],
            note=" `3/18` comes from adding the denominators: the parts are still ninths.",
        )
    )
    out.append(
        addsub_item(
            "short_text",
            ["5/14", "2/14"],
            ["+"],
            0.3,
            form="simplest",
            extra=["simplifying-fractions"],
        )
    )
    out.append(
        addsub_item(
            "short_text",
            ["11/15", "2/15"],
            ["-"],
            0.4,
            form="simplest",
            extra=["simplifying-fractions"],
        )
    )
    out.append(addsub_item("numeric", ["5/6", "4/6"], ["+"], -0.1))
    out.append(
        addsub_item(
            "numeric",
            ["1", "2/7"],
            ["-"],
            -0.3,
            hints=["One whole is the same as 7 sevenths.", "Take 2 sevenths away from 7 sevenths."],
        )
    )
    out.append(addsub_item("numeric", ["2/11", "3/11", "4/11"], ["+", "+"], -0.6))
    out.append(
        num(
            "Find the missing number: `3/13 + ? = 10/13`",
            F(7, 13),
            [
                "The missing number is also a fraction in thirteenths.",
                "How many thirteenths must be added to 3 thirteenths to make 10 thirteenths?",
            ],
            "10 - 3 = 7, so the missing number is `7/13`. Check: `3/13 + 7/13 = 10/13`.",
            0.0,
        )
    )
    out.append(addsub_item("numeric", ["9/10", "3/10", "1/10"], ["-", "-"], -0.2))
    out.append(
        num(
            "Jo read 2/9 of a book on Monday and 4/9 of the book on Tuesday. What fraction of "
            "the book has she read altogether? Give your answer as a fraction.",
            F(6, 9),
            ["Both parts are ninths of the same book.", "Add the numerators."],
            "2/9 + 4/9 = 6/9, which simplifies to 2/3 (divide by 3). She has read 2/3 of the book.",
            -0.5,
        )
    )
    return out


def items_add_subtract_unlike():
    out = []
    out.append(addsub_item("numeric", ["1/2", "1/4"], ["+"], -0.5))
    out.append(addsub_item("numeric", ["1/3", "1/4"], ["+"], 0.0))
    out.append(
        addsub_item(
            "single_choice",
            ["3/4", "1/5"],
            ["+"],
            0.2,
            wrong=["4/9", "4/20", "3/20"],
            note=" `4/9` adds the numerators and the denominators, and `4/20` changes the "
            "denominators without changing the numerators.",
        )
    )
    out.append(
        addsub_item(
            "single_choice",
            ["3/4", "1/6"],
            ["-"],
            0.5,
            wrong=["2/12", "11/12", "2/24"],
            note=" `2/12` subtracts the old numerators without rewriting them, and `11/12` adds "
            "instead of subtracting.",
        )
    )
    out.append(addsub_item("short_text", ["7/10", "1/5"], ["-"], 0.4, form="simplest"))
    out.append(addsub_item("short_text", ["3/10", "1/6"], ["+"], 0.9, form="simplest"))
    out.append(addsub_item("numeric", ["5/8", "3/4"], ["+"], 0.5))
    out.append(addsub_item("numeric", ["7/9", "1/2"], ["-"], 0.7))
    out.append(addsub_item("numeric", ["1/2", "1/4", "1/8"], ["+", "+"], 0.5))
    out.append(addsub_item("numeric", ["3/4", "2/3", "1/2"], ["+", "-"], 1.1))
    out.append(
        num(
            "Find the missing number: `1/4 + ? = 5/6`",
            F(7, 12),
            [
                "The missing number is `5/6 - 1/4`.",
                "Use the lowest common denominator of 4 and 6.",
            ],
            "The missing number is `5/6 - 1/4`. With denominator 12: `10/12 - 3/12 = 7/12`. "
            "Check: `1/4 + 7/12 = 3/12 + 7/12 = 10/12 = 5/6`.",
            1.2,
        )
    )
    out.append(
        num(
            "A jug is 2/5 full of water. Then 1/3 of a jug of water is added. What fraction of "
            "the jug is full now? Give your answer as a fraction.",
            F(11, 15),
            ["Add 2/5 and 1/3.", "Use a common denominator of 15."],
            "2/5 = 6/15 and 1/3 = 5/15, so 6/15 + 5/15 = 11/15. The jug is 11/15 full.",
            0.6,
        )
    )
    return out


def explain_mixed(terms, ops) -> str:
    conv = []
    improper = []
    for t in terms:
        if is_mixed_text(t):
            v = P(t)
            conv.append(f"`{t} = {fs(v)}`")
            improper.append(fs(v))
        else:
            improper.append(t)
    text = ""
    if conv:
        text = "Change the mixed numbers into improper fractions: " + ", ".join(conv) + ". "
    return text + explain_addsub(improper, ops)


def mixed_item(kind, terms, ops, b, *, wrong=(), note="", extra=()):
    e = expr_text(terms, ops)
    v = combine([P(t) for t in terms], ops)
    fracs = [t.split()[-1] for t in terms if "/" in t]
    dens = sorted({lit(f)[1] for f in fracs})
    hints = [
        "Either work with the wholes and the fractions separately, or change every mixed "
        "number into an improper fraction.",
    ]
    if len(dens) > 1:
        hints.append(
            f"The fraction parts need a common denominator: use the LCM of {_and_list(dens)}."
        )
    fr_parts = [P(f) for f in fracs]
    if "-" in ops and len(fr_parts) == 2 and fr_parts[0] < fr_parts[1] and len(terms) == 2:
        hints.append(
            "The first fraction part is smaller than the second, so you will need "
            "to borrow a whole (or use improper fractions)."
        )
    elif "+" in ops and sum(fr_parts) >= 1:
        hints.append("The fraction parts add up to more than 1, so carry a whole.")
    elif "-" in ops and not is_mixed_text(terms[0]) and "/" not in terms[0]:
        hints.append(
            f"Borrow one whole from {terms[0]}: write it as {int(terms[0]) - 1} and "
            f"{dens[0]}/{dens[0]}."
        )
    if len(hints) == 1:
        hints.append("Combine the whole numbers, then the fraction parts, and simplify at the end.")
    stem = f"Work out `{e}`."
    if kind in ("short_text", "single_choice"):
        stem += " Give your answer as a mixed number in simplest form."
    else:
        stem += " Give your answer as a fraction or a mixed number."
    expl = explain_mixed(terms, ops) + note
    if kind == "numeric":
        return num(stem, v, hints, expl, b, extra=extra)
    if kind == "short_text":
        return st(stem, mixed_accepted(v), hints, expl, b, extra=extra)
    return sc(stem, mixed(v), list(wrong), hints, expl, b, extra=extra)


def items_add_subtract_mixed():
    out = []
    out.append(mixed_item("short_text", ["2 1/7", "1 4/7"], ["+"], -0.2))
    out.append(mixed_item("short_text", ["3 5/6", "1 1/6"], ["-"], 0.2))
    out.append(mixed_item("short_text", ["1 1/2", "2 1/3"], ["+"], 0.4))
    out.append(mixed_item("short_text", ["2 3/4", "1 1/2"], ["+"], 0.8))
    out.append(mixed_item("short_text", ["5 1/5", "2 3/5"], ["-"], 1.0))
    out.append(mixed_item("numeric", ["6", "2 3/4"], ["-"], 0.8))
    out.append(
        mixed_item(
            "single_choice",
            ["3 1/2", "1 3/4"],
            ["+"],
            0.6,
            wrong=["4 4/6", "4 5/4", "4 1/4"],
            note=" `4 5/4` has the right value but is not finished, and `4 1/4` forgets to carry "
            "the extra whole.",
        )
    )
    out.append(
        mixed_item(
            "single_choice",
            ["6 1/4", "2 3/4"],
            ["-"],
            1.0,
            wrong=["4 1/2", "3 2/4", "2 1/2"],
            note=" `4 1/2` comes from working out `3/4 - 1/4` instead of borrowing a whole; "
            "`3 2/4` is correct but not in simplest form.",
        )
    )
    out.append(mixed_item("numeric", ["2 1/2", "3/4"], ["+"], 0.4))
    out.append(mixed_item("numeric", ["7 1/3", "3 5/6"], ["-"], 1.4))
    out.append(mixed_item("numeric", ["1 2/3", "2 1/6", "1/2"], ["+", "+"], 1.2))
    out.append(
        num(
            "A plank of wood is 3 1/2 m long. A piece 1 3/4 m long is cut off. How long is the "
            "rest of the plank, in metres? Give your answer as a fraction or a mixed number.",
            F(7, 4),
            ["Subtract 1 3/4 from 3 1/2.", "Write both lengths in quarters of a metre."],
            "3 1/2 = 14/4 and 1 3/4 = 7/4, so 14/4 - 7/4 = 7/4 = 1 3/4. The rest of the plank is "
            "1 3/4 m long.",
            0.9,
        )
    )
    return out


# --------------------------------------------------------------------------- items: module 5


def _as_fraction_step(t: str) -> tuple[F, str | None]:
    """Return value and a conversion note for a mixed number (None otherwise)."""
    v = P(t)
    if is_mixed_text(t):
        return v, f"`{t} = {fs(v)}`"
    return v, None


def explain_product(a: str, b: str) -> str:
    va, ca = _as_fraction_step(a)
    vb, cb = _as_fraction_step(b)
    notes = [c for c in (ca, cb) if c]
    text = (
        "Change mixed numbers into improper fractions: " + ", ".join(notes) + ". " if notes else ""
    )
    if va.denominator == 1 or vb.denominator == 1:
        whole, fr = (va, vb) if va.denominator == 1 else (vb, va)
        n, d = int(whole) * fr.numerator, fr.denominator
        text += (
            f"Multiply the numerator by {int(whole)} and keep the denominator: "
            f"{int(whole)} × {fr.numerator} = {n}, so the product is `{n}/{d}`."
        )
    else:
        n, d = va.numerator * vb.numerator, va.denominator * vb.denominator
        text += (
            f"Multiply the numerators: {va.numerator} × {vb.numerator} = {n}. Multiply the "
            f"denominators: {va.denominator} × {vb.denominator} = {d}. That gives `{n}/{d}`."
        )
    return text + finish(n, d)


def explain_quotient(a: str, b: str) -> str:
    va, ca = _as_fraction_step(a)
    vb, cb = _as_fraction_step(b)
    notes = [c for c in (ca, cb) if c]
    text = (
        "Change mixed numbers into improper fractions first: " + ", ".join(notes) + ". "
        if notes
        else ""
    )
    ta = fs(va)
    tb = f"{vb.numerator}/{vb.denominator}" if vb.denominator != 1 else f"{vb.numerator}/1"
    rb = f"{vb.denominator}/{vb.numerator}"
    text += f"Keep, change, flip: `{ta} ÷ {tb} = {ta} × {rb}`. "
    na = va.numerator if va.denominator != 1 else int(va)
    da = va.denominator
    n, d = na * vb.denominator, da * vb.numerator
    text += (
        f"Multiply: numerators {na} × {vb.denominator} = {n}, denominators {da} × "
        f"{vb.numerator} = {d}, giving `{n}/{d}`."
    )
    return text + finish(n, d)


def op_item(kind, a, op, b_, diff, *, form=None, wrong=(), note="", extra=(), hints=()):
    sym = "×" if op == "*" else "÷"
    e = f"{a} {sym} {b_}"
    v = P(a) * P(b_) if op == "*" else P(a) / P(b_)
    stem = f"Work out `{e}`."
    if form == "simplest":
        stem += " Give your answer in simplest form."
    elif form == "mixed":
        stem += " Give your answer as a mixed number in simplest form."
    elif kind == "numeric" and v.denominator != 1:
        stem += " Give your answer as a fraction or a mixed number."
    expl = (explain_product(a, b_) if op == "*" else explain_quotient(a, b_)) + note
    hints = list(hints)
    if kind == "numeric":
        return num(stem, v, hints, expl, diff, extra=extra)
    if kind == "short_text":
        acc = mixed_accepted(v) if form == "mixed" else frac_accepted(v)
        return st(stem, acc, hints, expl, diff, extra=extra)
    return sc(
        stem, mixed(v) if form == "mixed" else fs(v), list(wrong), hints, expl, diff, extra=extra
    )


WHOLE_HINTS = [
    "Multiplying by a whole number is repeated addition: think of it as that many lots of "
    "the fraction.",
    "Multiply the numerator by the whole number, and keep the denominator.",
]
MIXED_WHOLE_HINTS = [*WHOLE_HINTS, "Then change the improper fraction into a mixed number."]
FRAC_HINTS = [
    "Multiply the numerators together, and multiply the denominators together.",
    "You can cancel common factors before multiplying to keep the numbers small.",
]
MIXED_MUL_HINTS = [
    "Change each mixed number into an improper fraction first.",
    "Then multiply the numerators together and the denominators together.",
]
DIV_HINTS = [
    "Dividing by a number is the same as multiplying by its reciprocal.",
    "Keep the first number, change ÷ into ×, and flip the second fraction.",
]
MIXED_DIV_HINTS = ["Change each mixed number into an improper fraction first.", *DIV_HINTS]


def items_multiply_by_whole():
    out = []
    out.append(op_item("numeric", "4", "*", "2/9", -0.8, hints=WHOLE_HINTS))
    out.append(op_item("numeric", "2", "*", "3/7", -0.9, hints=WHOLE_HINTS))
    out.append(
        op_item(
            "single_choice",
            "6",
            "*",
            "2/5",
            -0.2,
            wrong=["12/30", "8/5"],
            hints=WHOLE_HINTS,
            note=" `12/30` multiplies the denominator too, which only makes a fraction equal to "
            "`2/5`; six lots of `2/5` must be much bigger than `2/5`.",
        )
    )
    out.append(op_item("short_text", "5", "*", "3/4", 0.2, form="mixed", hints=MIXED_WHOLE_HINTS))
    out.append(op_item("short_text", "3", "*", "5/6", 0.6, form="mixed", hints=MIXED_WHOLE_HINTS))
    out.append(
        op_item(
            "numeric",
            "2/5",
            "*",
            "10",
            0.1,
            hints=[
                "The order does not matter: this is 10 lots of `2/5`.",
                "One fifth of 10 is 2. How much are two fifths?",
            ],
        )
    )
    out.append(op_item("numeric", "9", "*", "2/3", 0.2, hints=WHOLE_HINTS))
    out.append(
        num(
            "Find the missing number: `? × 1/4 = 2`",
            8,
            ["How many quarters make one whole?", "How many quarters make two wholes?"],
            "Four quarters make 1, so eight quarters make 2: `8 × 1/4 = 8/4 = 2`. The missing "
            "number is 8.",
            0.6,
        )
    )
    opts = [
        ("6/5", True),
        ("2/5 + 2/5 + 2/5", True),
        ("6/15", False),
        ("1 1/5", True),
        ("5/6", False),
    ]
    out.append(
        mc(
            "Select **all** the expressions equal to `3 × 2/5`.",
            opts,
            [
                "`3 × 2/5` means three lots of `2/5`.",
                "Work out the value of each option and compare it with `6/5`.",
            ],
            "`3 × 2/5 = 2/5 + 2/5 + 2/5 = 6/5`, and `6/5 = 1 1/5`. `6/15` multiplies the "
            "denominator as well (it equals `2/5`), and `5/6` is `6/5` upside down.",
            -0.1,
        )
    )
    out.append(op_item("numeric", "7", "*", "3/10", 0.0, hints=WHOLE_HINTS))
    out.append(
        op_item(
            "numeric",
            "4",
            "*",
            "2 1/3",
            0.9,
            extra=["mixed-to-improper"],
            hints=[
                "Change `2 1/3` into an improper fraction first, or multiply the whole part "
                "and the fraction part separately.",
                "4 × 2 = 8. What is 4 × `1/3`?",
            ],
        )
    )
    out.append(
        sc(
            "Which of these describes 4 × 1/3?",
            "Four jumps of one third along a number line",
            [
                "One jump of one twelfth along a number line",
                "Four jumps of one quarter along a number line",
                "Three jumps of one quarter along a number line",
            ],
            ["Multiplying by 4 means four lots of something. Four lots of what?"],
            "4 × 1/3 means four lots of 1/3: four jumps of one third, landing on 4/3. It is not "
            "1/12, which would come from multiplying the denominator.",
            -0.6,
            a=0.9,
        )
    )
    return out


def items_multiply_fractions():
    out = []
    out.append(op_item("numeric", "1/2", "*", "1/5", -0.6, hints=FRAC_HINTS[:1]))
    out.append(op_item("numeric", "3/4", "*", "1/2", -0.4, hints=FRAC_HINTS[:1]))
    out.append(
        op_item(
            "single_choice",
            "2/3",
            "*",
            "4/7",
            -0.1,
            wrong=["6/10", "14/12", "8/7"],
            hints=FRAC_HINTS[:1],
            note=" `6/10` adds instead of multiplying, and `14/12` cross-multiplies, which is "
            "what happens in division.",
        )
    )
    out.append(op_item("short_text", "4/5", "*", "5/8", 0.5, form="simplest", hints=FRAC_HINTS))
    out.append(op_item("short_text", "5/6", "*", "3/10", 0.7, form="simplest", hints=FRAC_HINTS))
    out.append(
        op_item(
            "numeric",
            "3/5",
            "*",
            "5/3",
            0.3,
            hints=[*FRAC_HINTS[:1], "Look at the answer: are the numerator and denominator equal?"],
        )
    )
    out.append(
        op_item(
            "numeric", "2 1/4", "*", "2/3", 0.8, hints=MIXED_MUL_HINTS, extra=["mixed-to-improper"]
        )
    )
    out.append(
        op_item(
            "numeric",
            "1 1/3",
            "*",
            "1 1/2",
            1.1,
            hints=MIXED_MUL_HINTS,
            extra=["mixed-to-improper"],
        )
    )
    opts = [("1/2", True), ("6/12", True), ("5/7", False), ("2/4", True), ("9/8", False)]
    out.append(
        mc(
            "Select **all** the numbers equal to `2/3 × 3/4`.",
            opts,
            [*FRAC_HINTS[:1], "Then look for all the fractions equivalent to your answer."],
            "`2/3 × 3/4 = 6/12`, which simplifies to `1/2`; `2/4` is also equal to `1/2`. `5/7` "
            "adds the numerators and the denominators, and `9/8` cross-multiplies.",
            0.4,
        )
    )
    out.append(
        symbol_item(
            "3/4 × 5/6",
            "3/4",
            [
                "Is `5/6` more or less than 1?",
                "What happens to a number when you multiply it by something less than 1?",
            ],
            "`5/6` is less than 1, so `3/4 × 5/6` is only part of `3/4`: it is smaller. "
            "(Indeed `3/4 × 5/6 = 15/24 = 5/8`, and `5/8 < 6/8 = 3/4`.) So "
            "`3/4 × 5/6 < 3/4`.",
            0.6,
        )
    )
    out.append(op_item("numeric", "3/5", "*", "5/9", 0.4, hints=FRAC_HINTS))
    out.append(
        num(
            "In a class, 3/4 of the pupils are girls, and 2/3 of the girls wear glasses. What "
            "fraction of the whole class are girls who wear glasses? Give your answer as a "
            "fraction.",
            F(1, 2),
            ["You need 2/3 **of** 3/4.", '"Of" means multiply.'],
            "2/3 of 3/4 is 2/3 × 3/4 = 6/12 = 1/2. Half of the class are girls who wear glasses.",
            0.9,
        )
    )
    return out


def items_reciprocals():
    out = []
    rec_hints = [
        "The reciprocal of a number is what you multiply it by to get 1.",
        "For a fraction, turn it upside down. Write whole numbers and mixed numbers as "
        "fractions first.",
    ]

    def rec_text(t):
        v = P(t)
        pre = ""
        if is_mixed_text(t) or "." in t:
            pre = f"`{t} = {fs(v)}`. "
        elif v.denominator == 1:
            pre = f"`{t} = {t}/1`. "
        r = 1 / v
        return pre + f"Turn it upside down to get `{fs(r)}`. Check: `{fs(v)} × {fs(r)} = 1`."

    for t, acc, b in [
        ("2/7", ["7/2", "3 1/2", "3.5"], -0.6),
        ("9", ["1/9"], -0.2),
        ("1/6", ["6"], -0.3),
        ("3 1/3", ["3/10", "0.3"], 0.7),
    ]:
        out.append(st(f"What is the reciprocal of `{t}`?", acc, rec_hints, rec_text(t), b))
    out.append(
        sc(
            "What is the reciprocal of `5/8`?",
            "8/5",
            ["3/8", "5/8", "1/8"],
            rec_hints,
            rec_text("5/8") + " `3/8` is what you add to `5/8` to make 1, which is a different "
            "idea.",
            -0.4,
        )
    )
    out.append(
        sc(
            "What is the reciprocal of `1 1/2`?",
            "2/3",
            ["3/2", "2", "1/2"],
            ["Change the mixed number into an improper fraction first.", *rec_hints[:1]],
            rec_text("1 1/2") + " `3/2` is the same number as `1 1/2`, not its reciprocal.",
            0.6,
        )
    )
    out.append(
        num(
            "Find the missing number: `3/8 × ? = 1`",
            F(8, 3),
            ["The missing number is the reciprocal of `3/8`."],
            "A number times its reciprocal is 1, so the missing number is `8/3`: "
            "`3/8 × 8/3 = 24/24 = 1`.",
            0.2,
        )
    )
    out.append(
        num(
            "Find the missing number: `? × 4 = 1`",
            F(1, 4),
            ["Think of 4 as `4/1`.", "What do you multiply 4 by to get 1?"],
            "`1/4 × 4 = 4/4 = 1`, so the missing number is `1/4`, the reciprocal of 4.",
            0.0,
        )
    )
    opts = [
        ("1/5 and 5", True),
        ("2/3 and 3/2", True),
        ("4/5 and 5/3", False),
        ("0.25 and 4", True),
        ("0.5 and 5", False),
    ]
    out.append(
        mc(
            "Select **all** the pairs of numbers that are reciprocals of each other.",
            opts,
            [
                "Two numbers are reciprocals when they multiply to make exactly 1.",
                "Change the decimals into fractions first.",
            ],
            "`1/5 × 5 = 1`, `2/3 × 3/2 = 1` and `0.25 × 4 = 1/4 × 4 = 1`, so those pairs are "
            "reciprocals. `4/5 × 5/3 = 4/3` and `0.5 × 5 = 2.5`, so those are not (the "
            "reciprocal of 0.5 is 2).",
            0.3,
        )
    )
    out.append(
        num(
            "Work out `4/9 × 9/4`.",
            1,
            [
                "Multiply the numerators and the denominators.",
                "What do you notice about the two fractions?",
            ],
            "`4/9 × 9/4 = 36/36 = 1`. The two fractions are reciprocals, so their product is 1.",
            -0.4,
        )
    )
    out.append(
        st(
            "What is the reciprocal of `0.1`?",
            ["10"],
            ["Write 0.1 as a fraction first.", *rec_hints[:1]],
            rec_text("0.1"),
            0.9,
        )
    )
    out.append(
        sc(
            "Which of these numbers has **no** reciprocal?",
            "0",
            ["1", "1/2", "10"],
            ["Is there a number you can multiply by it to get 1?"],
            "Any number multiplied by 0 gives 0, never 1, so 0 has no reciprocal. The "
            "reciprocal of 1 is 1, of 1/2 is 2, and of 10 is 1/10.",
            0.8,
            a=0.9,
        )
    )
    return out


def items_divide_fractions():
    out = []
    out.append(
        op_item(
            "numeric",
            "1/3",
            "/",
            "1/6",
            0.0,
            hints=["How many sixths fit into one third?", *DIV_HINTS[1:]],
        )
    )
    out.append(op_item("numeric", "3/4", "/", "1/8", 0.2, hints=DIV_HINTS))
    out.append(
        op_item(
            "numeric",
            "3/5",
            "/",
            "3",
            0.3,
            hints=["Write 3 as the fraction `3/1`.", *DIV_HINTS[1:]],
        )
    )
    out.append(
        op_item(
            "numeric",
            "6",
            "/",
            "2/3",
            0.3,
            hints=["How many thirds are there in 6 wholes?", "How many lots of 2 thirds is that?"],
        )
    )
    out.append(
        op_item(
            "single_choice",
            "2/7",
            "/",
            "3/5",
            0.4,
            wrong=["6/35", "21/10", "35/6"],
            hints=DIV_HINTS,
            note=" `6/35` multiplies without flipping, and `21/10` flips the first fraction "
            "instead of the second.",
        )
    )
    out.append(op_item("short_text", "5/6", "/", "5/12", 0.5, form="simplest", hints=DIV_HINTS))
    out.append(
        op_item(
            "short_text",
            "4/9",
            "/",
            "2/3",
            0.6,
            form="simplest",
            hints=[*DIV_HINTS, "Then simplify your answer."],
        )
    )
    out.append(
        op_item(
            "short_text",
            "7/8",
            "/",
            "1/3",
            0.8,
            form="mixed",
            hints=[*DIV_HINTS, "Then change the improper fraction into a mixed number."],
        )
    )
    out.append(
        op_item(
            "numeric", "2 1/2", "/", "5/6", 0.9, hints=MIXED_DIV_HINTS, extra=["mixed-to-improper"]
        )
    )
    out.append(
        op_item(
            "numeric",
            "2 1/4",
            "/",
            "1 1/2",
            1.3,
            hints=MIXED_DIV_HINTS,
            extra=["mixed-to-improper"],
        )
    )
    opts = [
        ("3/5 × 7/2", True),
        ("5/3 × 2/7", False),
        ("21/10", True),
        ("6/35", False),
        ("2 1/10", True),
    ]
    out.append(
        mc(
            "Select **all** the expressions equal to `3/5 ÷ 2/7`.",
            opts,
            [*DIV_HINTS[1:], "Work out the answer, then check each option against it."],
            "`3/5 ÷ 2/7 = 3/5 × 7/2 = 21/10 = 2 1/10`. `5/3 × 2/7` flips the wrong fraction "
            "(it equals `10/21`), and `6/35` multiplies without flipping.",
            0.7,
        )
    )
    out.append(
        num(
            "How many glasses holding 2/5 of a litre can be filled from 4 litres of juice?",
            10,
            [
                "You need to know how many lots of 2/5 fit into 4: that is a division.",
                "How many fifths of a litre are there in 4 litres?",
            ],
            "4 ÷ 2/5 = 4 × 5/2 = 20/2 = 10. (4 litres are 20 fifths of a litre, and each glass "
            "takes 2 fifths.) So 10 glasses can be filled.",
            0.7,
        )
    )
    return out


# --------------------------------------------------------------------------- items: module 6


def dec(v: F) -> str:
    """Exact decimal text of a terminating fraction, e.g. 3/8 -> '0.375'."""
    v = F(v)
    k = 0
    while (10**k) % v.denominator:
        k += 1
        assert k < 10, v
    digits = v.numerator * (10**k) // v.denominator
    if k == 0:
        return str(digits)
    s = str(digits).rjust(k + 1, "0")
    return s[:-k] + "." + s[-k:]


PLACES = {1: "tenths", 2: "hundredths", 3: "thousandths"}


def to_decimal_text(t: str) -> str:
    n, d = lit(t)
    k = 0
    while (10**k) % d:
        k += 1
    if d == 10**k:
        return f"`{t}` is {n} {PLACES[k]}, which is written {dec(F(n, d))}."
    m = 10**k // d
    return (
        f"{d} × {m} = {10**k}, so multiply the top and the bottom by {m}: "
        f"`{t} = {n * m}/{10**k}`, which is {n * m} {PLACES[k]}, or {dec(F(n, d))}."
    )


def round_half_up(v: F, places: int) -> str:
    scaled = v * 10**places
    q = int(scaled + F(1, 2))  # values here are positive
    s = str(q).rjust(places + 1, "0")
    return s[:-places] + "." + s[-places:]


def items_fractions_to_decimals():
    out = []
    hints = [
        "Can you make an equivalent fraction with a denominator of 10, 100 or 1000?",
        "Or divide the numerator by the denominator.",
    ]
    for t, b in [
        ("9/10", -1.0),
        ("3/100", -0.3),
        ("1/4", -0.7),
        ("4/5", -0.3),
        ("13/20", 0.3),
        ("5/8", 0.6),
    ]:
        d = dec(F(t))
        out.append(
            st(
                f"Write `{t}` as a decimal.",
                [d, d[1:] if d.startswith("0.") else d],
                hints,
                to_decimal_text(t),
                b,
            )
        )
        if out[-1]["accepted"][0] == out[-1]["accepted"][1]:
            out[-1]["accepted"].pop()
    out.append(
        sc(
            "Write `2/5` as a decimal.",
            "0.4",
            ["2.5", "0.25", "0.2"],
            hints,
            to_decimal_text("2/5") + " Writing 2.5 just puts the digits either side of a "
            "decimal point.",
            -0.4,
        )
    )
    out.append(
        sc(
            "Write `1/8` as a decimal.",
            "0.125",
            ["1.8", "0.18", "0.8"],
            hints,
            to_decimal_text("1/8") + " (Half of `1/4 = 0.25` is 0.125.)",
            0.2,
        )
    )
    for t, places, b in [("1/3", 2, 0.6), ("5/6", 3, 1.0)]:
        v = F(t)
        r = round_half_up(v, places)
        long = f"{float(v):.{places + 3}f}"
        out.append(
            st(
                f"Write `{t}` as a decimal rounded to {places} decimal places.",
                [r],
                [
                    "Divide the numerator by the denominator: the decimal goes on for ever.",
                    f"Work out {places + 1} decimal places, then round using the last digit.",
                ],
                f"`{t}` = {long}… The digit after the {places}{'nd' if places == 2 else 'rd'} "
                f"decimal place is {long[places + 2]}, so round "
                f"{'up' if int(long[places + 2]) >= 5 else 'down'}: {r}.",
                b,
            )
        )
    opts = [("1/2", True), ("5/10", True), ("1/5", False), ("50/100", True), ("5/100", False)]
    out.append(
        mc(
            "Select **all** the numbers equal to `0.5`.",
            opts,
            ["0.5 means five tenths.", "Which of the fractions simplify to one half?"],
            "0.5 is five tenths, `5/10`, which equals `1/2` and `50/100`. `1/5` is 0.2 and "
            "`5/100` is 0.05.",
            -0.2,
        )
    )
    out.append(
        sc(
            "Which of these numbers is the **greatest**?",
            "0.7",
            ["3/5", "0.65", "2/3"],
            [
                "Change the fractions into decimals so that all four are in the same form.",
                "`2/3` is a recurring decimal: 0.666…",
            ],
            "As decimals: `3/5 = 0.6`, `2/3 = 0.666…`, and 0.65 and 0.7. The greatest is 0.7.",
            0.8,
            extra=["comparing-unlike-fractions"],
        )
    )
    return out


def items_decimals_to_fractions():
    out = []
    hints = [
        "Count the decimal places: one place means tenths, two places mean hundredths, "
        "three places mean thousandths.",
    ]
    simp_hint = "Then simplify by dividing the top and the bottom by a common factor."

    def text(t):
        places = len(t.split(".")[1])
        den = 10**places
        whole, frac = t.split(".")
        n = int(frac)
        if int(whole):
            body = (
                f"`{t}` is {whole} and {n} {PLACES[places]}, so it is `{whole} {n}/{den}`, or "
                f"`{int(whole) * den + n}/{den}` as an improper fraction."
            )
            return body + finish(int(whole) * den + n, den)
        body = f"`{t}` has {places} decimal place{'s' if places > 1 else ''}, so it is "
        body += f"{n} {PLACES[places]}: `{n}/{den}`."
        return body + finish(n, den)

    for t, b in [("0.3", -0.9), ("0.07", -0.4)]:
        out.append(st(f"Write `{t}` as a fraction.", [fs(F(t))], hints, text(t), b))
    for t, b in [("0.5", -0.7), ("0.75", -0.3), ("0.35", 0.5), ("0.375", 0.9)]:
        out.append(
            st(
                f"Write `{t}` as a fraction in simplest form.",
                [fs(F(t))],
                [*hints, simp_hint],
                text(t),
                b,
            )
        )
    out.append(
        st(
            "Write `1.25` as a mixed number in simplest form.",
            mixed_accepted(F("1.25")),
            ["Keep the whole number 1, and write 0.25 as a fraction.", simp_hint],
            text("1.25"),
            0.6,
        )
    )
    out.append(
        sc(
            "Write `0.8` as a fraction in simplest form.",
            "4/5",
            ["8/10", "1/8", "8/100"],
            [*hints, simp_hint],
            text("0.8") + " `8/10` is equal but not simplified, and `1/8` puts the digit in the "
            "denominator.",
            -0.1,
        )
    )
    out.append(
        sc(
            "Write `0.02` as a fraction in simplest form.",
            "1/50",
            ["2/10", "1/5", "2/100"],
            [*hints, simp_hint],
            text("0.02") + " `2/10` uses the wrong place value: 0.02 is two **hundredths**.",
            0.5,
        )
    )
    out.append(
        num(
            "Find the missing number: `0.6 = ?/20`",
            12,
            [
                "Write 0.6 as a fraction in tenths first.",
                "Then make an equivalent fraction with denominator 20.",
            ],
            "`0.6 = 6/10`. To change the denominator 10 into 20, multiply by 2: "
            "`6/10 = 12/20`. The missing number is 12.",
            0.6,
        )
    )
    opts = [("0.6", True), ("0.35", False), ("60/100", True), ("3.5", False), ("0.60", True)]
    out.append(
        mc(
            "Select **all** the numbers equal to `3/5`.",
            opts,
            ["Write `3/5` as tenths or hundredths first."],
            "`3/5 = 6/10 = 60/100`, so 0.6, 0.60 and `60/100` are all equal to it. 0.35 and 3.5 "
            "just use the digits 3 and 5.",
            0.0,
        )
    )
    out.append(
        symbol_item(
            "0.3",
            "2/7",
            [
                "Change `2/7` into a decimal (divide 2 by 7), or change 0.3 into a fraction.",
                "Compare `3/10` and `2/7` with a common denominator of 70.",
            ],
            "`0.3 = 3/10 = 21/70` and `2/7 = 20/70`, so `0.3 > 2/7`. (As a decimal, "
            "`2/7` = 0.2857…)",
            0.9,
        )
    )
    return out


def items_fraction_of_quantity():
    out = []

    def of_item(kind, t, q, b, wrong=(), note=""):
        n, d = lit(t)
        unit = q // d
        ans = n * unit
        stem = f"Find `{t} of {q}`."
        hints = [f"First find `1/{d}` of {q}: divide {q} by {d}."]
        if n > 1:
            hints.append(f"That is one {UNIT_WORDS[d][0]}. Now find {n} {units(d)}.")
        expl = f"{q} ÷ {d} = {unit}, so `1/{d} of {q} = {unit}`."
        if n > 1:
            expl += f" Then {n} × {unit} = {ans}, so `{t} of {q} = {ans}`."
        expl += note
        if kind == "numeric":
            return num(stem, ans, hints, expl, b)
        return sc(stem, str(ans), [str(w) for w in wrong], hints, expl, b)

    out.append(of_item("numeric", "1/5", 30, -1.0))
    out.append(of_item("numeric", "1/3", 21, -0.9))
    out.append(of_item("numeric", "3/4", 28, -0.3))
    out.append(of_item("numeric", "2/5", 45, 0.0))
    out.append(of_item("numeric", "5/8", 64, 0.3))
    out.append(
        of_item(
            "single_choice",
            "4/7",
            35,
            0.0,
            wrong=[5, 140, 28],
            note=" 5 is only one seventh, and 140 is 4 × 35 without dividing by 7.",
        )
    )
    for t, total, b in [("1/4", 9, 0.5), ("3/5", 12, 0.9)]:
        n, d = lit(t)
        one = total // n
        whole = one * d
        out.append(
            num(
                f"Find the missing number: `{t} of ? = {total}`",
                whole,
                [
                    "You know a part and need the whole: work backwards.",
                    f"If {n} {units(d)} of the number are {total}, what is one {UNIT_WORDS[d][0]}?"
                    if n > 1
                    else f"If one {UNIT_WORDS[d][0]} of the number is {total}, how many "
                    f"{units(d)} make the whole number?",
                ],
                (
                    f"{total} ÷ {n} = {one} is one {UNIT_WORDS[d][0]}, so "
                    if n > 1
                    else f"One {UNIT_WORDS[d][0]} is {total}, so "
                )
                + f"the whole number is {d} × {one} = {whole}. Check: `{t} of {whole} = {total}`.",
                b,
            )
        )
    out.append(of_item("numeric", "7/10", 250, 0.5))
    out.append(of_item("numeric", "2/3", 45, 0.2))
    out.append(
        num(
            "A class has 30 pupils, and 2/5 of them walk to school. How many pupils walk to "
            "school?",
            12,
            ["Find 1/5 of 30 first.", "Then find 2/5."],
            "1/5 of 30 is 30 ÷ 5 = 6, so 2/5 of 30 is 2 × 6 = 12 pupils.",
            -0.2,
        )
    )
    out.append(
        num(
            "A lesson lasts 60 minutes, and 1/4 of the time is spent on a quiz. How many "
            "minutes of the lesson are **not** spent on the quiz?",
            45,
            ["Find 1/4 of 60 first.", "The question asks for the rest of the lesson."],
            "1/4 of 60 is 60 ÷ 4 = 15 minutes for the quiz, so 60 - 15 = 45 minutes are not "
            "spent on it. (Or: 3/4 of 60 = 45.)",
            0.2,
        )
    )
    return out


def items_word_problems():
    out = []
    out.append(
        num(
            "Priya has 24 stickers. She gives 3/8 of them to her brother. How many stickers "
            "does she give away?",
            9,
            ["You need 3/8 **of** 24.", "Find 1/8 of 24 first."],
            "1/8 of 24 is 24 ÷ 8 = 3, so 3/8 of 24 is 3 × 3 = 9 stickers.",
            -0.2,
            extra=["fraction-of-quantity"],
        )
    )
    out.append(
        num(
            "A farmer has 45 sheep, and 2/9 of them are black. How many of the sheep are "
            "**not** black?",
            35,
            [
                "Find how many sheep are black first, or work out what fraction are not black.",
                "1/9 of 45 is 5.",
            ],
            "2/9 of 45 is 2 × 5 = 10 black sheep, so 45 - 10 = 35 are not black. (Or: 7/9 of the "
            "sheep are not black, and 7 × 5 = 35.)",
            0.3,
        )
    )
    out.append(
        num(
            "One batch of muffins needs 2/3 of a cup of sugar. How many cups of sugar are needed "
            "for 4 batches? Give your answer as a fraction or a mixed number.",
            F(8, 3),
            ["Four batches means 4 lots of 2/3.", "Multiply the numerator by 4."],
            "4 × 2/3 = 8/3 = 2 2/3 cups of sugar.",
            0.4,
        )
    )
    out.append(
        sc(
            "Sam walked 3/4 km to the shop and then 2/3 km to the park. How far did he walk "
            "altogether?",
            "1 5/12 km",
            ["5/7 km", "1/2 km", "5/12 km"],
            ['"Altogether" means add.', "Use a common denominator of 12."],
            "3/4 + 2/3 = 9/12 + 8/12 = 17/12 = 1 5/12 km. (5/7 comes from adding the tops and "
            "the bottoms, and 1/2 from multiplying.)",
            0.5,
            extra=["add-subtract-unlike-denominators"],
        )
    )
    out.append(
        num(
            "A ribbon 6 m long is cut into pieces that are each 3/4 m long. How many pieces "
            "are there?",
            8,
            [
                "How many lots of 3/4 fit into 6? That is a division.",
                "How many quarter metres are there in 6 m?",
            ],
            "6 ÷ 3/4 = 6 × 4/3 = 24/3 = 8. (6 m is 24 quarter metres, and each piece uses 3 of "
            "them.) There are 8 pieces.",
            0.6,
            extra=["divide-fractions"],
        )
    )
    out.append(
        num(
            "A jug holds 1 1/2 litres of juice. How many glasses holding 1/4 of a litre can be "
            "filled from it?",
            6,
            ["How many quarter litres are there in 1 1/2 litres?"],
            "1 1/2 ÷ 1/4 = 3/2 × 4 = 6. One litre fills 4 glasses and half a litre fills 2 more, "
            "so 6 glasses.",
            0.5,
        )
    )
    out.append(
        num(
            "Kai spent 1/4 of his pocket money on a comic and 1/6 of it on a drink. What "
            "fraction of his pocket money is left? Give your answer as a fraction.",
            F(7, 12),
            ["First find the fraction he spent altogether.", "Then subtract it from the whole, 1."],
            "Spent: 1/4 + 1/6 = 3/12 + 2/12 = 5/12. Left: 1 - 5/12 = 12/12 - 5/12 = 7/12 of his "
            "pocket money.",
            0.9,
        )
    )
    out.append(
        num(
            "After spending 3/7 of her savings, Ruth has £20 left. How much did she have at the "
            "start, in pounds?",
            35,
            ["What fraction of her savings is the £20?", "If 4/7 is £20, what is 1/7?"],
            "She spent 3/7, so the £20 left is 4/7 of her savings. 1/7 is £20 ÷ 4 = £5, so the "
            "whole is 7 × £5 = £35.",
            1.3,
        )
    )
    out.append(
        num(
            "There are 32 pupils in a class, and 5/8 of them are girls. How many boys are in the "
            "class?",
            12,
            ["What fraction of the class are boys?", "Find 1/8 of 32 first."],
            "The boys are 3/8 of the class. 1/8 of 32 is 4, so there are 3 × 4 = 12 boys. "
            "(Check: 5 × 4 = 20 girls, and 20 + 12 = 32.)",
            0.4,
        )
    )
    out.append(
        num(
            "A jug is 4/5 full of juice. Then 1/4 of the juice in the jug is poured out. What "
            "fraction of the jug is full now? Give your answer as a fraction.",
            F(3, 5),
            [
                "The 1/4 is a fraction of the juice, not of the whole jug.",
                "If 1/4 of the juice is poured out, what fraction of the juice is left?",
            ],
            "3/4 of the juice is left, and 3/4 of 4/5 is 3/4 × 4/5 = 12/20 = 3/5. The jug is 3/5 "
            "full.",
            1.4,
        )
    )
    out.append(
        num(
            "A film lasts 2 1/2 hours. Ella has watched 1 3/4 hours of it. How many **minutes** "
            "of the film are left?",
            45,
            ["Subtract the hours first.", "Then change the fraction of an hour into minutes."],
            "2 1/2 - 1 3/4 = 10/4 - 7/4 = 3/4 of an hour. 3/4 of 60 minutes is 45 minutes.",
            0.9,
        )
    )
    out.append(
        num(
            "A ribbon 2 m long is cut into 3 equal pieces. How long is each piece, in "
            "centimetres, rounded to the nearest centimetre?",
            67,
            ["2 m is 200 cm.", "Divide 200 by 3 and round to the nearest whole number."],
            "200 ÷ 3 = 66.666… cm, which rounds to 67 cm (exactly, each piece is 2/3 m, or "
            "66 2/3 cm).",
            0.8,
            tolerance=0.5,
        )
    )
    out.append(
        st(
            "A recipe for 4 people uses 3/4 kg of potatoes. How many kilograms are needed for "
            "6 people? Write your answer as a mixed number.",
            mixed_accepted(F(9, 8)),
            ["Find the amount for 1 person first.", "Then multiply by 6."],
            "For 1 person: 3/4 ÷ 4 = 3/16 kg. For 6 people: 6 × 3/16 = 18/16 = 9/8 = 1 1/8 kg. "
            "(Or: 6 people is 1 1/2 times 4 people, and 1 1/2 × 3/4 = 9/8.)",
            1.2,
        )
    )
    return out


# --------------------------------------------------------------------------- assembly

ITEM_BUILDERS = {
    "fraction-part-of-whole": items_fraction_part_of_whole,
    "fractions-on-number-line": items_fractions_on_number_line,
    "comparing-like-fractions": items_comparing_like_fractions,
    "factors-and-multiples": items_factors_and_multiples,
    "equivalent-fractions": items_equivalent_fractions,
    "simplifying-fractions": items_simplifying_fractions,
    "common-denominators": items_common_denominators,
    "comparing-unlike-fractions": items_comparing_unlike_fractions,
    "division-with-remainders": items_division_with_remainders,
    "improper-to-mixed": items_improper_to_mixed,
    "mixed-to-improper": items_mixed_to_improper,
    "add-subtract-like-denominators": items_add_subtract_like,
    "add-subtract-unlike-denominators": items_add_subtract_unlike,
    "add-subtract-mixed-numbers": items_add_subtract_mixed,
    "multiply-fraction-by-whole": items_multiply_by_whole,
    "multiply-fractions": items_multiply_fractions,
    "reciprocals": items_reciprocals,
    "divide-fractions": items_divide_fractions,
    "fractions-to-decimals": items_fractions_to_decimals,
    "decimals-to-fractions": items_decimals_to_fractions,
    "fraction-of-quantity": items_fraction_of_quantity,
    "fraction-word-problems": items_word_problems,
}


# --------------------------------------------------------------------------- maths markup
#
# Items and lessons are written above with plain expressions in code spans (easy to template
# and to check); the course shows them as maths. ``texify`` turns each code span that is
# arithmetic into TeX (``$\frac{3}{4} + \frac{1}{6}$``), each bar picture into
# ``[[fraction-bar 3/8]]`` and each number line into ``[[number-line 0 2 ticks=8 mark=3/4]]``
# (the syntax is in apps/curriculum/exchange/FORMAT.md). A span is converted only if
# ``untex`` gives the same text back, so nothing is lost; other spans stay code.

ARITH_TOKEN = re.compile(
    r"\s*(?:(?P<pfrac>\(\d+ × \d+\)/\(\d+ × \d+\))|(?P<mixed>\d+ \d+/\d+)"
    r"|(?P<frac>[\d?]+/[\d?]+)|(?P<num>\d*\.\d+|\d+)|(?P<op>[-+−×÷=<>?(),☐…])"
    r"|(?P<word>of|r|and)\b)"
)
TEX_OPS = {"×": r"\times", "÷": r"\div", "−": "-", "☐": r"\square", "…": r"\ldots", ",": ","}
BAR_RE = re.compile(r"[■□]+")
LINE_RE = re.compile(r"(\d+) \|((?:---[|●])+) (\d+)")
SPAN_RE = re.compile(r"`([^`]+)`")


def _frac_tex(text: str) -> str:
    top, bottom = text.split("/", 1)
    unwrap = lambda t: t.strip("()").replace("×", r"\times")  # noqa: E731
    return rf"\frac{{{unwrap(top)}}}{{{unwrap(bottom)}}}"


def tex(text: str) -> str | None:
    """TeX for a plain expression such as '1 1/2 + 3/4 = 2 1/4', or None if it is not one."""
    out, pos = [], 0
    while pos < len(text):
        m = ARITH_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return None
        kind, tok = m.lastgroup, m.group(m.lastgroup)
        pos = m.end()
        if kind in ("pfrac", "frac"):
            out.append(_frac_tex(tok))
        elif kind == "mixed":
            whole, frac = tok.split()
            out.append(whole + _frac_tex(frac))
        elif kind == "word":
            out.append(rf"\text{{ {tok} }}")
        else:
            out.append(TEX_OPS.get(tok, tok))
    return " ".join(out).replace(" ,", ",")


def untex(text: str) -> str:
    """Back from ``tex``: the check that a conversion kept every symbol."""
    for command, sign in ((r"\times", "×"), (r"\div", "÷"), (r"\square", "☐"), (r"\ldots", "…")):
        text = text.replace(command, sign)
    text = re.sub(r"\\text\{ (\w+) \}", r" \1 ", text)

    def frac(m: re.Match) -> str:
        top, bottom = m.group(2), m.group(3)
        if " " in top:
            top, bottom = f"({top})", f"({bottom})"
        return (m.group(1) + " " if m.group(1) else "") + f"{top}/{bottom}"

    text = re.sub(r"(\d+)?\\frac\{([^{}]*)\}\{([^{}]*)\}", frac, text)
    return re.sub(r"\s+", " ", text).replace(" ,", ",").strip()


def _figure(span: str) -> str | None:
    if BAR_RE.fullmatch(span):
        return f"[[fraction-bar {span.count('■')}/{len(span)}]]"
    m = LINE_RE.fullmatch(span)
    if m:
        lo, hi, ticks = int(m.group(1)), int(m.group(3)), m.group(2)[3::4]
        gaps = len(ticks)
        mark = lo + F((hi - lo) * (ticks.index("●") + 1), gaps)
        return f"[[number-line {lo} {hi} ticks={gaps} mark={fs(mark)}]]"
    return None


def texify(text: str) -> str:
    """Code spans that are maths or pictures, as TeX and figure shortcodes."""

    def span(m: re.Match) -> str:
        figure = _figure(m.group(1))
        if figure:
            return figure
        converted = tex(m.group(1))
        if (
            converted is not None
            and untex(converted) == m.group(1)
            and re.search(r"\d", m.group(1))
        ):
            return f"${converted}$"
        return m.group(0)

    return SPAN_RE.sub(span, text)


def texify_choice(text: str) -> str:
    """A choice that is a fraction or an expression, as TeX (plain numbers stay plain)."""
    if "/" in text or "×" in text or "÷" in text:
        converted = tex(text)
        if converted is not None and untex(converted) == text:
            return f"${converted}$"
    return texify(text)


def finalize_item(raw: dict, slug: str, skill: str) -> dict:
    item = {
        "slug": slug,
        "type": raw["type"],
        "stem": texify(raw["stem"]),
        "skills": [skill, *[s for s in raw["extra"] if s != skill]],
    }
    c = 0.0
    if raw["type"] in ("single_choice", "multiple_choice"):
        choices = list(raw["choices"])
        if raw["shuffle"]:
            random.Random(slug).shuffle(choices)
        item["choices"] = [
            {"key": "abcdefgh"[i], "text": texify_choice(text), "correct": ok}
            for i, (text, ok) in enumerate(choices)
        ]
        n = len(choices)
        c = round(0.8 / n, 2) if raw["type"] == "single_choice" else round(0.8 / (2**n - 1), 2)
    elif raw["type"] == "numeric":
        v = raw["answer"]
        item["answer"] = int(v) if v.denominator == 1 else float(v)
        item["tolerance"] = raw["tolerance"]
    else:
        item["accepted_answers"] = raw["accepted"]
    item["hints"] = [texify(hint) for hint in raw["hints"]]
    item["explanation"] = texify(raw["explanation"])
    item["irt"] = {"a": raw["a"], "b": raw["b"], "c": c}
    item["status"] = "published"
    return item


def build() -> dict:
    skills, lessons, items = [], [], []
    for slug, prefix, name, description, module, prereqs in SKILLS:
        skills.append(
            {
                "slug": slug,
                "name": name,
                "description": description,
                "module": module,
                "prerequisites": list(prereqs),
            }
        )
        title, body = LESSONS[slug]
        lessons.append(
            {
                "slug": f"lesson-{slug}",
                "title": title,
                "module": module,
                "skills": [slug],
                "body": texify(md(body)),
            }
        )
        for i, raw in enumerate(ITEM_BUILDERS[slug](), 1):
            items.append(finalize_item(raw, f"{prefix}-{i:03d}", slug))
    return {
        "format": "adaptive-learning-course",
        "version": 1,
        "course": {
            "slug": "fractions",
            "title": "Fractions",
            "description": (
                "A complete introduction to fractions for upper-primary and lower-secondary "
                "learners: what fractions mean, equivalence and comparison, improper "
                "fractions and mixed numbers, the four operations, decimals, and word "
                "problems. Every skill has a short lesson with a worked example and a "
                "common mistake to avoid, followed by practice questions with hints."
            ),
            "language": "en",
            "modules": MODULES,
            "skills": skills,
            "lessons": lessons,
            "items": items,
        },
    }


def main() -> None:
    course = build()
    text = json.dumps(course, indent=2, ensure_ascii=False) + "\n"
    OUT.write_text(text, encoding="utf-8")
    c = course["course"]
    print(  # noqa: T201 - a script run by hand; this is its output
        f"wrote {OUT}: {len(c['skills'])} skills, {len(c['lessons'])} lessons, "
        f"{len(c['items'])} items"
    )


if __name__ == "__main__":
    main()
