from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_save


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = "DOJ request tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The deployment checks register themselves; the tasks too, so every process that
        # queues one (web, commands, the shell) has it, not only the worker and beat, whose
        # autodiscovery imports the module.
        from django.contrib.auth import get_user_model

        from requests_tracker import page_cache, tasks  # noqa: F401
        from requests_tracker.roles import ensure_roles_after_migrate
        from requests_tracker.security import checks  # noqa: F401
        from requests_tracker.services.watches import forget_feeds_of_deactivated_users

        # Runs after auth's own post_migrate handler has created the permissions.
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        # Every write to the record, whoever makes it, gives the pages kept by page_cache a new
        # data version (the one receiver: page_cache.data_changed).
        connection_created.connect(page_cache.watch_writes, dispatch_uid="page-cache-writes")
        # Private feed addresses die with the user's deactivation (feed_tokens.py).
        pre_save.connect(
            forget_feeds_of_deactivated_users,
            sender=get_user_model(),
            dispatch_uid="feeds-of-deactivated-users",
        )
