"""Schema fuzzing: schemathesis against the served OpenAPI schema, as learner, teacher and admin.

    python tests/fuzz/run_fuzz.py [--max-examples 25] [--seed 13] [--max-time 60] [--port 8021]

Starts gunicorn on 127.0.0.1 (settings ``tests.fuzz.fuzz_settings``: the app's own, with the
throttles and the login lockout out of reach) on a throwaway database seeded by ``seed_demo``:
a fresh SQLite file under var/ by default, or the empty database FUZZ_DATABASE_URL names. It
gets a JWT for each demo account, runs ``st run`` once per role and stops the server. Exits 1
if any check failed or the server logged a server error, with the tracebacks printed; the
schemathesis reports (JUnit, and a pytest file reproducing any failure) land in var/fuzz/.

The run keeps its tokens alive: it never calls logout (which ends the caller's access token),
and the roles run from the least to the most powerful, so an admin who deactivates or edits
another demo account does so after that account's run.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "var" / "fuzz"
ROLES = ("learner", "teacher", "admin")
PASSWORD = "demo-password"
# Checks every response must pass; status_code_conformance holds as apps.core.schema documents
# every error status an operation can answer. Left out: negative_data_rejection (a form body
# whose strings coerce to the expected types is accepted on purpose).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Logout denylists the access token the run authenticates with. (A deletion request needs the
# account's password, which the fuzzer does not send, and waits out a grace period anyway.)
EXCLUDED_PATHS = ("/api/v1/auth/logout/",)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()  # before the child's output, which goes straight to the same stdout


def server_environment() -> dict[str, str]:
    scratch = OUT / "fuzz.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "tests.fuzz.fuzz_settings",
        "DATABASE_URL": os.environ.get("FUZZ_DATABASE_URL", f"sqlite:///{scratch}"),
        # No Redis, no worker: tasks the API queues go to an in-process broker and stay there.
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "JWT_ACCESS_TOKEN_LIFETIME_MINUTES": "120",
        "OPENBLAS_NUM_THREADS": "1",
    }


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "adaptive_learning.wsgi:application",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with {server.returncode}; see {log}")
            time.sleep(0.5)
    stop_server(server)
    sys.exit("gunicorn did not answer /health within a minute")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def access_token(base: str, username: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - a fixed http://127.0.0.1 URL
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)["access"]


def fuzz(base: str, role: str, token: str, args: argparse.Namespace) -> int:
    reports = OUT / role
    shutil.rmtree(reports, ignore_errors=True)
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base}/api/schema/",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--max-time",
        str(args.max_time),
        # One: hypothesis' lambda-source cache is not thread-safe (a "Runtime Error" otherwise).
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--continue-on-failure",
        "--no-color",
        "--report",
        "junit,pytest",
        "--report-dir",
        str(reports),
        *(option for path in EXCLUDED_PATHS for option in ("--exclude-path", path)),
    ]
    say(f"== schemathesis as {role}")
    return subprocess.run(command, cwd=REPO, check=False).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-time", type=int, default=60, help="seconds per role")
    parser.add_argument("--port", type=int, default=8021)
    parser.add_argument("--roles", default=",".join(ROLES))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    env = server_environment()
    log = OUT / "server.log"
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(env, args.port, log)
    try:
        roles = [role for role in ROLES if role in args.roles.split(",")]
        tokens = {role: access_token(base, role) for role in roles}
        results = {role: fuzz(base, role, tokens[role], args) for role in roles}
    finally:
        stop_server(server)
    server_errors = log.read_text(errors="replace").count("Internal Server Error:")
    say(f"== exit codes by role: {results}; server errors logged: {server_errors}")
    if server_errors:
        say(log.read_text(errors="replace"))
    sys.exit(1 if server_errors or any(results.values()) else 0)


if __name__ == "__main__":
    main()
