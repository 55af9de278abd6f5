"""docker-compose.yml against the Compose Specification's schema (there is no Docker engine here),
and the image's command, port and health check against the configuration they run."""

from __future__ import annotations

import json
import re
import tomllib

import jsonschema
import pytest
import yaml

from events.config.loading import load_config
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
    assert re.search(r"^FROM python:3\.11\.\d+-slim-\w+@sha256:[0-9a-f]{64}$", dockerfile, re.MULTILINE)
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


def test_the_image_installs_locked_dependencies_in_their_own_layer() -> None:
    """requirements.lock pins every dependency of pyproject.toml (and theirs) with hashes; the image
    installs it before the code is copied, so a code change reuses the dependency layer."""
    from packaging.requirements import Requirement

    lock = (ROOT / "requirements.lock").read_text()
    pinned = {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.MULTILINE)
    }
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1].strip())
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for line in declared:
        req = Requirement(line)
        name = req.name.lower().replace("_", "-")
        assert name in pinned, f"{name} is not in requirements.lock: run pip-compile (README, Production)"
        assert req.specifier.contains(pinned[name]), f"{name}=={pinned[name]} is outside {req.specifier}"
    dockerfile = (ROOT / "Dockerfile").read_text()
    install_deps = dockerfile.index("pip install --require-hashes --no-deps -r requirements.lock")
    assert dockerfile.index("COPY requirements.lock") < install_deps < dockerfile.index("COPY events")
    assert "pip install --no-deps ." in dockerfile
