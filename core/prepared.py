"""Statements PostgreSQL plans once per connection: for the few queries that every new search runs.

A search nobody made before cannot come from a cache, and planning its query cost PostgreSQL as much as running
it (about 3 ms for the catalogue's three search steps). ``execute`` sends ``PREPARE`` the first time a connection
runs a statement, in the same round trip as its first ``EXECUTE``; later calls send only ``EXECUTE`` with the
values, which PostgreSQL runs from its plan (after five executions it keeps a generic plan when that plan costs
no more than a fresh one). Values travel as literals escaped by the driver, as every other query of the project.

Prepared statements belong to a server session: a pooler in transaction mode (PgBouncer) would hand them to the
wrong session, so the project's ``DATABASE_URL`` must reach PostgreSQL itself or a pooler in session mode.
"""

import hashlib
import weakref

from django.db import connection

# The statements each open driver connection has prepared, by name.
_PREPARED: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
# Connections where a PREPARE may have run without our knowing it (its round trip failed after it).
_UNSURE: "weakref.WeakSet[object]" = weakref.WeakSet()


def statement_name(prefix: str, sql: str) -> str:
    """A name that changes with the text, so a changed statement is never run under an old plan."""
    return f"{prefix}_{hashlib.blake2b(sql.encode(), digest_size=6).hexdigest()}"


def execute(cursor, name: str, sql: str, types: list[str], params: list):
    """Run the prepared statement ``name`` (``sql``, whose parameters ``$1``… have ``types``) with ``params``.

    ``sql`` is sent as it is inside a query with parameters: a literal ``%`` is written ``%%``.
    """
    raw = connection.connection
    known = _PREPARED.setdefault(raw, set())
    run = f"EXECUTE {name}({', '.join(['%s'] * len(params))})"
    if name not in known and raw in _UNSURE:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        known.update(row[0] for row in cursor.fetchall())
        _UNSURE.discard(raw)
    if name in known:
        cursor.execute(run, params)
        return
    try:
        cursor.execute(f"PREPARE {name}({', '.join(types)}) AS {sql}; {run}", params)
    except Exception:
        _UNSURE.add(raw)
        raise
    cursor.nextset()  # the rows are EXECUTE's; PREPARE returned none
    known.add(name)
