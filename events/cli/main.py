"""The ``events`` command: a thin layer over the library. Heavy imports happen inside each command so
that ``events --help`` starts at once. Every user-fixable problem prints one line, never a traceback."""

from __future__ import annotations

import click

from events.cli.config import config_group
from events.cli.extract import extract
from events.cli.fixes import fix
from events.cli.history import history
from events.cli.init import init
from events.cli.running import build, demo, fetch, run, serve
from events.cli.sources import sources
from events.cli.store import db, export_, import_

# options of the whole command that a person may well type after the subcommand
_GROUP_OPTIONS = ("--config", "--log-format", "--log-level")


class Events(click.Group):
    """Takes ``--config`` (and the log options) after a subcommand as well as before it:
    ``events sources --config other.toml`` is what people type."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        front: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                rest.extend(args[i:])
                break
            name = arg.split("=", 1)[0]
            if rest and name in _GROUP_OPTIONS:  # after the subcommand's name: move it before
                take = 1 if "=" in arg else 2
                front.extend(args[i : i + take])
                i += take
                continue
            rest.append(arg)
            i += 1
        return super().parse_args(ctx, front + rest)


@click.group(cls=Events, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="EVENTS_CONFIG",
    type=click.Path(dir_okay=False),
    default="config.toml",
    show_default=True,
    help="Config file (or set EVENTS_CONFIG).",
)
@click.option(
    "--log-format",
    envvar="LOG_FORMAT",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Logs as text lines, or one JSON object per line (or set LOG_FORMAT).",
)
@click.option(
    "--log-level",
    envvar="LOG_LEVEL",
    type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
    default="info",
    show_default=True,
    help="Or set LOG_LEVEL.",
)
@click.version_option(package_name="eventfeed")
@click.pass_context
def main(ctx: click.Context, config_path: str, log_format: str, log_level: str) -> None:
    """eventfeed: watch organisations' web pages and publish their events as calendar and JSON feeds.

    \b
    Example:
        events extract https://www.hcsa.com/
        events fetch && events serve
    """
    from events.logs import configure

    configure(log_format, log_level)
    ctx.ensure_object(dict)
    ctx.obj["config"] = config_path
    ctx.obj["log_format"], ctx.obj["log_level"] = log_format, log_level  # for child processes


# Each command lives in a module of its own (events/cli/<group>.py); none imports this one.
COMMANDS = (extract, fetch, build, serve, run, demo, sources, history, fix, config_group, init, db, export_, import_)
for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
