"""Correction notes (public, kept with the edit of a published fact) and the record of open-data
releases (the public site links the latest)."""

import django.db.models.deletion
import django.utils.timezone
import requests_tracker.models.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requests_tracker', '0011_webhook_errors_without_bodies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DatasetRelease',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('url', models.URLField(blank=True, help_text="Where the release's files can be downloaded.", max_length=1000)),
                ('counts', models.JSONField(blank=True, default=dict, help_text='Rows per table.')),
                ('datapackage_sha256', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['-published_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('request', 'Request'), ('response', 'Response'), ('escalation', 'Escalation'), ('figure', 'Reported figure')], max_length=20)),
                ('note', requests_tracker.models.fields.LongTextField(help_text='What was wrong and what is right now, for readers.')),
                ('changes', models.JSONField(blank=True, default=list)),
                ('record_label', models.CharField(help_text='The corrected record as named when it was corrected.', max_length=300)),
                ('history_id', models.PositiveBigIntegerField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                ('county', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='requests_tracker.county')),
                ('escalation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='requests_tracker.escalation')),
                ('figure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='requests_tracker.reportedfigure')),
                ('made_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='requests_tracker.datarequest')),
                ('response', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='requests_tracker.response')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('kind', 'request'), ('request__isnull', False), ('response__isnull', True), ('escalation__isnull', True), ('figure__isnull', True)), models.Q(('escalation__isnull', True), ('kind', 'response'), ('response__isnull', False), ('figure__isnull', True)), models.Q(('escalation__isnull', False), ('kind', 'escalation'), ('response__isnull', True), ('figure__isnull', True)), models.Q(('figure__isnull', False), ('kind', 'figure'), ('request__isnull', True), ('escalation__isnull', True), ('response__isnull', True)), _connector='OR'), name='correction_names_its_record')],
            },
        ),
    ]
