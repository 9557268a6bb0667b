"""Dump the PostgreSQL database to S3-compatible storage or a directory, or list the dumps.

    manage.py backup_db --to s3://bucket/prefix/        (BACKUP_S3_ENDPOINT_URL for non-AWS)
    manage.py backup_db --to file:///var/backups/
    manage.py backup_db --list --to s3://bucket/prefix/

--to defaults to the BACKUP_LOCATION environment variable. See deploy/BACKUPS.md.
"""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.backups import BackupError, backup_create, backup_list, configured_database


class Command(BaseCommand):
    help = "Back up the PostgreSQL database with pg_dump to s3://bucket/prefix/ or file:///dir/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            dest="location",
            default=os.environ.get("BACKUP_LOCATION", ""),
            help="s3://bucket/prefix/ or file:///dir/ (default: $BACKUP_LOCATION).",
        )
        parser.add_argument("--list", action="store_true", help="List the dumps there instead.")
        parser.add_argument(
            "--database-url", help="Dump this database instead of the configured one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        location = options["location"]
        if not location:
            raise CommandError(
                "Give --to s3://bucket/prefix/ or file:///dir/ (or BACKUP_LOCATION)."
            )
        try:
            if options["list"]:
                for backup in backup_list(location=location):
                    self.stdout.write(f"{backup.url}\t{backup.size}\t{backup.created_at or ''}")
                return
            database = configured_database(options["database_url"])
            backup = backup_create(database=database, destination=location)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up {database} to {backup.url} ({backup.size} bytes)")
