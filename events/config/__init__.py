"""``config.toml``: what the service is told (sources, feeds, Slack, retention), read, checked and edited.

``models`` (the settings, typed and immutable, and ``load_config``), ``values`` (the kinds of value a
setting holds, each checking itself), ``raw`` (the TOML around validation: ``${VAR}``, defaults taken
from another section, one-line errors), ``colours`` (the accent's contrast), ``edit`` (changes that keep
a person's comments), ``template`` (the commented first file).

Imports only ``events.errors`` and ``events.record``: everything else reads the config, none of it is read here.
"""
