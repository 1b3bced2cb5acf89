from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = "DOJ request tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from requests_tracker import checks  # noqa: F401 (registers the deployment checks)
        from requests_tracker.roles import ensure_roles_after_migrate

        # Runs after auth's own post_migrate handler has created the permissions.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
