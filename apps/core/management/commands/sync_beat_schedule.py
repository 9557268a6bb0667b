"""Copy the default beat schedule (adaptive_learning/celery.py) into django-celery-beat.

Only entries missing from the database are created, so an admin's changes to the time or the
enabled flag survive every deploy. ``--reset`` puts the defaults back.
"""

import json

from celery.schedules import crontab
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from adaptive_learning.celery import DEFAULT_BEAT_SCHEDULE


class Command(BaseCommand):
    help = "Create the default periodic tasks that are missing (admins edit them in the admin)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--reset", action="store_true", help="Overwrite edited entries too.")

    def handle(self, *args: object, **options: object) -> None:
        for name, entry in DEFAULT_BEAT_SCHEDULE.items():
            schedule = entry["schedule"]
            assert isinstance(schedule, crontab)
            crontab_row, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule._orig_minute,
                hour=schedule._orig_hour,
                day_of_week=schedule._orig_day_of_week,
                day_of_month=schedule._orig_day_of_month,
                month_of_year=schedule._orig_month_of_year,
                timezone=str(schedule.tz or "UTC"),
            )
            defaults = {
                "task": entry["task"],
                "crontab": crontab_row,
                "kwargs": json.dumps(entry.get("kwargs", {})),
                "description": str(entry.get("description", "")),
                "enabled": True,
            }
            if options["reset"]:
                PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
                self.stdout.write(f"reset {name}")
            else:
                _, created = PeriodicTask.objects.get_or_create(name=name, defaults=defaults)
                self.stdout.write(f"{'created' if created else 'kept'} {name}")
