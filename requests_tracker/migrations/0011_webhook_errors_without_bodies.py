"""Remove what receivers said from recorded webhook errors.

Before this, a failed delivery stored the first 300 characters of the receiver's answer (or the
connection error's text, which names hosts and ports), and showed it in the admin and API: with a
webhook aimed inside the network, that was a way to read internal services. Deliveries now record
the status code and a fixed sentence; this rewrites the rows recorded before, including the reason
a subscription was disabled and its history. Not reversible: the removed text is gone.
"""

from django.db import migrations

REMOVED = "The attempt failed (details recorded before this version were removed)."
LAST_ERROR_MARK = "; last error: "


def _status_sentence(status):
    # The same sentences as webhook_targets.describe_status, frozen here as of this migration.
    if 300 <= status < 400:
        meaning = "a redirect, which webhooks do not follow"
    elif 400 <= status < 500:
        meaning = "the receiver refused the delivery"
    elif status >= 500:
        meaning = "the receiver failed"
    else:
        meaning = "not a success"
    return f"HTTP {status}: {meaning}."


def remove_receiver_text(apps, schema_editor):
    WebhookDelivery = apps.get_model("requests_tracker", "WebhookDelivery")
    for delivery in WebhookDelivery.objects.exclude(last_error="").only(
        "pk", "response_status", "last_error"
    ):
        sentence = (
            _status_sentence(delivery.response_status)
            if delivery.response_status is not None
            else REMOVED
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(last_error=sentence)

    for name in ("WebhookSubscription", "HistoricalWebhookSubscription"):
        model = apps.get_model("requests_tracker", name)
        for row in model.objects.filter(disabled_reason__contains=LAST_ERROR_MARK).only(
            "pk", "disabled_reason"
        ):
            kept = row.disabled_reason.split(LAST_ERROR_MARK, 1)[0]
            model.objects.filter(pk=row.pk).update(disabled_reason=f"{kept}.")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0010_source_documents"),
    ]

    operations = [
        migrations.RunPython(remove_receiver_text, migrations.RunPython.noop),
    ]
