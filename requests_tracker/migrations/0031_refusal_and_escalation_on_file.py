"""Whether a request has a declined answer and an escalation on file, kept on the request by
services/status.py (workflow.declined_on_file, workflow.escalation_filed) so that a campaign's
figures are read from its requests' own rows; set here for the requests already on file, from
their published answers and escalations as the service counts them. The columns default to
false in the database too, so that processes still running the code before this migration keep
writing requests (and their history) while it runs.
tests/test_workflow_in_sql.py checks this SQL against the workflow and the service."""

from django.db import migrations, models

BACKFILL = (
    "UPDATE requests_tracker_datarequest SET declined_on_file = TRUE WHERE id IN ("
    "SELECT request_id FROM requests_tracker_response WHERE kind = 'declined' AND NOT embargoed)",
    "UPDATE requests_tracker_datarequest SET escalation_filed = TRUE WHERE id IN ("
    "SELECT request_id FROM requests_tracker_escalation WHERE NOT embargoed)",
)


class Migration(migrations.Migration):

    dependencies = [
        ('requests_tracker', '0030_embargo'),
    ]

    operations = [
        migrations.AddField(
            model_name='datarequest',
            name='declined_on_file',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='The county has a declined answer on file, whatever came after it (workflow.py).'),
        ),
        migrations.AddField(
            model_name='datarequest',
            name='escalation_filed',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='DOJ has filed at least one escalation on the request, whatever its outcome.'),
        ),
        migrations.AddField(
            model_name='historicaldatarequest',
            name='declined_on_file',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='The county has a declined answer on file, whatever came after it (workflow.py).'),
        ),
        migrations.AddField(
            model_name='historicaldatarequest',
            name='escalation_filed',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='DOJ has filed at least one escalation on the request, whatever its outcome.'),
        ),
        migrations.RunSQL(list(BACKFILL), reverse_sql=migrations.RunSQL.noop),
    ]
