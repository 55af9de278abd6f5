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
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in compose["services"]["eventfeed"]["environment"].items():
        if name.startswith("DATABASE_") and "${" not in str(value):
            monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("DATABASE_PASSWORD", "pw")
    config = load_config(ROOT / "deploy" / "config.toml")
    port = config.service.listen_port
    assert config.service.listen_host == "0.0.0.0"
    assert config.service.database_url == "postgresql://eventfeed:pw@db/eventfeed"
    service = compose["services"]["eventfeed"]
    assert f"8080-8089:{port}" in service["ports"]  # a range: a second replica takes the next port
    assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert set(service["environment"]) >= {"DATABASE_HOST", "DATABASE_PASSWORD", "SLACK_WEBHOOK_URL"}
    assert service["environment"]["SLACK_WEBHOOK_URL"] == "${SLACK_WEBHOOK_URL:-}"  # optional
    assert compose["services"]["db"]["volumes"][0].startswith("pgdata:")
    assert all(s.get("restart") == "unless-stopped" for s in compose["services"].values())

    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert f"EXPOSE {port}" in dockerfile and f"127.0.0.1:{port}/healthz" in dockerfile
    assert "events db upgrade && exec events run" in dockerfile
    assert "COPY deploy/config.toml /app/config.toml" in dockerfile and "EVENTS_CONFIG=/app/config.toml" in dockerfile


def test_a_password_full_of_url_characters_reaches_the_database_intact(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.engine import make_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_HOST", "db")
    monkeypatch.setenv("DATABASE_PASSWORD", "p@ss:w/rd#1 %?&")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "")
    config = load_config(ROOT / "deploy" / "config.toml")
    url = make_url(config.service.database_url)
    assert (url.username, url.password, url.host, url.database) == ("eventfeed", "p@ss:w/rd#1 %?&", "db", "eventfeed")
    assert config.slack is None  # no webhook given: the service runs without Slack
