from django.apps import AppConfig


class RequestsTrackerConfig(AppConfig):
    name = "requests_tracker"
    verbose_name = "DOJ request tracker"
    default_auto_field = "django.db.models.BigAutoField"
