"""The command line: the same library from a terminal, for administrators and scripts.

    receptiondesk [--db PATH | --database-url URL] [--lang vi|en] COMMAND ...

- :mod:`.entry`: the parser, the sign-in and the dispatch (``main`` is the entry point);
- :mod:`.common`: the exit codes, :class:`CliError` and :func:`open_database_for`;
- one module per command area: ``db_commands`` (with ``restore_commands``),
  ``exchange_commands`` (with ``bundle_commands`` and ``national_commands``),
  ``print_commands``, ``report_commands``, ``unit_commands``, ``demo_commands``,
  ``search_commands`` and ``window_commands``.

Nothing below the user interface imports this package.
"""

from .entry import main

__all__ = ["main"]
