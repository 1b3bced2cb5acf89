"""Create the three newsroom roles as groups, with their model permissions.

Object-level rules (a journalist edits only their own entries) live in permissions.py; these model
permissions are what the Django admin checks.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ_MODELS = [
    "county", "agency", "campaign", "datarequest", "response", "escalation", "source",
    "reportedfigure", "activity", "watch",
]
JOURNALIST_ADDS = ["datarequest", "response", "escalation", "source", "reportedfigure", "watch", "agency"]
JOURNALIST_CHANGES = ["datarequest", "response", "escalation", "source", "reportedfigure", "watch"]
EDITOR_EXTRA_MODELS = ["webhooksubscription", "webhookdelivery"]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    tracker = Permission.objects.filter(content_type__app_label="requests_tracker")

    def codenames(action, models):
        return [f"{action}_{model}" for model in models]

    viewer, _ = Group.objects.get_or_create(name="viewer")
    viewer.permissions.set(tracker.filter(codename__in=codenames("view", READ_MODELS)))

    journalist, _ = Group.objects.get_or_create(name="journalist")
    journalist.permissions.set(
        tracker.filter(
            codename__in=codenames("view", READ_MODELS)
            + codenames("add", JOURNALIST_ADDS)
            + codenames("change", JOURNALIST_CHANGES)
            + ["delete_watch"]
        )
    )

    editor, _ = Group.objects.get_or_create(name="editor")
    editor.permissions.set(
        tracker.exclude(codename__in=["add_activity", "change_activity", "delete_activity"])
        .exclude(content_type__model__startswith="historical")
    )
    editor.permissions.add(
        *tracker.filter(codename__in=codenames("view", ["historicaldatarequest"]))
    )


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["viewer", "journalist", "editor"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
