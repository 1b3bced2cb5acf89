"""The editors' admin. Every save goes through the services, so status and Activity stay right;
status and overdue fields are derived and read-only here.

Modules: base (what every page shares: history, roles, service errors on the form), exports
(the CSV action), requests (a request with its responses, escalations and sources; the response
and escalation pages), campaigns, courts (cases, docket entries, CourtListener deliveries), mail
(messages read from the mailbox, the addresses counties write from), records (counties,
agencies, sources, figures, watches, the event log), story (metrics, jurisdictions and
their policies, people and their roles, press answers) and webhooks. Importing
them registers their pages. imports is the spreadsheet import page (upload, preview, confirm),
routed in config/urls.py; the index links it.
"""

from django.contrib import admin

from requests_tracker.admin import (
    campaigns,
    courts,
    grounds,
    mail,
    records,
    requests,
    story,
    threats,
    webhooks,
)

admin.site.site_header = "DOJ Request Tracker"
admin.site.site_title = "DOJ Request Tracker admin"
admin.site.index_title = "Records"
# The sidebar repeats the index and takes 276 px of a 1280 px window, which the request list
# needs for its columns.
admin.site.enable_nav_sidebar = False
# The index adds a "Data in and out" box (the spreadsheet import) for editors.
admin.site.index_template = "admin/tracker_index.html"

__all__ = [
    "campaigns",
    "courts",
    "grounds",
    "mail",
    "records",
    "requests",
    "story",
    "threats",
    "webhooks",
]
