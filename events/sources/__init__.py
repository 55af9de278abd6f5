"""A source's standing: its state in one word, whether a reading can be trusted, and people's fixes.

``state`` (healthy, failing, changed shape… the same words everywhere), ``shape`` (a reading whose
shape changed is never news about events), ``fixes`` (corrections from ``config.toml`` applied after
every reading).

Imports ``events.config``, ``events.record``, ``events.reconcile`` and ``events.redact``.
"""
