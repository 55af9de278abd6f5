"""config.toml described once: the JSON Schema editors use is generated from the same models that
check the file, is kept in the repository, and agrees with the service about what is valid."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from events.config.loading import schema
from tests.conftest import ROOT, run_events

SHIPPED = ROOT / "config.schema.json"


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SHIPPED.read_text(encoding="utf-8")))


def test_the_schema_in_the_repository_is_the_one_the_models_give() -> None:
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == schema(), (
        "config.schema.json is stale: run `events config schema > config.schema.json`"
    )
    assert run_events("config", "schema").stdout.strip() == SHIPPED.read_text(encoding="utf-8").strip()


def test_the_shipped_config_names_the_schema_and_satisfies_it() -> None:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("#:schema ./config.schema.json\n")  # taplo / Even Better TOML read this line
    validator().validate(tomllib.loads(text))


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = "6h"\npages = 3\n', True),
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = 3600\nfollow_details = true\n', True),
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\ncolour = "red"\n', False),
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\ninterval = "5x"\n', False),
        ('[[sources]]\nid = "a"\nurl = "ftp://a.org/"\n', False),
        ('[[sources]]\nid = "Bad Id"\nurl = "https://a.org/"\n', False),
        ('[[sources]]\nid = "a"\nurl = "https://a.org/"\npages = 50\n', False),
        ('[fetch]\nretries = 99\n[[sources]]\nid = "a"\nurl = "https://a.org/"\n', False),
        ('[service]\ntimeout = 3\n[[sources]]\nid = "a"\nurl = "https://a.org/"\n', False),
        ('[[feeds]]\nid = "x"\n', False),  # no sources
    ],
)
def test_editors_and_the_service_agree(tmp_path: Path, text: str, valid: bool) -> None:
    errors = list(validator().iter_errors(tomllib.loads(text)))
    assert (not errors) == valid, [e.message for e in errors]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    checked = run_events("config", "check", config=path, check=False)
    assert (checked.returncode == 0) == valid, checked.stderr
    said = checked.stdout if valid else checked.stderr
    assert len(said.strip().splitlines()) == 1 and "Traceback" not in said
