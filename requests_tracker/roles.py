"""The three newsroom roles as Django groups, with the model permissions the admin checks.

Object-level rules (a journalist edits only their own entries) live in permissions.py. The groups
are created by migration 0002 and re-ensured after every migrate/flush (post_migrate), so a
database that was flushed, as transactional tests do, still has its roles.
"""

from __future__ import annotations

from typing import Any

READ_MODELS = [
    "county",
    "agency",
    "campaign",
    "datarequest",
    "response",
    "escalation",
    "source",
    "reportedfigure",
    "activity",
    "watch",
    "case",
    "docketentry",
    "threat",
    "legalground",
]
JOURNALIST_ADDS = [
    "datarequest",
    "response",
    "escalation",
    "source",
    "reportedfigure",
    "watch",
    "agency",
]
JOURNALIST_CHANGES = ["datarequest", "response", "escalation", "source", "reportedfigure", "watch"]


def _codenames(action: str, models: list[str]) -> list[str]:
    return [f"{action}_{model}" for model in models]


def ensure_roles(apps: Any) -> None:
    """Create or refresh the viewer, journalist and editor groups (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker = Permission.objects.filter(content_type__app_label="requests_tracker")

    viewer, _ = Group.objects.get_or_create(name="viewer")
    viewer.permissions.set(tracker.filter(codename__in=_codenames("view", READ_MODELS)))

    journalist, _ = Group.objects.get_or_create(name="journalist")
    journalist.permissions.set(
        tracker.filter(
            codename__in=_codenames("view", READ_MODELS)
            + _codenames("add", JOURNALIST_ADDS)
            + _codenames("change", JOURNALIST_CHANGES)
            + ["delete_watch"]
        )
    )

    editor, _ = Group.objects.get_or_create(name="editor")
    editor.permissions.set(
        tracker.exclude(
            codename__in=["add_activity", "change_activity", "delete_activity"]
        ).exclude(content_type__model__startswith="historical")
    )


def ensure_roles_after_migrate(sender: Any, apps: Any = None, **kwargs: Any) -> None:
    # migrate passes its migration state; flush passes nothing, so use the installed models.
    if apps is None:
        from django.apps import apps
    ensure_roles(apps)
