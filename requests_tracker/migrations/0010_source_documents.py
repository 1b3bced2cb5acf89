"""Source documents: type, size, the sensitive flag, text extraction status, and the text of each
page (SourcePage) with a full-text GIN index.

The GIN index is PostgreSQL's; on SQLite (the quick start's database) it is recorded in the
migration state but not created, and search falls back to a plain substring match. Sources that
already have a file are marked pending, so `manage.py extract_text` reads them.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import requests_tracker.documents.uploads
from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex for an index only PostgreSQL can build; a no-op on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def mark_stored_files_pending(apps, schema_editor):
    Source = apps.get_model("requests_tracker", "Source")
    Source.objects.exclude(file="").update(extraction_status="pending")


class Migration(migrations.Migration):

    dependencies = [
        ('requests_tracker', '0009_activity_occurred_on_default'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalsource',
            name='content_type',
            field=models.CharField(blank=True, editable=False, help_text="The file's type, read from its bytes.", max_length=100),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='file_size',
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='sensitive',
            field=models.BooleanField(default=False, help_text='May hold personal data of people in custody: only editors see, download or search it.'),
        ),
        migrations.AddField(
            model_name='source',
            name='content_type',
            field=models.CharField(blank=True, editable=False, help_text="The file's type, read from its bytes.", max_length=100),
        ),
        migrations.AddField(
            model_name='source',
            name='extracted_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='extraction_method',
            field=models.CharField(blank=True, choices=[('pdf_text', 'PDF text layer'), ('ocr', 'OCR (Tesseract)'), ('pdf_text_ocr', 'PDF text layer and OCR'), ('docx', 'Word document'), ('xlsx', 'Spreadsheet'), ('text', 'Plain text')], editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='source',
            name='extraction_note',
            field=models.CharField(blank=True, editable=False, help_text='Why reading failed, or what was left.', max_length=500),
        ),
        migrations.AddField(
            model_name='source',
            name='extraction_status',
            field=models.CharField(blank=True, choices=[('pending', 'Waiting to be read'), ('done', 'Text extracted'), ('failed', 'Could not be read'), ('unavailable', 'Needs OCR, which is not installed')], editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name='source',
            name='file_size',
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='page_count',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='sensitive',
            field=models.BooleanField(default=False, help_text='May hold personal data of people in custody: only editors see, download or search it.'),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='file',
            field=models.TextField(blank=True, max_length=100, validators=[requests_tracker.documents.uploads.UploadValidator()]),
        ),
        migrations.AlterField(
            model_name='source',
            name='file',
            field=models.FileField(blank=True, upload_to=requests_tracker.documents.uploads.source_upload_to, validators=[requests_tracker.documents.uploads.UploadValidator()]),
        ),
        migrations.CreateModel(
            name='SourcePage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('text', models.TextField()),
                ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pages', to='requests_tracker.source')),
            ],
            options={
                'ordering': ['source', 'number'],
                'constraints': [models.UniqueConstraint(fields=('source', 'number'), name='source_page_unique_number')],
            },
        ),
        AddIndexOnPostgreSQL(
            model_name='sourcepage',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.search.SearchVector('text', config='english'), name='source_page_text_search'),
        ),
        migrations.RunPython(mark_stored_files_pending, migrations.RunPython.noop),
    ]
