"""Each event carries the day it happened (`occurred_on`) beside the time it was recorded, so
timelines read in the order things happened."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import migrations, models

DATED_BY_DATA = {
    "response_logged": "received_on",
    "escalation_filed": "issued_on",
    "became_overdue": "overdue_since",
}
CAUSES = {"request_issued", "response_logged", "escalation_filed"}
CONSEQUENCES = {"status_changed", "overdue_cleared", "due_date_changed"}
SAME_WRITE = dt.timedelta(seconds=5)


def occurred_on(apps, schema_editor):
    """Past events: the date their data or record holds; a status change, a cleared flag or an
    extension takes the date of the event its write recorded just before it; the rest (edits)
    the day they were recorded, in the newsroom's time zone."""
    Activity = apps.get_model("requests_tracker", "Activity")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    last_cause = {}
    for event in Activity.objects.select_related("request", "campaign").order_by(
        "created_at", "pk"
    ):
        day = None
        if event.verb == "request_issued" and event.request_id:
            day = event.request.issued_on
        elif event.verb == "campaign_issued" and event.campaign_id:
            day = event.campaign.issued_on
        elif event.verb in DATED_BY_DATA and event.data.get(DATED_BY_DATA[event.verb]):
            day = dt.date.fromisoformat(event.data[DATED_BY_DATA[event.verb]])
        elif event.verb in CONSEQUENCES and event.request_id in last_cause:
            cause_at, cause_day = last_cause[event.request_id]
            if event.created_at - cause_at <= SAME_WRITE:
                day = cause_day
        day = day or event.created_at.astimezone(zone).date()
        if event.verb in CAUSES and event.request_id:
            last_cause[event.request_id] = (event.created_at, day)
        Activity.objects.filter(pk=event.pk).update(occurred_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0005_request_original_deadline_and_deleted_verbs"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="occurred_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(occurred_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activity",
            name="occurred_on",
            field=models.DateField(help_text="The day the event happened (not when recorded)."),
        ),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["request", "occurred_on", "created_at"],
                name="requests_tr_request_0eee35_idx",
            ),
        ),
    ]
