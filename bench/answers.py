"""Answer submissions per second through gunicorn, against two baselines in the same run.

    python bench/answers.py [--duration 10] [--connections 16] [--learners 200]

Starts gunicorn (2 sync workers, the app's own settings plus two baseline views) on a scratch
database: SQLite under var/ by default, or PostgreSQL with BENCH_DATABASE_URL. wrk then posts
answers (each with a fresh client_id, from 200 learners, to a 30-skill x 10-item course) and,
for comparison, hits a bare JSON view and a view that inserts one row. Prints requests per
second, the ratios, latency percentiles and the SQL statements per answer.
Needs wrk (apt-get install -y wrk).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scratch import scratch_environment  # noqa: E402

LUA = """
math.randomseed(os.time())
local tokens = {%(tokens)s}
local items = {%(items)s}
local function uuid4()
  return string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%%x", v)
  end)
end
request = function()
  local item = items[math.random(#items)]
  local body = string.format('{"client_id":"%%s","item":%%d,"answer":"%%s"}',
                             uuid4(), item[1], item[2])
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]}
  return wrk.format("POST", "/api/v1/practice/answers/", headers, body)
end
"""


def prepare(env: dict[str, str], learners: int) -> tuple[list[str], list[tuple[int, str]], int]:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from apps.accounts.models import Role, User
    from tests.recommendations.builders import chain_course

    call_command("migrate", verbosity=0)
    course = chain_course(slug="bench", skills=30, items_per_skill=10)
    # "!" is Django's unusable-password marker: these accounts authenticate by token only.
    User.objects.bulk_create(
        User(username=f"bench{n}", role=Role.LEARNER, password="!")  # noqa: S106
        for n in range(learners)
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("id"))
    tokens = [str(RefreshToken.for_user(u).access_token) for u in users]
    items = [(pk, slug.split("-i")[1]) for pk, slug in course.items.values_list("id", "slug")]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[0]}")
    import uuid

    def post(item: tuple[int, str], token: str = tokens[0]) -> None:
        body = {"client_id": str(uuid.uuid4()), "item": item[0], "answer": item[1]}
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert client.post("/api/v1/practice/answers/", body, format="json").status_code == 201

    # Every learner answers once before the timed run, as in a session under way: the course
    # snapshot is built, each learner's state row exists and each token's user is cached (the
    # cache is shared with the server's processes). A token lives 15 minutes.
    for token in tokens:
        post(items[0], token)
    with CaptureQueriesContext(connection) as captured:
        post(items[2])  # not a repeat: every statement an answer can make
    return tokens, items, len(captured)


def wrk(url: str, duration: int, connections: int, script: str | None = None) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    latency = {p: re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1) for p in ("50", "99")}
    return {"rps": rps, "non2xx": int(errors.group(1)) if errors else 0, **latency}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--learners", type=int, default=200)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    env = scratch_environment("answers", AUTH_THROTTLE_RATE="1000000/second")
    tokens, items, queries = prepare(env, args.learners)
    port = 8011
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "adaptive_learning.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(
                LUA
                % {
                    "tokens": ",".join(f'"{t}"' for t in tokens),
                    "items": ",".join(f'{{{pk},"{answer}"}}' for pk, answer in items),
                }
            )
        base = f"http://127.0.0.1:{port}"
        bare = wrk(f"{base}/bench/bare/", args.duration, args.connections)
        insert = wrk(f"{base}/bench/insert/", args.duration, args.connections)
        answers = wrk(
            f"{base}/api/v1/practice/answers/", args.duration, args.connections, script.name
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    database = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite (WAL)"
    print(f"gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.duration}s, {database}")
    print(f"{'endpoint':<28}{'req/s':>10}{'p50':>10}{'p99':>10}{'non-2xx':>10}")
    for name, result in [
        ("bare JSON view", bare),
        ("insert one row", insert),
        ("submit an answer", answers),
    ]:
        print(
            f"{name:<28}{result['rps']:>10.0f}{result['50']:>10}{result['99']:>10}{result['non2xx']:>10}"
        )
    print(f"answer / bare JSON  = {answers['rps'] / bare['rps']:.3f}")
    print(f"answer / insert row = {answers['rps'] / insert['rps']:.3f}")
    print(f"SQL statements per answer (test client, warm cache): {queries - 2} plus BEGIN/COMMIT")


if __name__ == "__main__":
    main()
