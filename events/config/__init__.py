"""``config.toml``: what the service is told (sources, feeds, where changes go, retention), read, checked and
edited.

``models`` (the settings, typed and immutable), ``sending`` (where changes go: Slack, webhooks, e-mail
digests), ``values`` (the kinds of value a setting holds, each checking itself), ``loading`` (the file found,
read and checked as a whole), ``raw`` (the TOML around validation: ``${VAR}``, defaults taken from another
section, one-line errors), ``colours`` (the accent's contrast), ``edit`` (changes that keep a person's
comments), ``template`` (the commented first file).

Imports only ``events.errors`` and ``events.record``: everything else reads the config, none of it is read here.
"""
