"""The tree's rules, checked on the source: the learner-model engine imports nothing from
Django (so its tests run without it), and dependencies point one way: pages and demo code
depend on the domain apps, never the other way round."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[1] / "apps"
ENGINE = APPS / "recommendations" / "engine"
# Each app may import only the apps listed after it (and itself).
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "curriculum": {"core", "accounts"},
    "assessments": {"core", "accounts", "curriculum"},
    "recommendations": {"core", "accounts", "curriculum", "assessments"},
    "privacy": {"core", "accounts", "curriculum", "assessments", "recommendations"},
    "web": {"core", "accounts", "curriculum", "assessments", "recommendations", "privacy"},
    "demo": {"core", "accounts", "curriculum", "assessments", "recommendations"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def test_the_engine_imports_nothing_from_django() -> None:
    offenders = {
        f"{path.relative_to(APPS)}: {name}"
        for path in python_files(ENGINE)
        for name in imported_modules(path)
        if name.split(".")[0] in {"django", "rest_framework", "celery"}
        or (
            (name.startswith("apps.") and not name.startswith("apps.recommendations.engine"))
            and name != "apps.assessments.grading"
        )  # pure Python, imported for typing only
    }
    assert offenders == set()


def test_the_engine_and_the_policy_load_without_django() -> None:
    # given a fresh interpreter with no Django settings
    code = (
        "import sys\n"
        "import apps.recommendations.engine.policy, apps.recommendations.engine.course\n"
        "import apps.recommendations.engine.mastery, apps.recommendations.engine.cat\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))\n"
    )
    # when the engine is imported, then Django was never loaded
    subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=APPS.parent, env={"PYTHONPATH": "."}
    )


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_dependencies_point_one_way(app: str) -> None:
    offenders = set()
    for path in python_files(APPS / app):
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "apps" and len(parts) > 1 and parts[1] not in ALLOWED[app] | {app}:
                offenders.add(f"{path.relative_to(APPS)} imports {name}")
    assert offenders == set()


def test_no_app_imports_another_apps_api_layer() -> None:
    offenders = set()
    for app in ALLOWED:
        for path in python_files(APPS / app):
            for name in imported_modules(path):
                parts = name.split(".")
                if parts[0] == "apps" and len(parts) > 2 and parts[1] != app and parts[2] == "api":
                    offenders.add(f"{path.relative_to(APPS)} imports {name}")
    assert offenders == set()
