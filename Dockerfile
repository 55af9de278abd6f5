# eventfeed: the scheduler and the web server in one process (`events run`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 EVENTS_CONFIG=/app/config.toml
WORKDIR /app
COPY pyproject.toml README.md ./
COPY events ./events
COPY feeds ./feeds
RUN pip install . \
 && useradd --create-home --uid 10001 eventfeed \
 && mkdir -p /data/feeds && chown -R eventfeed /data
COPY deploy/config.toml /app/config.toml

USER eventfeed
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]
# Migrations first (safe to repeat), then the service; SIGTERM stops it cleanly.
CMD ["sh", "-c", "events db upgrade && exec events run"]
