"""Django's PostgreSQL backend, connecting to the embedded server (started on first connect)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.backends.postgresql import base

from config import embedded_database


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        place = embedded_database.start(settings.EMBEDDED_DATABASE_DIR)
        self.settings_dict["HOST"], self.settings_dict["PORT"] = place.host, str(place.port)
        return super().get_connection_params()
