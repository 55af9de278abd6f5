"""The parsed TOML around validation: before it, ``${VAR}``s expanded and the defaults one section takes
from another written in (a source's zone is the service's unless it says otherwise); after it, the
validator's first complaint told as one line with the file and the dotted key.
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from events.errors import ConfigError

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TABLE_ERRORS = {"dataclass_type", "dataclass_args_type", "model_type", "dict_type"}
_LIST_ERRORS = {"tuple_type", "list_type"}


def expand_environment(raw: Any, path: Path, key: str = "") -> Any:
    """Every string with its ``${VAR}``s replaced from the environment; a variable that is not set is
    an error naming the key that uses it."""
    if isinstance(raw, Mapping):
        return {k: expand_environment(v, path, f"{key}.{k}" if key else k) for k, v in raw.items()}
    if isinstance(raw, list):
        return [expand_environment(v, path, f"{key}[{i}]") for i, v in enumerate(raw)]
    if not isinstance(raw, str):
        return raw

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"{path}: {key}: environment variable {name} is not set")
        return os.environ[name]

    return _ENV.sub(sub, raw)


def explicit_defaults(raw: dict[str, Any], service_defaults: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with what the environment overrides and the defaults one table takes from another
    written in (a source's zone, a feed's window, the public address: [service]'s, as written or as
    ``service_defaults`` has them), so that each table validates on its own. Anything of the wrong
    type is left as it is, for the validator to name."""
    service = raw.get("service", {})
    if isinstance(service, Mapping):
        service = {**service}
        database = os.environ.get("DATABASE_URL") or _url_from_parts()
        if database:
            service["database_url"] = database
        if os.environ.get("EVENTFEED_ADMIN_TOKEN"):
            service["admin_token"] = os.environ["EVENTFEED_ADMIN_TOKEN"]
        listen = service.get("listen", service_defaults["listen"])
        if "base_url" not in service and isinstance(listen, str):
            host, _, port = listen.rpartition(":")
            service["base_url"] = f"http://{host}:{port}"
        raw = {**raw, "service": service}
    settings = {**service_defaults, **(service if isinstance(service, Mapping) else {})}
    sources = raw.get("sources")
    if isinstance(sources, list):
        raw["sources"] = [{"timezone": settings["timezone"], **s} if isinstance(s, Mapping) else s for s in sources]
    feeds = raw.get("feeds")
    if isinstance(feeds, list):
        window = {k: settings[k] for k in ("past_days", "future_days")}
        raw["feeds"] = [{**window, **f} if isinstance(f, Mapping) else f for f in feeds]
    slack = raw.get("slack")
    if isinstance(slack, Mapping):
        raw["slack"] = _slack(dict(slack))
    return raw


def _slack(slack: dict[str, Any]) -> dict[str, Any] | None:
    """Routes named when they are not; ``webhook_url = "${SLACK_WEBHOOK_URL}"`` left empty is no Slack."""
    if isinstance(slack.get("webhook_url"), str) and not slack["webhook_url"].strip():
        del slack["webhook_url"]
        if not any(k in slack for k in ("channel", "routes", "admin_channel", "admin_webhook_url")):
            return None
    routes = slack.get("routes")
    if isinstance(routes, list):
        slack["routes"] = [{"id": f"route{i}", **r} if isinstance(r, Mapping) else r for i, r in enumerate(routes)]
    return slack


def _url_from_parts() -> str | None:
    """``DATABASE_HOST``, ``DATABASE_USER``, ``DATABASE_PASSWORD``, ``DATABASE_NAME`` (and
    ``DATABASE_PORT``): a PostgreSQL URL built from parts, so a password such as ``p@ss:w/rd#1`` is
    escaped rather than breaking the URL (docker-compose.yml passes these)."""
    env = os.environ
    if not (env.get("DATABASE_HOST") or env.get("DATABASE_PASSWORD")):
        return None
    from sqlalchemy.engine import URL

    port = env.get("DATABASE_PORT", "")
    return URL.create(
        "postgresql",
        username=env.get("DATABASE_USER") or "eventfeed",
        password=env.get("DATABASE_PASSWORD") or None,
        host=env.get("DATABASE_HOST") or "localhost",
        port=int(port) if port.isdigit() else None,
        database=env.get("DATABASE_NAME") or "eventfeed",
    ).render_as_string(hide_password=False)


def config_error(exc: ValidationError, path: Path, root: type) -> ConfigError:
    """The first thing the validator found wrong, as ``FILE: dotted.key: what is wrong``."""
    error = exc.errors(include_url=False)[0]
    loc = list(error["loc"])
    key = dotted(loc)
    kind = error["type"]
    if kind in ("missing", "missing_argument"):
        said = "missing (required)"
    elif kind in ("unexpected_keyword_argument", "extra_forbidden"):
        allowed = ", ".join(sorted(_fields(_type_at(root, loc[:-1])))) or "none"
        said = f"unknown key (allowed: {allowed})"
    elif kind in _TABLE_ERRORS:
        said = "must be a table"
    elif kind in _LIST_ERRORS:
        item = _type_at(root, [*loc, 0])
        table = re.sub(r"\[\d+\]", "", key)  # [[sources.fixes]], whichever source it is in
        said = f"must be an array of tables ([[{table}]])" if _fields(item) else "must be a list"
    elif kind == "value_error":
        said = str(error["msg"]).removeprefix("Value error, ")
    else:
        said = str(error["msg"])
    return ConfigError(f"{path}: {key}: {said}" if key else f"{path}: {said}")


def dotted(loc: list[int | str]) -> str:
    """``("sources", 2, "interval")`` → ``sources[2].interval``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _type_at(root: Any, loc: list[int | str]) -> Any:
    """The declared type of the value at ``loc`` (None when it cannot be told)."""
    here = root
    for part in loc:
        here = _unwrap(here)
        if isinstance(part, int):
            args = typing.get_args(here)
            here = args[0] if typing.get_origin(here) in (tuple, list) and args else None
        else:
            fields = getattr(here, "__pydantic_fields__", None)
            here = fields[part].annotation if fields and part in fields else None
        if here is None:
            return None
    return _unwrap(here)


def _unwrap(kind: Any) -> Any:
    """``X | None`` and ``Annotated[X, …]`` are X."""
    if typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(kind) if a is not type(None)]
        kind = inner[0] if len(inner) == 1 else kind
    if typing.get_origin(kind) is typing.Annotated:
        kind = typing.get_args(kind)[0]
    return kind


def _fields(kind: Any) -> list[str]:
    fields = getattr(kind, "__pydantic_fields__", None) or {}
    return [name for name in fields if name != "path"]
