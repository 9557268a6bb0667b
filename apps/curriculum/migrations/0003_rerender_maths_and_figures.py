"""Re-render the stored HTML of lessons, items and choices with maths and figures.

The ``*_html`` columns are rendered when content is saved; rows saved before TeX and figure
shortcodes were rendered hold the old HTML. This uses the current renderer on purpose (the
point is to store what it produces today) and bumps each course's ``content_version`` so
cached course snapshots and graphs are rebuilt.
"""

from django.db import migrations
from django.db.models import F

BATCH = 500


def rerender(apps, schema_editor):
    from apps.curriculum.markdown import render_inline, render_markdown

    Course = apps.get_model("curriculum", "Course")
    Lesson = apps.get_model("curriculum", "Lesson")
    Item = apps.get_model("curriculum", "Item")
    Choice = apps.get_model("curriculum", "Choice")

    lessons = list(Lesson.objects.only("id", "body"))
    for lesson in lessons:
        lesson.body_html = render_markdown(lesson.body)
    Lesson.objects.bulk_update(lessons, ["body_html"], batch_size=BATCH)

    items = list(Item.objects.only("id", "stem", "hints", "explanation"))
    for item in items:
        item.stem_html = render_markdown(item.stem)
        item.explanation_html = render_markdown(item.explanation)
        item.hints_html = [render_inline(hint) for hint in item.hints or []]
    Item.objects.bulk_update(
        items, ["stem_html", "explanation_html", "hints_html"], batch_size=BATCH
    )

    choices = list(Choice.objects.only("id", "text"))
    for choice in choices:
        choice.text_html = render_inline(choice.text)
    Choice.objects.bulk_update(choices, ["text_html"], batch_size=BATCH)

    Course.objects.update(content_version=F("content_version") + 1)


class Migration(migrations.Migration):
    dependencies = [("curriculum", "0002_course_authors")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
