"""Create the three newsroom roles as groups, with their model permissions (see roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from requests_tracker.roles import ensure_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps)


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
