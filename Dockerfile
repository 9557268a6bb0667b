# syntax=docker/dockerfile:1
# One image for every process of the adaptive learning system. The command picks the role:
#   /app/deploy/docker/start-web     gunicorn on :8000 (the default)
#   /app/deploy/docker/start-worker  Celery worker
#   /app/deploy/docker/start-beat    Celery beat (run exactly one)
#   /app/deploy/docker/migrate       database migrations (a one-shot job)
# Targets (the document's stages): base, builder, production, development, testing.
# Build with --target production (CI does): without --target docker builds the last, testing.
# The Debian release is pinned so that the PostgreSQL client major (17 on trixie) is predictable:
# pg_dump must be at least as new as the server it dumps.
ARG PYTHON_IMAGE=python:3.11-slim-trixie

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# postgresql-client: pg_dump/pg_restore for manage.py backup_db/restore_db.
# tini: PID 1 that forwards signals and reaps the pg_dump children.
# Versions come from the pinned Debian release, so apt pins would only break rebuilds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1000 app \
    && useradd --uid 1000 --gid 1000 --create-home --shell /usr/sbin/nologin app
WORKDIR /app

FROM base AS builder
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv "$VIRTUAL_ENV"
# The lock pins every package with its hashes (make lock), so rebuilds install the same files.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY . /src
# Tests and benchmarks stay out of the production image; the testing stage adds them back.
# Static files are collected now so the running container never writes to its filesystem.
WORKDIR /src
RUN rm -rf tests bench \
    && SECRET_KEY=collectstatic-only-not-a-secret \
       DJANGO_SETTINGS_MODULE=adaptive_learning.settings.base \
       STATIC_ROOT=/src/staticfiles \
       python manage.py collectstatic --noinput \
    && python -m compileall -q -j 0 /src \
    && rm -rf /src/var && mkdir /src/var
# Settings create var/ on import; it must already exist when the root filesystem is read-only.

FROM base AS production
ARG GIT_SHA=unknown
LABEL org.opencontainers.image.title="adaptive-learning" \
      org.opencontainers.image.revision="${GIT_SHA}"
COPY --from=builder /opt/venv /opt/venv
# Owned by root and not writable by the app user: the code is read-only even without
# Kubernetes' readOnlyRootFilesystem.
COPY --from=builder /src /app
# Everything the processes write goes under /tmp, the only writable path at run time.
ENV DJANGO_SETTINGS_MODULE=adaptive_learning.settings.production \
    STATIC_ROOT=/app/staticfiles \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    MPLCONFIGDIR=/tmp/matplotlib \
    TMPDIR=/tmp \
    PORT=8000 \
    GIT_SHA=${GIT_SHA}
USER 1000:1000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/docker/healthcheck.py"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/app/deploy/docker/start-web"]

FROM production AS development
USER 0
COPY requirements-dev.lock /tmp/requirements/
RUN pip install --require-hashes -r /tmp/requirements/requirements-dev.lock \
    && rm -rf /tmp/requirements
USER 1000:1000
# Compose mounts the source over /app; gunicorn reloads on change.
ENV DJANGO_SETTINGS_MODULE=adaptive_learning.settings.base \
    DEBUG=true \
    GUNICORN_RELOAD=true

FROM development AS testing
ENV DEBUG=false GUNICORN_RELOAD=false
COPY tests/ /app/tests/
# The tests' embedded defaults write under /app/var (SQLite, Celery's filesystem broker).
USER 0
RUN install -d -o 1000 -g 1000 /app/var
USER 1000:1000
# Run with: docker build --target testing -t al-test . && docker run --rm al-test
CMD ["pytest", "-p", "no:cacheprovider"]
