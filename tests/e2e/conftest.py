"""End-to-end tests in a real headless Chromium (Debian's package, driven by Playwright).

Only the tests in this directory need the browser; without /usr/bin/chromium they are skipped
with a one-line reason and the rest of the suite runs. Never `playwright install`: it downloads
a browser build, which these machines cannot and CI need not do (`.ci/run` installs Debian's).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SKIP_REASON = "Chromium not installed: apt-get install -y chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture
def browser(transactional_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A headless Chromium for one test.

    Playwright's sync API keeps an asyncio loop running on the test's thread while it is
    open, and Django then refuses ORM calls from the test body ("async context"). Those calls
    are synchronous and on their own thread, so the check is lifted for exactly as long as the
    browser runs; depending on ``transactional_db`` makes the database flush happen after the
    browser (and its loop) is gone.
    """
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's loop ran may have opened connections that
            # Django keeps per context rather than per thread; close them here, in that
            # context, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()
            monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE")


@pytest.fixture
def shoot(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """shoot(page, "step") saves tests/artifacts/screenshots/<test>-<nn>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, step: str, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
        path = SCREENSHOTS / f"{request.node.name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
