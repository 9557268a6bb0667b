"""Seed demo data: accounts and the demo class, the demo course, simulated classmates.

Each part builds on the one before it. Idempotent: running it twice leaves the same data.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.demo.seed import accounts, classmates, course


class Command(BaseCommand):
    help = "Create demo accounts (learner, teacher, admin; password demo-password) and demo data."

    def handle(self, *args: object, **options: object) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        for part in (accounts, course, classmates):
            part.seed(lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
