"""A request keeps the deadline an extension moved on its row (restored when the extension is
withdrawn), instead of reading it back from the event log; deletions get their own verbs."""

from django.db import migrations, models

DUE_BASIS = [
    ("stated", "Stated in the letter"),
    ("calendar_days", "Calendar days"),
    ("business_days", "Business days"),
]
VERBS = [
    ("request_issued", "Request issued"),
    ("campaign_issued", "Campaign issued"),
    ("request_updated", "Request edited"),
    ("response_logged", "Response logged"),
    ("response_updated", "Response edited"),
    ("response_deleted", "Response deleted"),
    ("escalation_filed", "Escalation filed"),
    ("escalation_updated", "Escalation updated"),
    ("escalation_deleted", "Escalation deleted"),
    ("status_changed", "Status changed"),
    ("due_date_changed", "Due date changed"),
    ("became_overdue", "Became overdue"),
    ("overdue_cleared", "Overdue cleared"),
    ("source_added", "Source added"),
    ("source_removed", "Source removed"),
    ("campaign_updated", "Campaign edited"),
    ("figure_recorded", "Figure recorded"),
]


def original_deadlines(apps, schema_editor):
    """Until now the deadline a request had before its first extension lived only in that
    extension's `due_date_changed` event: copy it onto the rows that are still extended."""
    DataRequest = apps.get_model("requests_tracker", "DataRequest")
    Activity = apps.get_model("requests_tracker", "Activity")
    first_extension = {}
    for event in (
        Activity.objects.filter(verb="due_date_changed", data__reason="extension_granted")
        .order_by("created_at", "pk")
        .values("request_id", "data")
    ):
        first_extension.setdefault(event["request_id"], event["data"])
    extended = DataRequest.objects.filter(
        pk__in=list(first_extension), responses__kind="extension_granted"
    ).distinct()
    for data_request in extended:
        before = first_extension[data_request.pk]
        data_request.original_due_on = before["from"]
        data_request.original_due_basis = before.get("previous_basis") or "stated"
        data_request.original_due_rule = before.get("previous_rule") or ""
        data_request.save(
            update_fields=["original_due_on", "original_due_basis", "original_due_rule"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0004_webhook_delivery_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="original_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        )
        for model in ("datarequest", "historicaldatarequest")
    ] + [
        migrations.AddField(
            model_name=model,
            name="original_due_basis",
            field=models.CharField(blank=True, choices=DUE_BASIS, editable=False, max_length=20),
        )
        for model in ("datarequest", "historicaldatarequest")
    ] + [
        migrations.AddField(
            model_name=model,
            name="original_due_rule",
            field=models.CharField(blank=True, editable=False, max_length=500),
        )
        for model in ("datarequest", "historicaldatarequest")
    ] + [
        migrations.RunPython(original_deadlines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activity",
            name="verb",
            field=models.CharField(choices=VERBS, max_length=30),
        ),
    ]
