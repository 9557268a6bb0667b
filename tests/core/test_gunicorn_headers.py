"""The web container's gunicorn (deploy/docker/gunicorn.conf.py) sends no Server header.

Started for real, as start-web does, and asked over a socket: the header is written by
gunicorn itself, after Django has returned, so no test client can see it.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn_url() -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.base",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-c",
            "deploy/docker/gunicorn.conf.py",
            "adaptive_learning.wsgi:application",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_gunicorn_sends_no_server_header(gunicorn_url, method):
    for path in ("/health", "/accounts/login/", "/no-such-page/"):
        connection = http.client.HTTPConnection(*gunicorn_url, timeout=30)
        connection.request(method, path)
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status in {200, 404}
        assert response.getheader("Server") is None, (path, response.getheaders())
        assert "camera=()" in response.getheader("Permissions-Policy", "")
