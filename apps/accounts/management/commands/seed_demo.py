"""Seed demo data: each installed app's ``demo.seed(log)``, in INSTALLED_APPS order.

Apps lower in the dependency order (accounts) seed first, so later ones (courses, practice)
can build on them. Idempotent: running it twice leaves the same data.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create demo accounts (learner, teacher, admin; password demo-password) and demo data."

    def handle(self, *args: object, **options: object) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if config.name.startswith("apps.") and find_spec(module_name):
                import_module(module_name).seed(lambda line: self.stdout.write(line))
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
