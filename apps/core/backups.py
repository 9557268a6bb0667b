"""Logical PostgreSQL backups to S3-compatible storage or a local directory, and restores.

Dumps are ``pg_dump --format=custom`` archives, restored with ``pg_restore``, so they move
between PostgreSQL hosts and versions (RDS, a laptop, another cloud). They complement RDS's own
snapshots and point-in-time recovery; deploy/BACKUPS.md has the policy.

Locations are URLs: ``s3://bucket/prefix/`` (endpoint from ``BACKUP_S3_ENDPOINT_URL`` for
non-AWS stores, credentials from the usual AWS chain) or ``file:///path/``. Each dump is named
``<database>-<UTC time>.dump`` and carries its SHA-256, checked before a restore.

Only PostgreSQL is supported: the SQLite default is a single file under var/ for development,
which is backed up by copying it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
import psycopg
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings

DUMP_SUFFIX = ".dump"
# libpq settings that may come from a URL's query or Django's OPTIONS (RDS wants sslmode).
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class PostgresDatabase:
    name: str
    host: str = "localhost"
    port: int = 5432
    user: str = ""
    password: str = field(default="", repr=False)
    options: Mapping[str, str] = field(default_factory=dict)

    def libpq_env(self) -> dict[str, str]:
        """The connection as libpq environment variables: no password on any command line."""
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGDATABASE": self.name}
        if self.user:
            env["PGUSER"] = self.user
        if self.password:
            env["PGPASSWORD"] = self.password
        for option, variable in _LIBPQ_OPTIONS.items():
            if option in self.options:
                env[variable] = str(self.options[option])
        return env

    def connect_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "dbname": self.name,
            "user": self.user or None,
            "password": self.password or None,
        }
        kwargs.update({k: v for k, v in self.options.items() if k in _LIBPQ_OPTIONS})
        return kwargs

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        return f"postgres://{user}{self.host}:{self.port}/{self.name}"


@dataclass(frozen=True)
class Backup:
    url: str
    name: str
    size: int
    created_at: datetime | None = None


@dataclass(frozen=True)
class RestoreResult:
    source: Backup
    database: PostgresDatabase
    tables: int


def database_from_settings(database: Mapping[str, Any]) -> PostgresDatabase:
    """The PostgreSQL database of a Django ``DATABASES`` entry; refuses any other engine."""
    engine = str(database.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        raise BackupError(
            "The configured database is SQLite (the development default): backup_db and "
            "restore_db handle PostgreSQL only. Copy var/db.sqlite3 instead, or set "
            "DATABASE_URL (or pass --database-url) to a PostgreSQL database."
        )
    if not engine.endswith(("postgresql", "postgis")):
        raise BackupError(f"Unsupported database engine {engine!r}: PostgreSQL only.")
    options = {k: str(v) for k, v in (database.get("OPTIONS") or {}).items()}
    return PostgresDatabase(
        name=str(database["NAME"]),
        host=str(database.get("HOST") or "localhost"),
        port=int(database.get("PORT") or 5432),
        user=str(database.get("USER") or ""),
        password=str(database.get("PASSWORD") or ""),
        options=options,
    )


def database_from_url(url: str) -> PostgresDatabase:
    """``postgres://user:pass@host:5432/name?sslmode=require`` as a PostgresDatabase."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BackupError(f"Not a PostgreSQL URL: {parts.scheme}://... (PostgreSQL only).")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise BackupError("The database URL names no database.")
    return PostgresDatabase(
        name=name,
        host=unquote(parts.hostname or "localhost"),
        port=parts.port or 5432,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        options=dict(parse_qsl(parts.query)),
    )


def configured_database(database_url: str | None = None) -> PostgresDatabase:
    """``database_url`` if given, else Django's default database."""
    if database_url:
        return database_from_url(database_url)
    return database_from_settings(settings.DATABASES["default"])


# --- storage -------------------------------------------------------------------------------


class Storage(Protocol):
    def put(self, path: Path, name: str, sha256: str) -> Backup: ...

    def list(self) -> list[Backup]: ...

    def get(self, name: str, destination: Path) -> str | None:
        """Download ``name`` to ``destination``; return the SHA-256 recorded at upload."""
        ...

    def url(self, name: str) -> str: ...


class LocalStorage:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def url(self, name: str) -> str:
        return (self.directory / name).resolve().as_uri()

    def put(self, path: Path, name: str, sha256: str) -> Backup:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / name
        shutil.copyfile(path, target)
        target.with_name(name + ".sha256").write_text(f"{sha256}  {name}\n")
        return Backup(url=self.url(name), name=name, size=target.stat().st_size)

    def list(self) -> list[Backup]:
        if not self.directory.is_dir():
            return []
        return [
            Backup(
                url=self.url(p.name),
                name=p.name,
                size=p.stat().st_size,
                created_at=datetime.fromtimestamp(p.stat().st_mtime, tz=UTC),
            )
            for p in sorted(self.directory.glob(f"*{DUMP_SUFFIX}"))
        ]

    def get(self, name: str, destination: Path) -> str | None:
        source = self.directory / name
        if not source.is_file():
            raise BackupError(f"No backup {self.url(name)}")
        shutil.copyfile(source, destination)
        checksum = source.with_name(name + ".sha256")
        return checksum.read_text().split()[0] if checksum.is_file() else None


class S3Storage:
    """Any S3-compatible store; ``BACKUP_S3_ENDPOINT_URL`` points boto3 at non-AWS ones."""

    def __init__(self, bucket: str, prefix: str, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or _s3_client()

    def url(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{name}"

    def put(self, path: Path, name: str, sha256: str) -> Backup:
        extra: dict[str, Any] = {"Metadata": {"sha256": sha256}}
        if encryption := os.environ.get("BACKUP_S3_SSE"):  # e.g. AES256 or aws:kms
            extra["ServerSideEncryption"] = encryption
        self.client.upload_file(str(path), self.bucket, self.prefix + name, ExtraArgs=extra)
        return Backup(url=self.url(name), name=name, size=path.stat().st_size)

    def list(self) -> list[Backup]:
        backups = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if name.endswith(DUMP_SUFFIX) and "/" not in name:
                    backups.append(
                        Backup(self.url(name), name, item["Size"], item.get("LastModified"))
                    )
        return sorted(backups, key=lambda b: b.name)

    def get(self, name: str, destination: Path) -> str | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + name)
        except ClientError as error:
            raise BackupError(f"No backup {self.url(name)} ({error})") from error
        self.client.download_file(self.bucket, self.prefix + name, str(destination))
        checksum = head.get("Metadata", {}).get("sha256")
        return str(checksum) if checksum else None


def _s3_client() -> Any:
    endpoint = os.environ.get("BACKUP_S3_ENDPOINT_URL") or None
    # Path-style addressing works with every S3-compatible server; AWS prefers virtual hosts.
    config = Config(s3={"addressing_style": "path" if endpoint else "auto"})
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=os.environ.get("BACKUP_S3_REGION") or os.environ.get("AWS_REGION"),
        config=config,
    )


def storage_for(location: str) -> tuple[Storage, str | None]:
    """The storage of a location URL, and the dump's name when the URL names one."""
    parts = urlsplit(location)
    path = unquote(parts.path)
    name = None
    if path.endswith(DUMP_SUFFIX):
        path, _, name = path.rpartition("/")
    if parts.scheme == "s3":
        if not parts.netloc:
            raise BackupError(f"No bucket in {location!r}: use s3://bucket/prefix/")
        return S3Storage(parts.netloc, path), name
    if parts.scheme == "file":
        return LocalStorage(Path(path or "/")), name
    raise BackupError(f"Unsupported location {location!r}: use s3://bucket/prefix/ or file:///dir/")


# --- services ------------------------------------------------------------------------------


def backup_create(*, database: PostgresDatabase, destination: str) -> Backup:
    """Dump ``database`` with pg_dump and store the archive at ``destination``."""
    storage, name = storage_for(destination)
    if name is not None:
        raise BackupError("--to takes a directory or prefix (ending in /), not a file name.")
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S.%f")[:-3] + "Z"
    name = f"{database.name}-{stamp}{DUMP_SUFFIX}"
    with tempfile.TemporaryDirectory(prefix="backup-") as workdir:
        dump = Path(workdir) / name
        # A temporary file rather than a stream: a pg_dump that fails half-way uploads nothing.
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-password", f"--file={dump}"],
            database,
        )
        return storage.put(dump, name, _sha256(dump))


def backup_list(*, location: str) -> list[Backup]:
    storage, _ = storage_for(location)
    return storage.list()


def backup_restore(
    *, source: str, database: PostgresDatabase, force: bool = False
) -> RestoreResult:
    """Restore a dump (or the newest under a prefix) into ``database``.

    Refuses a database that already has tables unless ``force``: restoring over live data
    replaces every table the dump contains.
    """
    storage, name = storage_for(source)
    if name is None:
        backups = storage.list()
        if not backups:
            raise BackupError(f"No backups under {source}")
        name = backups[-1].name  # names sort by time
    existing = database_table_count(database)
    if existing and not force:
        raise BackupError(
            f"{database} already has {existing} tables; restoring would overwrite them. "
            "Restore into an empty database, or pass --force."
        )
    with tempfile.TemporaryDirectory(prefix="restore-") as workdir:
        dump = Path(workdir) / name
        expected = storage.get(name, dump)
        if expected and expected != _sha256(dump):
            raise BackupError(f"Checksum mismatch for {storage.url(name)}: the file is damaged.")
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                # Grants name roles of the source server that the target may not have.
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--no-password",
                f"--dbname={database.name}",
                str(dump),
            ],
            database,
        )
        backup = Backup(url=storage.url(name), name=name, size=dump.stat().st_size)
    return RestoreResult(source=backup, database=database, tables=database_table_count(database))


def database_table_count(database: PostgresDatabase) -> int:
    """Tables outside PostgreSQL's own schemas."""
    query = """
        SELECT count(*) FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%'
    """
    try:
        with psycopg.connect(**database.connect_kwargs()) as connection:
            row = connection.execute(query).fetchone()
    except psycopg.OperationalError as error:
        raise BackupError(f"Cannot connect to {database}: {error}") from error
    return int(row[0]) if row else 0


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client).")
    return path


def _run(command: list[str], database: PostgresDatabase) -> None:
    environment = {**os.environ, **database.libpq_env()}
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments built here
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed ({result.returncode}): {result.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
