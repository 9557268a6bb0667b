#!/usr/bin/env bash
# Backup/restore round trip, as CI runs it:
#   1 create a scratch database on the local PostgreSQL, migrate it and load demo data
#   2 back it up with manage.py backup_db through an S3-compatible server (moto, over HTTP)
#   3 restore with manage.py restore_db into a fresh database
#   4 compare the row count of every table; exit non-zero on any difference
#
# Environment: PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres; the role
# must be able to create databases), PYTHON (default .venv/bin/python, else python3).
# Needs pg_dump/pg_restore at least as new as the server, and moto[server] + boto3 installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
RUN_ID="$(date +%s)_$$"
SOURCE_DB="ci_backup_src_$RUN_ID"
TARGET_DB="ci_backup_dst_$RUN_ID"
SERVER_URL="${PG_ADMIN_URL%/*}"
WORKDIR="$(mktemp -d)"
MOTO_PID=""

log() { printf '[backup-restore] %s\n' "$*" >&2; }

psql_admin() { psql "$PG_ADMIN_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

cleanup() {
  local status=$?
  if [[ -n "$MOTO_PID" ]]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  psql_admin -c "DROP DATABASE IF EXISTS \"$SOURCE_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  psql_admin -c "DROP DATABASE IF EXISTS \"$TARGET_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORKDIR"
  exit "$status"
}
trap cleanup EXIT

manage() { "$PYTHON" manage.py "$@"; }

# Exact row count of every table, one "schema.table<TAB>count" line each, sorted.
row_counts() {
  psql "$SERVER_URL/$1" -v ON_ERROR_STOP=1 -qAt -F $'\t' <<'SQL'
SELECT n.nspname || '.' || c.relname,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                           false, true, '')))[1]::text::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%'
ORDER BY 1;
SQL
}

start_s3_server() {
  local port
  port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "$PYTHON" -m moto.server -H 127.0.0.1 -p "$port" >"$WORKDIR/moto.log" 2>&1 &
  MOTO_PID=$!
  export AWS_ACCESS_KEY_ID=ci AWS_SECRET_ACCESS_KEY=ci AWS_REGION=us-east-1
  export BACKUP_S3_ENDPOINT_URL="http://127.0.0.1:$port"
  local attempt
  for attempt in $(seq 1 50); do
    if "$PYTHON" - <<'PY' 2>/dev/null; then
import os, boto3
boto3.client("s3", endpoint_url=os.environ["BACKUP_S3_ENDPOINT_URL"]).create_bucket(Bucket="ci-backups")
PY
      log "S3-compatible server (moto) on $BACKUP_S3_ENDPOINT_URL after $attempt tries, bucket ci-backups"
      return
    fi
    sleep 0.2
  done
  cat "$WORKDIR/moto.log" >&2
  log "moto server did not start"
  exit 1
}

load_data() {
  if manage help seed_demo >/dev/null 2>&1; then
    log "loading demo data (manage.py seed_demo)"
    manage seed_demo >/dev/null
  else
    log "no seed_demo command: creating a few users instead"
    local i
    for i in 1 2 3; do
      DJANGO_SUPERUSER_PASSWORD="ci-only-$RUN_ID" manage createsuperuser --noinput \
        --username "ci-user-$i" --email "ci-user-$i@example.invalid" >/dev/null
    done
  fi
}

main() {
  command -v psql >/dev/null || { log "psql not found (postgresql-client)"; exit 1; }
  log "scratch databases $SOURCE_DB -> $TARGET_DB on ${SERVER_URL##*@}"
  psql_admin -c "CREATE DATABASE \"$SOURCE_DB\""
  psql_admin -c "CREATE DATABASE \"$TARGET_DB\""

  export DJANGO_SETTINGS_MODULE=adaptive_learning.settings.base
  export SECRET_KEY="ci-backup-restore-$RUN_ID-not-a-real-secret"
  export DATABASE_URL="$SERVER_URL/$SOURCE_DB"
  unset REDIS_URL CELERY_BROKER_URL CELERY_RESULT_BACKEND
  log "migrating $SOURCE_DB"
  manage migrate --noinput >/dev/null
  load_data

  start_s3_server
  local location="s3://ci-backups/run-$RUN_ID/"
  manage backup_db --to "$location"
  DATABASE_URL="$SERVER_URL/$TARGET_DB" manage restore_db --from "$location"

  row_counts "$SOURCE_DB" >"$WORKDIR/source.tsv"
  row_counts "$TARGET_DB" >"$WORKDIR/target.tsv"
  local tables rows
  tables="$(wc -l <"$WORKDIR/source.tsv")"
  rows="$(awk -F '\t' '{ total += $2 } END { print total + 0 }' "$WORKDIR/source.tsv")"
  if ((rows == 0)); then
    log "FAIL: the source database has no rows, so the comparison would prove nothing"
    exit 1
  fi
  if ! diff -u "$WORKDIR/source.tsv" "$WORKDIR/target.tsv" >&2; then
    log "FAIL: row counts differ between $SOURCE_DB and the restored $TARGET_DB (diff above)"
    exit 1
  fi
  log "OK: $tables tables, $rows rows, identical counts after the S3 round trip"
}

main "$@"
