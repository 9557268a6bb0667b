from collections.abc import Iterator

import pytest

from adaptive_learning.celery import app


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run queued tasks in this process with Celery's own machinery (apply, retries, argument
    checks), so their mail lands in django.core.mail.outbox."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
