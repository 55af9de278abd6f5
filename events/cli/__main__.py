"""``python -m events.cli``, as the tests and benches run the command."""

from events.cli.main import main

main()
