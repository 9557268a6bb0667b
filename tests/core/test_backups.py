"""backup_db / restore_db against the real PostgreSQL and a real S3-compatible HTTP server.

Each test makes its own scratch databases next to the one DATABASE_URL names (the role must
be allowed to create databases, as the local trust-auth ``postgres`` role is). The S3 tests run
moto's server in a thread, speaking HTTP on 127.0.0.1: boto3 cannot tell it from S3.
"""

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.core.backups import (
    BackupError,
    PostgresDatabase,
    backup_create,
    backup_list,
    backup_restore,
    database_from_settings,
    database_from_url,
    storage_for,
)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    pytest.skip(
        "backup_db/restore_db dump PostgreSQL with pg_dump; on SQLite there is nothing to dump "
        "(.ci/run runs these against PostgreSQL)",
        allow_module_level=True,
    )


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def server() -> PostgresDatabase:
    """The PostgreSQL server of DATABASE_URL (its database is used to create others)."""
    return database_from_url(DATABASE_URL)


@pytest.fixture
def make_database(server: PostgresDatabase) -> Iterator:
    import psycopg

    created: list[str] = []

    def make() -> PostgresDatabase:
        name = f"backup_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(**server.connect_kwargs(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return replace(server, name=name)

    yield make
    with psycopg.connect(**server.connect_kwargs(), autocommit=True) as connection:
        for name in created:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def source(make_database) -> PostgresDatabase:
    database = make_database()
    _execute(
        database,
        """
        CREATE TABLE learner (id bigserial PRIMARY KEY, name text NOT NULL);
        CREATE TABLE answer (
            id bigserial PRIMARY KEY,
            learner_id bigint NOT NULL REFERENCES learner (id),
            correct boolean NOT NULL
        );
        CREATE TABLE empty_table (id integer);
        INSERT INTO learner (name) SELECT 'learner ' || g FROM generate_series(1, 250) g;
        INSERT INTO answer (learner_id, correct)
            SELECT 1 + g % 250, g % 3 = 0 FROM generate_series(1, 1000) g;
        """,
    )
    return database


@pytest.fixture
def s3_location(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "BACKUP_S3_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
        Bucket="backups"
    )
    yield "s3://backups/adaptive-learning/nightly/"
    server.stop()


def _execute(database: PostgresDatabase, sql: str) -> None:
    import psycopg

    with psycopg.connect(**database.connect_kwargs(), autocommit=True) as connection:
        connection.execute(sql)


def _row_counts(database: PostgresDatabase) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**database.connect_kwargs()) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for (table,) in tables
        }


# --- round trips ---------------------------------------------------------------------------


def test_backup_to_directory_restores_every_row_into_an_empty_database(
    source, make_database, tmp_path: Path
):
    # given
    target = make_database()
    location = tmp_path.as_uri() + "/"

    # when
    backup = backup_create(database=source, destination=location)
    result = backup_restore(source=backup.url, database=target)

    # then
    assert _row_counts(target) == {"answer": 1000, "empty_table": 0, "learner": 250}
    assert _row_counts(target) == _row_counts(source)
    assert result.tables == 3
    assert backup.name.startswith(f"{source.name}-")
    assert backup.name.endswith(".dump")
    assert [b.name for b in backup_list(location=location)] == [backup.name]
    # The sequence continues after the restored rows.
    _execute(target, "INSERT INTO learner (name) VALUES ('new')")
    assert _row_counts(target)["learner"] == 251


def test_backup_through_s3_server_restores_newest_dump_under_prefix(
    source, make_database, s3_location: str
):
    # given: two nightly dumps, the second after more answers came in
    first = backup_create(database=source, destination=s3_location)
    _execute(source, "INSERT INTO answer (learner_id, correct) VALUES (1, true), (2, false)")
    second = backup_create(database=source, destination=s3_location)
    target = make_database()

    # when
    result = backup_restore(source=s3_location, database=target)

    # then
    assert [b.url for b in backup_list(location=s3_location)] == [first.url, second.url]
    assert second.url.startswith("s3://backups/adaptive-learning/nightly/")
    assert result.source.url == second.url
    assert _row_counts(target) == {"answer": 1002, "empty_table": 0, "learner": 250}


def test_restore_refuses_database_with_tables_unless_forced(source, tmp_path: Path):
    # given
    backup = backup_create(database=source, destination=tmp_path.as_uri() + "/")
    _execute(source, "DELETE FROM answer WHERE id > 10")

    # when
    with pytest.raises(BackupError, match="already has 3 tables"):
        backup_restore(source=backup.url, database=source)

    # then: nothing was restored
    assert _row_counts(source)["answer"] == 10

    # when forced, the dump's data replaces the current data
    backup_restore(source=backup.url, database=source, force=True)
    assert _row_counts(source) == {"answer": 1000, "empty_table": 0, "learner": 250}


def test_restore_rejects_damaged_dump_before_touching_database(
    source, make_database, tmp_path: Path
):
    # given
    backup = backup_create(database=source, destination=tmp_path.as_uri() + "/")
    dump = tmp_path / backup.name
    dump.write_bytes(dump.read_bytes()[:-100] + b"\0" * 100)
    target = make_database()

    # when / then
    with pytest.raises(BackupError, match="Checksum mismatch"):
        backup_restore(source=backup.url, database=target)
    assert _row_counts(target) == {}


def test_backup_of_unreachable_database_reports_pg_dump_error(server, tmp_path: Path):
    missing = replace(server, name=f"missing_{uuid.uuid4().hex[:8]}")

    with pytest.raises(BackupError, match="pg_dump failed"):
        backup_create(database=missing, destination=tmp_path.as_uri() + "/")
    assert list(tmp_path.iterdir()) == []


def test_restore_from_empty_prefix_says_so(server, tmp_path: Path):
    with pytest.raises(BackupError, match="No backups under"):
        backup_restore(source=tmp_path.as_uri() + "/", database=server)


# --- management commands -------------------------------------------------------------------


def test_commands_back_up_list_and_restore(source, make_database, tmp_path: Path, capsys):
    # given
    target = make_database()
    location = tmp_path.as_uri() + "/"
    source_url = f"postgres://{source.user}@{source.host}:{source.port}/{source.name}"
    target_url = f"postgres://{target.user}@{target.host}:{target.port}/{target.name}"

    # when
    call_command("backup_db", "--to", location, "--database-url", source_url)
    call_command("backup_db", "--list", "--to", location)
    call_command("restore_db", "--from", location, "--database-url", target_url)

    # then
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith(f"Backed up postgres://{source.user}@")
    assert output[1].startswith(f"file://{tmp_path}/{source.name}-")
    assert output[2].startswith("Restored file://")
    assert output[2].endswith("(3 tables)")
    assert _row_counts(target) == _row_counts(source)


def test_restore_command_refuses_non_empty_database(source, tmp_path: Path):
    source_url = f"postgres://{source.user}@{source.host}:{source.port}/{source.name}"
    call_command("backup_db", "--to", tmp_path.as_uri() + "/", "--database-url", source_url)

    with pytest.raises(CommandError, match="pass --force"):
        call_command("restore_db", "--from", tmp_path.as_uri() + "/", "--database-url", source_url)


def test_backup_command_needs_a_location(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("BACKUP_LOCATION", raising=False)

    with pytest.raises(CommandError, match="Give --to"):
        call_command("backup_db", "--to", "")


# --- configuration (no database needed) ----------------------------------------------------


def test_sqlite_settings_are_refused_with_advice():
    with pytest.raises(BackupError, match=r"SQLite .* Copy var/db.sqlite3"):
        database_from_settings(
            {"ENGINE": "django_prometheus.db.backends.sqlite3", "NAME": "var/db.sqlite3"}
        )


def test_django_postgres_settings_become_libpq_environment():
    database = database_from_settings(
        {
            "ENGINE": "django_prometheus.db.backends.postgresql",
            "NAME": "adaptive",
            "USER": "app",
            "PASSWORD": "s3cret",
            "HOST": "db.example.internal",
            "PORT": "6432",
            "OPTIONS": {"sslmode": "require", "connect_timeout": 5},
        }
    )

    assert database.libpq_env() == {
        "PGHOST": "db.example.internal",
        "PGPORT": "6432",
        "PGDATABASE": "adaptive",
        "PGUSER": "app",
        "PGPASSWORD": "s3cret",
        "PGSSLMODE": "require",
        "PGCONNECT_TIMEOUT": "5",
    }
    assert "s3cret" not in repr(database)
    assert "s3cret" not in str(database)


def test_database_url_with_escaped_password_and_options():
    database = database_from_url("postgres://app:p%40ss%2Fw@db:5432/adaptive?sslmode=verify-full")

    assert (database.user, database.password, database.host, database.port) == (
        "app",
        "p@ss/w",
        "db",
        5432,
    )
    assert database.name == "adaptive"
    assert database.options == {"sslmode": "verify-full"}


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("ftp://host/dir/", "Unsupported location"),
        ("s3:///prefix/", "No bucket"),
    ],
)
def test_unsupported_locations_are_refused(location: str, message: str):
    with pytest.raises(BackupError, match=message):
        storage_for(location)


def test_mysql_url_is_refused():
    with pytest.raises(BackupError, match="PostgreSQL only"):
        database_from_url("mysql://root@localhost/test")
