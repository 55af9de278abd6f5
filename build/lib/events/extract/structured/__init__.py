"""Readers of what a site publishes for machines: schema.org JSON-LD, microdata, h-event, linked
iCalendar files, configured CSS selectors, and data a page embeds for its own scripts. Each turns
what it finds into ``Candidate`` records, and ``candidate.to_event`` makes them events the same way."""
