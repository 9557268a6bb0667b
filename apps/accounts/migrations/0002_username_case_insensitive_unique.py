"""Usernames unique case-insensitively: ``Lower("username")`` gets a unique index.

Existing data is not changed. If two accounts already differ only in case, the migration stops
with an error listing them; rename one (e.g. in the admin) and run it again.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_case_variants(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    clashes = (
        User.objects.using(schema_editor.connection.alias)
        .values(name=Lower("username"))
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    if clashes:
        raise RuntimeError(
            "These usernames exist in more than one letter case; rename all but one of each "
            f"before migrating: {', '.join(sorted(clashes))}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_case_variants, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="unique_username_case_insensitive",
                violation_error_message="A user with that username already exists.",
            ),
        ),
    ]
