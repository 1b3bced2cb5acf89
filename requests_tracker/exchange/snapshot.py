"""Reading many tables as one moment, while the app keeps writing (the archive, the release)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def read_snapshot(using: str = "default") -> Iterator[None]:
    """A transaction in which every query sees the database as it was when the first one ran.

    It is REPEATABLE READ and READ ONLY, so a request written between two tables' queries cannot
    leave a response pointing at a request the first query missed. Only the outermost
    transaction may choose its isolation; inside one (as in tests) the outer one's holds.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
