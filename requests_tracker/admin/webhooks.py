"""Webhook subscriptions (saved through their services) and the delivery log (read only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from requests_tracker import services
from requests_tracker.admin.base import LogAdmin, TrackerAdmin, adopt, service_arguments
from requests_tracker.models import ActivityVerb, WebhookDelivery, WebhookSubscription


class WebhookSubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        choices=ActivityVerb.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unchecked to receive every event.",
    )
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Shared secret for the HMAC signature; left empty, one is generated "
        "(on an existing subscription, empty keeps the current one).",
    )

    class Meta:
        model = WebhookSubscription
        fields = services.in_model_order(WebhookSubscription, services.SUBSCRIPTION_EDITABLE_FIELDS)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(TrackerAdmin):
    """Saving goes through the subscription services: switching one back on resets its failures."""

    form = WebhookSubscriptionForm
    list_display = ["url", "is_active", "consecutive_failures", "disabled_reason", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url"]
    readonly_fields = ["consecutive_failures", "disabled_reason", "created_by", "updated_at"]

    def save_model(
        self,
        request: HttpRequest,
        obj: WebhookSubscription,
        form: WebhookSubscriptionForm,
        change: bool,
    ) -> None:
        arguments = service_arguments(form, services.SUBSCRIPTION_EDITABLE_FIELDS)
        if change:
            # An empty secret keeps the current one (a password box never shows it).
            changes = {
                name: arguments[name]
                for name in form.changed_data
                if name in arguments and (name != "secret" or arguments["secret"])
            }
            saved = services.update_webhook_subscription(
                subscription=obj, actor=request.user, **changes
            )
        else:
            saved = services.subscribe_webhook(**arguments, actor=request.user)
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        services.delete_webhook_subscription(subscription=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(LogAdmin):
    list_display = [
        "created_at",
        "subscription",
        "activity",
        "status",
        "attempts",
        "response_status",
        "duration_ms",
        "last_attempt_at",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["subscription", "activity"]
    date_hierarchy = "created_at"
