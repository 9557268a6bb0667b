"""The model ``Response`` is now ``ItemResponse`` (it clashed with DRF's ``Response`` in the
same modules). The table keeps its name, so existing databases move nothing."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_initial"),
        ("curriculum", "0001_initial"),
        # After every migration that points a foreign key at "assessments.response".
        ("recommendations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelTable(name="response", table="assessments_response"),
        migrations.RenameModel(old_name="Response", new_name="ItemResponse"),
    ]
