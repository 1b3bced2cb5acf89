from django.contrib import admin
from django.urls import include, path

from requests_tracker import health
from requests_tracker.api import errors as api_errors
from requests_tracker.courts import webhook as court_webhook
from requests_tracker.security import sign_in

urlpatterns = [
    # Before the admin's own addresses, which would take "import/" for an app's name.
    path("admin/import/", include("requests_tracker.admin.imports")),
    path("admin/", admin.site.urls),
    # Before Django's own: the same reset form, limited per client address (sign_in.py).
    path(
        "accounts/password_reset/",
        sign_in.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("api/", include("requests_tracker.api.urls")),
    # CourtListener's docket alerts (requests_tracker/courts/webhook.py).
    path(
        "hooks/courtlistener/<str:secret>/",
        court_webhook.courtlistener_webhook,
        name="courtlistener_webhook",
    ),
    # The journalists' pages, the Atom feed and the badges (last: they own the root).
    path("", include("requests_tracker.web.urls")),
]
# Uploaded documents are never served from MEDIA_URL, not even with DEBUG: only through the
# permission-checked /sources/<id>/file.

# Answers in the API's error shape under /api/, Django's pages elsewhere.
handler400 = api_errors.bad_request
handler500 = api_errors.server_error
