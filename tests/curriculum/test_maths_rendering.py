"""TeX to MathML and figure shortcodes to SVG in authored Markdown, and the data migration
that re-renders stored HTML."""

import importlib
import re
from xml.etree import ElementTree

import pytest
from django.apps import apps as django_apps

from apps.curriculum.figures import MAX_PARTS
from apps.curriculum.markdown import render_inline, render_markdown
from apps.curriculum.maths import plain_text, tex_problem, tex_to_mathml
from apps.curriculum.models import Choice, Course, Item, Lesson
from tests.curriculum.factories import ChoiceFactory, ItemFactory, LessonFactory

MATH_RE = re.compile(r"<math\b[^>]*>.*?</math>", re.S)


# --------------------------------------------------------------------------- maths


def test_inline_maths_becomes_mathml_with_its_tex_as_alttext():
    html = render_markdown(r"Work out $\frac{3}{4} + \frac{1}{6}$ now.")

    assert html.startswith("<p>Work out <math ")
    assert 'display="inline"' in html
    assert 'alttext="\\frac{3}{4} + \\frac{1}{6}"' in html
    assert html.count("<mfrac>") == 2
    assert "<mn>3</mn>" in html
    assert "<mo>+</mo>" in html
    assert html.endswith("</math> now.</p>")


def test_display_maths_is_a_block_math_element():
    html = render_markdown(r"$$2\frac{1}{3} = \frac{7}{3}$$")

    (math,) = MATH_RE.findall(html)
    assert 'display="block"' in math
    assert 'alttext="2\\frac{1}{3} = \\frac{7}{3}"' in math
    assert "$" not in html


def test_mathml_is_well_formed_xml():
    (math,) = MATH_RE.findall(render_markdown(r"$\sqrt{x^2 + 1} \le \frac{a_1}{2}$"))
    root = ElementTree.fromstring(math)  # noqa: S314 - our own output
    assert root.tag == "math"
    assert {el.tag for el in root.iter()} >= {"msqrt", "msup", "mfrac", "msub", "mo"}


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $6.",
        "Pay $5 or more.",
        "From $ 3 to 4 $ is not maths.",
        "A price: $12.50, and a tip of $2",
    ],
)
def test_dollars_in_prose_stay_text(text):
    html = render_markdown(text)
    assert "<math" not in html
    assert html == f"<p>{text}</p>"


def test_escaped_dollar_is_a_dollar_sign():
    html = render_markdown(r"Both cost \$3 and \$4, and $x$ is maths.")

    assert html.startswith("<p>Both cost $3 and $4, and <math ")
    assert len(MATH_RE.findall(html)) == 1
    assert "\\$" not in html


def test_dollars_in_code_stay_code():
    assert render_markdown("Type `$x$` to get maths.") == (
        "<p>Type <code>$x$</code> to get maths.</p>"
    )


def test_tex_is_not_touched_by_emphasis_or_escapes():
    html = render_markdown(r"$a_1 * b_2 + \{1\}$ and *this*")

    assert html.count("<msub>") == 2
    assert "<em>this</em>" in html
    assert html.count("<em>") == 1


@pytest.mark.parametrize(
    "tex", [r"\frac{3", r"\frac{3}", r"\foo{1}", r"x^", "}{", r"\text{<b>bold</b>}"]
)
def test_invalid_tex_is_shown_as_its_source_text(tex):
    html = render_markdown(f"Try ${tex}$ here.")

    assert "<math" not in html
    escaped = tex.replace("<", "&lt;").replace(">", "&gt;")
    assert html == f"<p>Try ${escaped}$ here.</p>"
    assert tex_to_mathml(tex) is None
    assert tex_problem(tex) is not None


def test_valid_tex_has_no_problem():
    assert tex_problem(r"\frac{1}{2}") is None


def test_scripts_and_handlers_are_stripped_inside_and_around_maths():
    html = render_markdown(
        r'<script>alert(1)</script>$\frac{1}{2}$<img src=x onerror="alert(2)">'
        r'<math><mi onclick="alert(3)" href="javascript:alert(4)">x</mi>'
        r"<script>alert(5)</script></math>"
        r"$\href{javascript:alert(6)}{x}$ $\color{red}{y}$"
    )

    # the TeX stays readable as text (alttext, or the source of refused TeX), never as markup
    tags = " ".join(re.sub(r'alttext="[^"]*"', "", tag) for tag in re.findall(r"<[^>]+>", html))
    for bad in ("<script", "onerror", "onclick", "javascript:", "<img", "style=", "href"):
        assert bad not in tags.lower(), bad
    assert "<mfrac>" in html
    assert r"$\href{javascript:alert(6)}{x}$" in html  # links in maths are refused: text


def test_inline_rendering_drops_the_paragraph_around_a_choice():
    html = render_inline(r"$\frac{2}{4}$")
    assert html.startswith("<math ")
    assert html.endswith("</math>")


# --------------------------------------------------------------------------- figures


def _svg(html: str) -> ElementTree.Element:
    (svg,) = re.findall(r"<svg\b.*?</svg>", html, re.S)
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


SVG = "{http://www.w3.org/2000/svg}"


def test_fraction_bar_is_an_svg_image_described_in_words():
    svg = _svg(render_markdown("What fraction is shaded?\n\n[[fraction-bar 3/4]]"))

    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "A bar in 4 equal parts, 3 shaded"
    cells = svg.findall(f"{SVG}rect")
    assert [c.get("class") for c in cells] == ["figure-shaded"] * 3 + ["figure-empty"]
    assert all(el.get("style") is None for el in svg.iter())


def test_fraction_bar_above_one_draws_several_bars():
    svg = _svg(render_markdown("[[fraction-bar 7/4]]"))

    assert svg.get("aria-label").startswith("2 bars, each in 4 equal parts, 7 parts shaded")
    assert len(svg.findall(f"{SVG}rect")) == 8


def test_number_line_has_ticks_labels_and_a_point_described_without_its_value():
    svg = _svg(render_markdown("[[number-line 0 2 ticks=8 mark=3/4]]"))

    assert svg.get("role") == "img"
    assert svg.get("aria-label") == (
        "A number line from 0 to 2 in 8 equal gaps, with a point on the 3rd tick after 0"
    )
    assert [t.text for t in svg.findall(f"{SVG}text")] == ["0", "1", "2"]
    assert len(svg.findall(f"{SVG}circle")) == 1
    assert len(svg.findall(f"{SVG}line")) == 1 + 9  # the axis and 9 ticks


def test_figure_in_a_sentence_and_in_a_choice():
    html = render_inline("Like [[fraction-bar 1/2]] this")
    assert html.startswith("Like <svg ")
    assert html.endswith("</svg> this")


@pytest.mark.parametrize(
    "code",
    [
        "[[fraction-bar 3/0]]",
        "[[fraction-bar 3]]",
        f"[[fraction-bar 1/{MAX_PARTS + 1}]]",
        "[[fraction-bar 99/4]]",
        "[[fraction-bar 1/2 extra]]",
        "[[number-line 2 1]]",
        "[[number-line 0 1 ticks=0]]",
        "[[number-line 0 1 mark=3/2]]",
        "[[number-line 0 1 colour=red]]",
        "[[number-line 0 1 mark=1/0]]",
        '[[number-line 0 1 mark="><script>alert(1)</script>]]',
    ],
)
def test_bad_shortcodes_are_shown_as_text(code):
    html = render_markdown(f"See {code} here")

    assert "<svg" not in html
    assert "<script" not in html
    assert html.startswith("<p>See [[")
    assert html.endswith("]] here</p>")


def test_placeholders_cannot_be_forged_by_authors():
    first = render_markdown("[[fraction-bar 1/2]]")
    token = re.sub(r"<[^>]+>", "", first)  # nothing of the placeholder is left in the output
    assert token == ""
    html = render_markdown("fig0123456789abcdefn0x")
    assert html == "<p>fig0123456789abcdefn0x</p>"


def test_unknown_shortcode_names_are_left_alone():
    assert render_markdown("[[pie-chart 1/2]]") == "<p>[[pie-chart 1/2]]</p>"


# --------------------------------------------------------------------------- the migration


@pytest.mark.django_db
def test_migration_rerenders_stored_html_and_bumps_content_versions():
    # given rows whose stored HTML predates maths rendering
    lesson = LessonFactory(body=r"Half is $\frac{1}{2}$: [[fraction-bar 1/2]]")
    item = ItemFactory(
        course=lesson.course,
        stem=r"Work out $\frac{1}{2} + \frac{1}{4}$.",
        hints=[r"$\frac{1}{2} = \frac{2}{4}$"],
        explanation=r"$$\frac{3}{4}$$",
        choices=[],
    )
    choice = ChoiceFactory(item=item, key="a", text=r"$\frac{3}{4}$", is_correct=True)
    Lesson.objects.update(body_html="<p>old</p>")
    Item.objects.update(stem_html="old", explanation_html="old", hints_html=["old"])
    Choice.objects.update(text_html="old")
    version = Course.objects.get(pk=lesson.course_id).content_version

    # when
    migration = importlib.import_module(
        "apps.curriculum.migrations.0003_rerender_maths_and_figures"
    )
    migration.rerender(django_apps, None)

    # then
    lesson.refresh_from_db()
    item.refresh_from_db()
    choice.refresh_from_db()
    assert lesson.body_html == render_markdown(lesson.body)
    assert "<math" in lesson.body_html
    assert "<svg" in lesson.body_html
    assert item.stem_html == render_markdown(item.stem)
    assert "<mfrac>" in item.stem_html
    assert item.hints_html == [render_inline(item.hints[0])]
    assert 'display="block"' in item.explanation_html
    assert choice.text_html == render_inline(choice.text)
    assert Course.objects.get(pk=lesson.course_id).content_version == version + 1


# --------------------------------------------------------------------------- as plain text


def test_plain_text_reads_maths_and_figures_in_words():
    html = render_markdown(
        r"Work out $2\frac{1}{3} + \frac{3}{4} \times 2^2$ &amp; see [[fraction-bar 1/2]]."
    )

    assert plain_text(html) == ("Work out 2 1/3+3/4×2^2 & see [A bar in 2 equal parts, 1 shaded].")
    assert plain_text(render_inline(r"$\frac{2}{3}$")) == "2/3"


def test_long_number_lines_label_only_their_ends():
    svg = _svg(render_markdown("[[number-line -10 30 ticks=40 mark=-2]]"))
    assert [t.text for t in svg.findall(f"{SVG}text")] == ["−10", "30"]
    assert svg.get("aria-label").startswith("A number line from −10 to 30 in 40 equal gaps")


def test_unicode_digits_in_shortcodes_are_bad_arguments_not_errors():
    assert "<svg" not in render_markdown("[[number-line 0 1 ticks=²]]")
