"""The address of the test database, for the processes a test starts (a worker, gunicorn, the
quick start, the bench's floor) so that they see what the test commits."""

from __future__ import annotations

from urllib.parse import quote


def database_url(name: str | None = None) -> str:
    """DATABASE_URL of the test database (or of database `name` on the same server). The
    embedded server answers on a Unix socket, given as `?host=/folder` (which both Django's
    DATABASE_URL reader and libpq understand)."""
    from django.db import connection

    connection.ensure_connection()  # the embedded server's place is known once connected
    settings = connection.settings_dict
    name = name or settings["NAME"]
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    user = quote(settings["USER"], safe="")
    if settings["PASSWORD"]:
        user += ":" + quote(settings["PASSWORD"], safe="")
    if host.startswith("/"):
        return f"postgres://{user}@/{name}?host={quote(host, safe='')}&port={port}"
    return f"postgres://{user}@{host}:{port}/{name}"
