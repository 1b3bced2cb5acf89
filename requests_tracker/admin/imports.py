"""The editors' spreadsheet import in the admin: upload, preview, confirm.

The page runs the very service `manage.py import_sheet` runs (services.import_sheet):
1. upload: a CSV or XLSX file and what its rows are (requests, responses, ...);
2. preview: the file is imported as a dry run, so the page lists exactly what it would do, row by
   row (created, or already on file), and every row error with its number, column and reason;
3. confirm: a file without errors can be imported. The confirmation carries the previewed file
   itself, signed (django.core.signing, for one hour, for the editor who previewed it), so what
   is written is what was previewed, and no upload is kept on the server in between.

Editors only (permissions.can_import), signed in to the admin; the rows are recorded as logged
by the editor. Each kind's header row can be downloaded as an empty CSV or XLSX template
(columns: docs/import.md).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django import forms
from django.contrib import admin
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from requests_tracker import permissions, services
from requests_tracker.exchange import spreadsheet_import

CONFIRMATION_SALT = "requests_tracker.admin.imports"
CONFIRMATION_MAX_AGE_SECONDS = 3600
TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
KIND_LABELS = {
    "requests": "Requests (DOJ's letters)",
    "responses": "Responses (the counties' answers)",
    "escalations": "Escalations (DOJ's next steps)",
    "sources": "Sources",
    "figures": "Reported figures",
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="The rows are", choices=list(KIND_LABELS.items()))
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text=f"Row 1 names the columns. At most {spreadsheet_import.MAX_ROWS:,} rows and "
        f"{spreadsheet_import.MAX_FILE_MB} MB.",
    )


def editors_only(request: HttpRequest) -> None:
    if not permissions.can_import(request.user):
        raise PermissionDenied("Only editors import spreadsheets.")


@require_http_methods(["GET", "HEAD", "POST"])
def import_sheet_page(request: HttpRequest) -> HttpResponse:
    editors_only(request)
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": "Import a spreadsheet",
        "kinds": [
            (kind, KIND_LABELS[kind], spreadsheet_import.KINDS[kind])
            for kind in spreadsheet_import.KINDS
        ],
    }
    if request.method == "POST" and "confirmation" in request.POST:
        return _confirm(request, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        if upload.size > spreadsheet_import.MAX_FILE_MB * 1024 * 1024:
            form.add_error(
                "file", f"The file is larger than {spreadsheet_import.MAX_FILE_MB} MB: split it."
            )
        else:
            content = upload.read()
            result = services.import_sheet(
                kind=kind, content=content, actor=request.user, dry_run=True
            )
            context.update(result=result, file_name=upload.name)
            if not result.errors:
                context["confirmation"] = _sign(request, kind, upload.name, content)
    context["form"] = form
    status = 400 if context.get("result") and context["result"].errors else 200
    return render(request, "admin/tracker/import_sheet.html", context, status=status)


def _confirm(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    try:
        signed = signing.loads(
            request.POST["confirmation"],
            salt=CONFIRMATION_SALT,
            max_age=CONFIRMATION_MAX_AGE_SECONDS,
        )
    except signing.BadSignature:
        context.update(form=UploadForm(), expired=True)
        return render(request, "admin/tracker/import_sheet.html", context, status=400)
    if signed["user"] != request.user.pk:
        raise PermissionDenied("This preview was made by someone else.")
    content = base64.b64decode(signed["content"])
    result = services.import_sheet(kind=signed["kind"], content=content, actor=request.user)
    context.update(result=result, file_name=signed["name"], form=UploadForm())
    return render(
        request,
        "admin/tracker/import_sheet.html",
        context,
        status=200 if result.written else 400,
    )


def _sign(request: HttpRequest, kind: str, name: str, content: bytes) -> str:
    return signing.dumps(
        {
            "user": request.user.pk,
            "kind": kind,
            "name": name,
            "sha256": hashlib.sha256(content).hexdigest(),
            "content": base64.b64encode(content).decode("ascii"),
        },
        salt=CONFIRMATION_SALT,
        compress=True,
    )


@require_safe
def import_template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """The kind's header row as an empty CSV or XLSX file to fill in."""
    editors_only(request)
    if kind not in spreadsheet_import.KINDS or file_format not in TEMPLATE_TYPES:
        raise Http404("No such template.")
    response = HttpResponse(
        spreadsheet_import.template(kind, file_format), content_type=TEMPLATE_TYPES[file_format]
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"tracker-{kind}-template.{file_format}"
    )
    return response


app_name = "tracker_import"
urlpatterns = [
    path("", admin.site.admin_view(import_sheet_page), name="sheet"),
    path(
        "template/<str:kind>.<str:file_format>",
        admin.site.admin_view(import_template),
        name="template",
    ),
]
