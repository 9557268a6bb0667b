"""Gunicorn settings for the web container, all overridable from the environment."""

import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds (default 30) before SIGKILL.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Longer than the ALB's 60 s idle timeout, so the ALB never reuses a connection we closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# The heartbeat files must live on a writable path: the root filesystem is read-only.
worker_tmp_dir = "/tmp"  # noqa: S108 - per-pod emptyDir, nothing shared
reload = os.environ.get("GUNICORN_RELOAD", "false").lower() in {"1", "true", "yes"}
# Whose X-Forwarded-* headers (client address, scheme) gunicorn believes. The default is
# gunicorn's own, the local peer only; the chart sets "*" because only the ALB (and kubelet
# probes) reach the pods, which the NetworkPolicy enforces.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The application logs every request itself (one JSON line with its request id, user and
# duration: apps.core.middleware.RequestLogMiddleware), so gunicorn's access log would only
# repeat it; GUNICORN_ACCESS_LOG=true turns it back on (e.g. to see requests Django never got).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "false").lower() in {"1", "true"} else None
access_log_format = (
    '{"logger":"gunicorn.access","remote_addr":"%(h)s","method":"%(m)s","path":"%(U)s",'
    '"status":%(s)s,"bytes":"%(B)s","duration_ms":%(M)s,"request_id":"%({x-request-id}i)s"}'
)
# Gunicorn's own messages (boot, worker exits, timeouts) as JSON lines like everything else.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}


def on_starting(server):
    """Start from an empty metrics directory: files of a previous run would skew counters."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """Drop the live-gauge files of a worker that exited (recycled, crashed or scaled down)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Send no ``Server`` header: gunicorn writes "Server: gunicorn" on every response and has
    no setting to turn it off, and naming the server (and so its known bugs) helps no client.
    Its HTTP/1 response writes the header in ``default_headers``; this drops that one line.
    tests/core/test_gunicorn_headers.py checks it against a real gunicorn."""
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if getattr(original, "drops_server_header", False):
        return

    def default_headers(self):
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.drops_server_header = True
    wsgi.Response.default_headers = default_headers
