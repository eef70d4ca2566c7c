"""psycopg's cache of converted statements, sized for Praja's intake statement.

psycopg turns each statement's ``%s`` placeholders into the form it sends (with client-side binding, Django's
default, and with the server-side binding Praja uses on PostgreSQL alike) with a regular expression, and keeps
the result (an LRU of 128 statements) only for statements of at most ``MAX_CACHED_STATEMENT_PARAMS`` (50)
parameters and ``MAX_CACHED_STATEMENT_LENGTH`` (4,096) bytes. The one statement that stores a report with its
timeline entry and audit entry (praja/reports/intake.py) has more parameters than that, so it was split again for
every report (in-process an officer's report went from 2.34 to 2.22 ms of CPU with the cache, a public one from
1.24 to 1.12; docs/reports-performance.md, run 5). Its text is the same for every report of a channel, so a
larger limit lets the cache hold it. The limits are module settings psycopg reads at each call; a statement
over them is still converted, only not kept.
"""

from __future__ import annotations

MAX_PARAMS = 256
MAX_LENGTH = 32_768


def widen_statement_cache() -> None:
    """Raise psycopg's limits to ``MAX_PARAMS`` parameters and ``MAX_LENGTH`` bytes (never lower them)."""
    try:
        from psycopg import _queries
    except ImportError:  # SQLite-only installs: nothing to tune
        return
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, MAX_PARAMS)
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, MAX_LENGTH)
