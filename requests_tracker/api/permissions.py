"""The API's one permission class: it asks requests_tracker.permissions, nothing else.

A view may name the predicates that apply to it (campaigns and webhooks are editors' business);
otherwise: reading needs `can_read`, writing `can_create`, changing a record `can_edit` and
deleting it `can_delete`. A denied anonymous client gets 401 (DRF raises NotAuthenticated when
no credentials were sent), a signed-in one without the role 403.
"""

from __future__ import annotations

from typing import Any

from rest_framework import permissions as drf_permissions

from requests_tracker import permissions


class TrackerPermission(drf_permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method in drf_permissions.SAFE_METHODS:
            return getattr(view, "may_read", permissions.can_read)(request.user)
        return getattr(view, "may_write", permissions.can_create)(request.user)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in drf_permissions.SAFE_METHODS or request.method == "POST":
            # Reads and actions that add to a record (citing a source) were decided above.
            return True
        if request.method == "DELETE":
            return getattr(view, "may_delete", permissions.can_delete)(request.user, obj)
        return getattr(view, "may_edit", permissions.can_edit)(request.user, obj)
