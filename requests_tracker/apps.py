from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = "DOJ request tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry

        # The deployment checks register themselves; the tasks too, so every process that
        # queues one (web, commands, the shell) has it, not only the worker and beat, whose
        # autodiscovery imports the module.
        from requests_tracker import checks, tasks  # noqa: F401
        from requests_tracker.roles import ensure_roles_after_migrate

        # Runs after auth's own post_migrate handler has created the permissions.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # Every change made in the admin is logged; each one gives the data a new version, so
        # the pages kept by page_cache show it (a county renamed, a source edited).
        post_save.connect(_admin_changed_data, sender=LogEntry, dispatch_uid="page-cache-admin")


def _admin_changed_data(**_: object) -> None:
    from requests_tracker import page_cache

    page_cache.data_changed()
