#!/usr/bin/env bash
# `make run`: web (gunicorn), Celery worker and Celery beat on the embedded defaults.
# Ctrl-C (or any process dying) stops all three.
set -euo pipefail
cd "$(dirname "$0")/../.."

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
BIN=.venv/bin
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PWD/var/prometheus}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
# The learner-model math multiplies small matrices: more BLAS threads only contend (engine README).
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

pids=()
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  echo "Stopped."
  exit 0
}
trap stop INT TERM EXIT

"$BIN/gunicorn" adaptive_learning.wsgi:application -c deploy/docker/gunicorn.conf.py \
  --bind "$HOST:$PORT" &
pids+=($!)
"$BIN/celery" -A adaptive_learning worker --loglevel INFO --concurrency 2 &
pids+=($!)
"$BIN/celery" -A adaptive_learning beat --loglevel WARNING --pidfile= \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler &
pids+=($!)

for _ in $(seq 1 60); do
  if "$BIN/python" - "$HOST" "$PORT" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/ready", timeout=2)
PY
  sleep 1
done

cat <<BANNER

  Adaptive Learning is running at http://$HOST:$PORT/
    API docs:  http://$HOST:$PORT/api/docs/      Admin: http://$HOST:$PORT/admin/
    Demo logins (password: demo-password): learner, teacher, admin
  Press Ctrl-C to stop web, worker and beat.

BANNER

# Stop everything as soon as one of the three exits.
wait -n "${pids[@]}"
