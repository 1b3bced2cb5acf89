"""`/healthz`: is the database answering, and can the broker be reached?"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not answering"; say which
        return False, error.__class__.__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return False, error.__class__.__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers (the broker is reported, not required: writes survive it)."""
    database_ok, database_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    return JsonResponse(
        {
            "status": "ok" if database_ok else "error",
            "database": database_detail,
            "broker": broker_detail,
        },
        status=200 if database_ok else 503,
    )
