"""Who may do what. Plain predicates over a user (and a record), used by API, web and admin.

Roles are Django groups: viewer (read), journalist (read, create, edit own entries), editor (edit
and delete anything, manage campaigns and webhooks). Superusers act as editors. Anonymous visitors
read only when settings.TRACKER_PUBLIC is true, and never see internal notes or who logged what.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

VIEWER = "viewer"
JOURNALIST = "journalist"
EDITOR = "editor"
ROLES = (VIEWER, JOURNALIST, EDITOR)
_RANK = {None: 0, VIEWER: 1, JOURNALIST: 2, EDITOR: 3}

OWNER_FIELDS = ("logged_by_id", "created_by_id")


def role_of(user: Any) -> str | None:
    """The user's strongest role, or None (anonymous, inactive, or in no tracker group)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return EDITOR
    cached = getattr(user, "_tracker_role", False)
    if cached is not False:
        return cached
    remember_role(user, user.groups.values_list("name", flat=True))
    return user._tracker_role


def strongest_role(group_names: Any) -> str | None:
    """The strongest tracker role among a user's group names (None: no tracker group)."""
    names = set(group_names)
    return next((name for name in reversed(ROLES) if name in names), None)


def remember_role(user: Any, group_names: Any) -> None:
    """Give `user` the role of the group names read with it, so `role_of` asks no more."""
    user._tracker_role = strongest_role(group_names)


def has_role(user: Any, role: str) -> bool:
    return _RANK[role_of(user)] >= _RANK[role]


def can_read(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return bool(settings.TRACKER_PUBLIC)
    return has_role(user, VIEWER)


def can_see_internal(user: Any) -> bool:
    """Internal notes and who logged each entry: newsroom members only, never anonymous."""
    return has_role(user, VIEWER)


def can_watch(user: Any) -> bool:
    """Follow counties, campaigns and requests: any signed-in newsroom role."""
    return user is not None and user.is_authenticated and has_role(user, VIEWER)


def can_create(user: Any) -> bool:
    """Log requests, responses, escalations, sources and figures."""
    return has_role(user, JOURNALIST)


def owns(user: Any, record: Any) -> bool:
    owner_ids = [getattr(record, field, None) for field in OWNER_FIELDS]
    return user.is_authenticated and user.pk in [pk for pk in owner_ids if pk is not None]


def can_edit(user: Any, record: Any) -> bool:
    """Editors edit anything; journalists edit the entries they logged."""
    if has_role(user, EDITOR):
        return True
    return has_role(user, JOURNALIST) and owns(user, record)


def can_delete(user: Any, record: Any) -> bool:
    return has_role(user, EDITOR)


def can_manage_campaigns(user: Any) -> bool:
    return has_role(user, EDITOR)


def can_manage_webhooks(user: Any) -> bool:
    return has_role(user, EDITOR)


def can_import(user: Any) -> bool:
    """Bring a spreadsheet of records in at once (the admin's import page): editors only."""
    return has_role(user, EDITOR)


def can_see_who_changed(user: Any) -> bool:
    """Who made each edit in a record's history: editors only (the public sees what and when)."""
    return has_role(user, EDITOR)


def can_see_sensitive(user: Any) -> bool:
    """Sensitive sources (they may name people in custody): editors only, everywhere — pages,
    files, search, feeds and the API. Anyone else may at most be told one exists."""
    return has_role(user, EDITOR)


def can_see_embargoed(user: Any) -> bool:
    """Records under embargo (and what is said about them): the newsroom's journalists and
    editors, who see them marked as embargoed. Viewers and anonymous readers of a public instance
    meet nothing of them (selectors/visibility.py)."""
    return has_role(user, JOURNALIST)


def can_embargo(user: Any, record: Any) -> bool:
    """Set or lift an embargo: whoever may edit the record (editors anything, journalists the
    entries they logged)."""
    return can_edit(user, record)
