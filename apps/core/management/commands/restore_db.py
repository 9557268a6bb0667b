"""Restore a pg_dump archive made by backup_db into the configured database (or another).

    manage.py restore_db --from s3://bucket/prefix/adaptive_learning-20260101T020000.000Z.dump
    manage.py restore_db --from s3://bucket/prefix/      (the newest dump there)
    manage.py restore_db --from file:///var/backups/ --database-url postgres://... [--force]

Refuses a database that already has tables unless --force. See deploy/BACKUPS.md.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.backups import BackupError, backup_restore, configured_database


class Command(BaseCommand):
    help = "Restore a backup_db dump with pg_restore --clean --if-exists --no-owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            help="A dump's URL, or a prefix/directory to restore its newest dump.",
        )
        parser.add_argument(
            "--database-url", help="Restore into this database instead of the configured one."
        )
        parser.add_argument(
            "--force", action="store_true", help="Restore even if the database has tables."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database = configured_database(options["database_url"])
            result = backup_restore(
                source=options["source"], database=database, force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {result.source.url} into {result.database} ({result.tables} tables)"
        )
