"""The catalogue of legal grounds (services/grounds.py): editors keep the laws here; which records
cite each is shown, not edited, here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from requests_tracker.admin.base import TrackerAdmin, adopt
from requests_tracker.models import LegalGround
from requests_tracker.services import grounds


@admin.register(LegalGround)
class LegalGroundAdmin(TrackerAdmin):
    list_display = ["name", "citation", "level", "slug"]
    list_filter = ["level"]
    search_fields = ["name", "citation", "slug"]
    fields = [*grounds.GROUND_FIELDS]

    def save_model(
        self, request: HttpRequest, obj: LegalGround, form: forms.ModelForm, change: bool
    ) -> None:
        adopt(obj, grounds.save_ground(ground=obj, actor=request.user))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Citations are not edited here."""
