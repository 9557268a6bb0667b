import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from adaptive_learning.celery import DEFAULT_BEAT_SCHEDULE
from apps.accounts.models import Classroom, Enrollment, User


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_accounts_and_is_idempotent():
    call_command("seed_demo")
    call_command("seed_demo")
    users = {
        u.username: u for u in User.objects.filter(username__in=["learner", "teacher", "admin"])
    }
    assert {name: u.role for name, u in users.items()} == {
        "learner": "learner",
        "teacher": "teacher",
        "admin": "admin",
    }
    assert all(u.check_password("demo-password") for u in users.values())
    assert users["admin"].is_staff
    assert users["admin"].is_superuser
    classroom = Classroom.objects.get(owner=users["teacher"])
    assert Enrollment.objects.filter(classroom=classroom, learner=users["learner"]).count() == 1


@pytest.mark.django_db
@override_settings(ENVIRONMENT="production")
def test_seed_demo_refuses_production():
    with pytest.raises(CommandError, match="refuses to run under production"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_sync_beat_schedule_creates_missing_entries_and_keeps_admin_edits():
    call_command("sync_beat_schedule")
    task = PeriodicTask.objects.get(name="flush-expired-tokens")
    assert task.crontab.hour == "3"
    assert task.crontab.minute == "30"
    task.enabled = False
    task.save()
    call_command("sync_beat_schedule")
    assert PeriodicTask.objects.get(name="flush-expired-tokens").enabled is False
    call_command("sync_beat_schedule", "--reset")
    assert PeriodicTask.objects.get(name="flush-expired-tokens").enabled is True
    assert set(PeriodicTask.objects.values_list("name", flat=True)) == set(DEFAULT_BEAT_SCHEDULE)
