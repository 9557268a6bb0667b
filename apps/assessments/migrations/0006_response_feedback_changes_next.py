from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_itemresponse_hint_used_received_at")]

    operations = [
        migrations.AddField(
            model_name="itemresponse",
            name="feedback",
            field=models.JSONField(
                blank=True,
                help_text="The feedback body returned for this answer (a retry gets it again); "
                "pruned after ANSWER_RECEIPT_RETENTION_DAYS, then rebuilt from the log.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="itemresponse",
            name="mastery_changes",
            field=models.JSONField(
                blank=True,
                help_text="How this answer moved each tagged skill: [[skill id, P(known) before, "
                "after], ...]; empty for a repeat, which is no evidence.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="itemresponse",
            name="next_activity",
            field=models.JSONField(
                blank=True,
                help_text="What practice presented after this answer, and why: {kind, skill, "
                "item, lesson, reason} (ids); none inside a quiz or placement test.",
                null=True,
            ),
        ),
    ]
