"""`/healthz`: is the database answering, and can the broker be reached?"""

import os

from celery import current_app
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

EMBEDDED_ENGINE = "config.embedded_database"


def _database_ok() -> tuple[bool, str, str]:
    """(answering, "ok" or the error's name, the server: "PostgreSQL 18.6 (embedded)")."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            (version,) = cursor.fetchone()
    except Exception as error:  # any failure means "not answering"; say which
        return False, error.__class__.__name__, ""
    embedded = " (embedded)" if connection.settings_dict["ENGINE"] == EMBEDDED_ENGINE else ""
    return True, "ok", f"{connection.display_name} {version.split()[0]}{embedded}"


def _broker_ok() -> tuple[bool, str]:
    """Whether the broker would take a task now: connected to, and for the filesystem broker
    (nothing to connect to), its message folder writable."""
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if conn.transport_cls == "filesystem":
                folder = conn.transport_options["data_folder_out"]
                if not os.access(folder, os.W_OK):
                    return False, f"message folder not writable: {folder}"
    except Exception as error:
        return False, error.__class__.__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the broker is reported, not required: writes survive it)."""
    database_ok, database_detail, engine = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    return JsonResponse(
        {
            "status": "ok" if database_ok else "error",
            "database": database_detail,
            "engine": engine,
            "broker": broker_detail,
        },
        status=200 if database_ok else 503,
    )
