"""eventfeed's publishing half: iCalendar and JSON Feed documents, the web app, Slack.

Publishers read the store and write files or messages; they never reach back into fetching.
"""
