"""The ``events`` command, one module per command group (``extract``, ``running``, ``sources``, ``fixes``,
``history``, ``store``, ``config``, ``init``) over what they share (``common``); ``main`` is the group and
registers them. A thin layer: it may import any package of ``events`` and ``feeds``, and nothing imports it.
Heavy imports happen inside each command so that ``events --help`` starts at once."""

from events.cli.main import main

__all__ = ["main"]
