"""The Fluent Bit parsers (deploy/helm/files/fluent-bit/parsers.conf) fit the lines we write.

No Fluent Bit binary is available offline, so this applies what the parser declares (a JSON
object, its time in Time_Key with Time_Format) to lines made by the real logging setup: the
request line of apps.core.middleware, in a fresh Django process, and gunicorn's access line.
"""

import json
import re
import runpy
from datetime import UTC, datetime
from pathlib import Path

from tests.core.helpers import REPO, run_django

PARSERS = REPO / "deploy/helm/files/fluent-bit/parsers.conf"
COMPOSE_PIPELINE = REPO / "deploy/logging/fluent-bit-compose.conf"

LOG_A_REQUEST = """
import logging, django
django.setup()
logging.getLogger("apps.request").info(
    "request",
    extra={"method": "GET", "path": "/api/v1/me/", "status": 200, "duration_ms": 12.5,
           "user_id": 42},
)
"""


def sections(path: Path) -> list[dict[str, str]]:
    """Fluent Bit's classic format: [SECTION] headers, then "Key  value" lines."""
    found: list[dict[str, str]] = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            found.append({"_section": line.strip("[]")})
        else:
            key, _, value = line.partition(" ")
            found[-1][key] = value.strip()
    return found


def parser(name: str) -> dict[str, str]:
    return next(s for s in sections(PARSERS) if s.get("Name") == name)


def fluent_bit_time_format(time_format: str) -> str:
    # %L is Fluent Bit's fractional seconds; Python's is %f.
    return time_format.replace("%L", "%f")


def test_the_request_line_parses_into_typed_fields():
    result = run_django(
        LOG_A_REQUEST, {"DJANGO_SETTINGS_MODULE": "adaptive_learning.settings.base"}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(x for x in result.stdout.splitlines() if '"logger": "apps.request"' in x)
    spec = parser("adaptive-learning-json")
    assert spec["Format"] == "json"
    record = json.loads(line)
    # Fluent Bit reads a time without a zone as UTC, which is what the containers run in.
    time_format = fluent_bit_time_format(spec["Time_Format"])
    stamp = datetime.strptime(record[spec["Time_Key"]], time_format).replace(tzinfo=UTC)
    assert stamp.year >= 2024
    # The fields the issue asks to search by arrive as fields, numbers still numbers.
    assert record["user_id"] == 42
    assert record["duration_ms"] == 12.5
    assert record["status"] == 200
    assert "request_id" in record
    assert record["level"] == "INFO"


def test_gunicorn_access_line_is_json_with_numeric_duration():
    config = runpy.run_path(str(REPO / "deploy/docker/gunicorn.conf.py"))
    atoms = {
        "h": "10.0.1.7",
        "m": "POST",
        "U": "/api/v1/practice/answers/",
        "s": "201",
        "B": "512",
        "M": "37",
        "{x-request-id}i": "5b7c0e0e4a4d4f7e",
    }
    record = json.loads(config["access_log_format"] % atoms)
    assert record["duration_ms"] == 37
    assert record["status"] == 201
    assert record["request_id"] == "5b7c0e0e4a4d4f7e"


def test_compose_pipeline_keeps_only_the_app_containers():
    pipeline = sections(COMPOSE_PIPELINE)
    grep = next(s for s in pipeline if s.get("Name") == "grep")
    _, pattern = grep["Regex"].split(" ", 1)
    keeps = re.compile(pattern.strip())
    for name in (
        "adaptive-learning-web-1",
        "adaptive-learning-worker-2",
        "adaptive-learning-beat-1",
    ):
        assert keeps.search(name), name
    for name in ("adaptive-learning-postgres-1", "adaptive-learning-opensearch-1"):
        assert not keeps.search(name), name


def test_every_parser_the_pipelines_name_is_defined():
    defined = {s["Name"] for s in sections(PARSERS) if s["_section"] == "PARSER"}
    named = {s["Parser"] for s in sections(COMPOSE_PIPELINE) if "Parser" in s}
    chart = (REPO / "deploy/helm/templates/_logging.tpl").read_text()
    named |= set(re.findall(r"^\s+Parser\s+(\S+)$", chart, flags=re.MULTILINE))
    assert named == {"adaptive-learning-json", "docker-json-file"}
    assert named <= defined
