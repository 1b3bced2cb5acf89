from rest_framework import permissions as drf_permissions

from requests_tracker import permissions


class TrackerPermission(drf_permissions.BasePermission):
    """Read for those who may read; writes per the permissions module."""

    def has_permission(self, request, view):  # noqa: ANN001, ANN201
        if request.method in drf_permissions.SAFE_METHODS:
            return permissions.can_read(request.user)
        return permissions.can_create(request.user)

    def has_object_permission(self, request, view, obj):  # noqa: ANN001, ANN201
        if request.method in drf_permissions.SAFE_METHODS:
            return permissions.can_read(request.user)
        if request.method == "DELETE":
            return permissions.can_delete(request.user, obj)
        return permissions.can_edit(request.user, obj)
