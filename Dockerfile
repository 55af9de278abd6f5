# eventfeed: the scheduler and the web server in one process (`events run`).
# The base is pinned by digest: a rebuild gets the same Python and Debian until this line is changed.
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 EVENTS_CONFIG=/app/config.toml
WORKDIR /app
# Dependencies first, exactly as locked and checked against their hashes; this layer is rebuilt only
# when requirements.lock changes, not at every change of the code.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY events ./events
COPY feeds ./feeds
RUN pip install --no-deps . \
 && useradd --create-home --uid 10001 eventfeed \
 && mkdir -p /data/feeds && chown -R eventfeed /data
COPY deploy/config.toml /app/config.toml

USER eventfeed
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
# Migrations first (safe to repeat), then the service; SIGTERM stops it cleanly.
CMD ["sh", "-c", "events db upgrade && exec events run"]
