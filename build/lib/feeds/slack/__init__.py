"""Slack: messages about changes (``notify``), their text (``messages``), and the slash command
(``commands``). Everything from a web page is escaped for Slack's mrkdwn before it is sent."""
