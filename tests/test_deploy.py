"""docker-compose.yml against the Compose Specification's schema (there is no Docker engine here),
and the image's command, port and health check against the configuration they run."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from events.config import load_config
from tests.conftest import ROOT


@pytest.fixture
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_follows_the_specification(compose: dict) -> None:
    schema = json.loads((ROOT / "deploy" / "compose-spec.schema.json").read_text())
    validator = jsonschema.Draft201909Validator(schema)
    validator.validate(compose)
    broken = {**compose, "services": {"eventfeed": {**compose["services"]["eventfeed"], "ports": 8080}}}
    assert not validator.is_valid(broken)  # the schema does catch mistakes


def test_service_image_and_config_agree(compose: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.example/T/B/X")
    monkeypatch.setenv("DATABASE_URL", "postgresql://eventfeed:pw@db:5432/eventfeed")
    config = load_config(ROOT / "deploy" / "config.toml")
    port = config.service.listen_port
    assert config.service.listen_host == "0.0.0.0"
    assert config.service.database_url.startswith("postgresql://")
    service = compose["services"]["eventfeed"]
    assert f"{port}:{port}" in service["ports"]
    assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert set(service["environment"]) >= {"DATABASE_URL", "SLACK_WEBHOOK_URL"}
    assert compose["services"]["db"]["volumes"][0].startswith("pgdata:")
    assert all(s.get("restart") == "unless-stopped" for s in compose["services"].values())

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert f"EXPOSE {port}" in dockerfile and f"127.0.0.1:{port}/healthz" in dockerfile
    assert "events db upgrade && exec events run" in dockerfile
    assert "COPY deploy/config.toml /app/config.toml" in dockerfile and "EVENTS_CONFIG=/app/config.toml" in dockerfile
