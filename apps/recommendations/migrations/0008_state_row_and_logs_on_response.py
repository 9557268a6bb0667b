"""The per-answer log tables fold into the response row (one INSERT per answer): each
MasteryChange becomes an entry of ``ItemResponse.mastery_changes`` and each AnswerReceipt's
payload its ``feedback``; the learner's state row gains what the answer path read from other
tables (recent answers, lessons read) and the course's content version."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 2_000


def fold_logs_into_responses(apps, schema_editor):
    response_model = apps.get_model("assessments", "ItemResponse")
    change_model = apps.get_model("recommendations", "MasteryChange")
    receipt_model = apps.get_model("recommendations", "AnswerReceipt")
    last = 0
    while True:
        ids = list(
            response_model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return
        last = ids[-1]
        changes = defaultdict(list)
        for response_id, skill_id, before, after in (
            change_model.objects.filter(response_id__in=ids)
            .order_by("id")
            .values_list("response_id", "skill_id", "p_before", "p_after")
        ):
            changes[response_id].append([skill_id, before, after])
        payloads = dict(
            receipt_model.objects.filter(response_id__in=ids).values_list("response_id", "payload")
        )
        rows = list(response_model.objects.filter(pk__in=ids).only("pk"))
        for row in rows:
            row.mastery_changes = changes.get(row.pk, [])
            row.feedback = payloads.get(row.pk)
        response_model.objects.bulk_update(rows, ["mastery_changes", "feedback"])


def state_rows_for_lesson_readers(apps, schema_editor):
    """A learner's state row is created with no lessons read, so everyone who has read a lesson
    of a course gets one now (their lessons read left null: read from LessonView once)."""
    ability_model = apps.get_model("recommendations", "LearnerAbility")
    view_model = apps.get_model("recommendations", "LessonView")
    have = set(ability_model.objects.values_list("learner_id", "course_id"))
    readers = set(view_model.objects.values_list("learner_id", "lesson__course_id"))
    ability_model.objects.bulk_create(
        [
            ability_model(learner_id=learner_id, course_id=course_id)
            for learner_id, course_id in sorted(readers - have)
        ],
        batch_size=CHUNK,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_response_feedback_changes_next"),
        ("recommendations", "0007_course_policy_motivation"),
    ]

    operations = [
        # The reverse accessor would clash with the response's new field of the same name.
        migrations.AlterField(
            model_name="masterychange",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="assessments.itemresponse",
            ),
        ),
        migrations.AddField(
            model_name="learnerability",
            name="content_version",
            field=models.PositiveIntegerField(
                db_default=0,
                default=0,
                help_text="The course's content version when this row was last locked (the "
                "answer path reads it with the lock to pick the cached course snapshot).",
            ),
        ),
        migrations.AddField(
            model_name="learnerability",
            name="lessons_read",
            field=models.JSONField(
                blank=True,
                help_text="When the learner last read each lesson of the course: {lesson id: "
                "microseconds since the epoch}.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="learnerability",
            name="recent",
            field=models.JSONField(
                blank=True,
                help_text="The latest answers in the course, newest first: [[item id, answered "
                "at in microseconds since the epoch], ...], as many as the policy looks back.",
                null=True,
            ),
        ),
        migrations.RunPython(fold_logs_into_responses, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(
            state_rows_for_lesson_readers, migrations.RunPython.noop, elidable=True
        ),
        migrations.DeleteModel(name="AnswerReceipt"),
        migrations.DeleteModel(name="MasteryChange"),
    ]
