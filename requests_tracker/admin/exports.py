"""The admin's "Export selected rows as CSV": the columns the list shows, written cell by cell
as the API's CSV is (requests_tracker.exchange.csv_export, with its formula guard)."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape
from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

from requests_tracker.exchange.csv_export import csv_lines

EXPORT_CHUNK_ROWS = 500


def column_header(modeladmin: admin.ModelAdmin, name: str) -> str:
    """The column's heading in the list: the display's description, else the field's name."""
    attr = getattr(modeladmin, name, None)
    if attr is not None and hasattr(attr, "short_description"):
        return str(attr.short_description)
    try:
        return str(modeladmin.model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def column_value(modeladmin: admin.ModelAdmin, obj: Any, name: str) -> Any:
    """What the list shows in the column, as text: a display's HTML becomes its plain text."""
    attr = getattr(modeladmin, name, None)
    if callable(attr):
        value = attr(obj)
        return unescape(strip_tags(value)) if isinstance(value, SafeData) else value
    display = getattr(obj, f"get_{name}_display", None)
    return display() if display else getattr(obj, name)


@admin.action(description="Export selected rows as CSV")
def export_as_csv(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> StreamingHttpResponse:
    """Stream the selected rows with the columns the list shows, for a spreadsheet."""
    names = [name for name in modeladmin.get_list_display(request) if name != "action_checkbox"]
    if isinstance(modeladmin.list_select_related, list | tuple):
        queryset = queryset.select_related(*modeladmin.list_select_related)

    def rows() -> Iterator[dict[str, Any]]:
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK_ROWS):
            yield {name: column_value(modeladmin, obj, name) for name in names}

    columns = [(column_header(modeladmin, name), name) for name in names]
    response = StreamingHttpResponse(
        csv_lines(columns, rows()), content_type="text/csv; charset=utf-8"
    )
    filename = modeladmin.model._meta.verbose_name_plural.replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
