"""The journalists' pages, the Atom feed and the badges, at the site's root."""

from django.urls import path, re_path

from requests_tracker import badges
from requests_tracker.feeds import ActivityFeed
from requests_tracker.web import sources, views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("counties/", views.county_list, name="county_list"),
    re_path(r"^counties/(?P<fips>\d{5})/$", views.county_detail, name="county_detail"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/responses/", views.log_response, name="log_response"),
    path("requests/<int:pk>/escalations/", views.file_escalation, name="file_escalation"),
    path("requests/<int:pk>/sources/", views.add_source, name="add_source"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("sources/<int:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<int:pk>/file", sources.source_file, name="source_file"),
    path("feeds/activity.atom", ActivityFeed(), name="activity_feed"),
    re_path(r"^badges/(?P<fips>\d{5})\.svg$", badges.county_badge, name="county_badge"),
]
