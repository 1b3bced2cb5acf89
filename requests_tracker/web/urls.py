"""The journalists' pages, the Atom feed and the badges, at the site's root."""

from django.urls import path, re_path

from requests_tracker.presentation import badges
from requests_tracker.presentation.feeds import (
    ActivityFeed,
    CampaignFeed,
    CountyFeed,
    RequestFeed,
    WatchesFeed,
)
from requests_tracker.security.feed_tokens import TOKEN_PATTERN
from requests_tracker.web import (
    bulk,
    campaigns,
    cases,
    embargo,
    grounds,
    history,
    inbox,
    maps,
    people,
    search,
    sources,
    views,
    watches,
)

PRIVATE = rf"^feeds/private/(?P<token>{TOKEN_PATTERN})/"

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
    *(
        path(
            f"{kind}s/<int:pk>/history/", history.record_history, {"kind": kind}, f"{kind}_history"
        )
        for kind in history.HISTORIES
    ),
    path("figures/<int:pk>/", history.figure_detail, name="figure_detail"),
    path("embargo/<str:kind>/<int:pk>/", embargo.hold, name="embargo_hold"),
    path("embargo/<str:kind>/<int:pk>/lift/", embargo.lift, name="embargo_lift"),
    path("embargo/<str:kind>/<int:pk>/preview/", embargo.make_preview_link, name="embargo_link"),
    path("preview/<str:token>/", embargo.preview, name="embargo_preview"),
    path("corrections/", history.correction_list, name="correction_list"),
    path("corrections/feed.atom", history.CorrectionsFeed(), name="corrections_feed"),
    path("search/", search.search_page, name="search"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/bulk/", bulk.campaign_bulk, name="campaign_bulk"),
    path(
        "campaigns/<int:pk>/comparison.csv",
        campaigns.comparison_csv_download,
        name="campaign_comparison_csv",
    ),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("grounds/", grounds.ground_list, name="ground_list"),
    path("grounds/<slug:slug>/", grounds.ground_detail, name="legal_ground"),
    path("people/<slug:slug>/", people.person_detail, name="person_detail"),
    path("jurisdictions/<slug:slug>/", people.jurisdiction_detail, name="jurisdiction_detail"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/<int:pk>/", inbox.inbox_message, name="inbox_message"),
    path("inbox/<int:pk>/accept/", inbox.accept_message, name="inbox_accept"),
    path("inbox/<int:pk>/assign/", inbox.assign_message, name="inbox_assign"),
    path("inbox/<int:pk>/dismiss/", inbox.dismiss_message, name="inbox_dismiss"),
    path("sources/<int:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<int:pk>/file", sources.source_file, name="source_file"),
    path("feeds/activity.atom", ActivityFeed(), name="activity_feed"),
    re_path(r"^feeds/counties/(?P<fips>\d{5})\.atom$", CountyFeed(), name="county_feed"),
    path("feeds/campaigns/<int:pk>.atom", CampaignFeed(), name="campaign_feed"),
    path("feeds/requests/<int:pk>.atom", RequestFeed(), name="request_feed"),
    re_path(PRIVATE + r"activity\.atom$", ActivityFeed(), name="private_activity_feed"),
    re_path(PRIVATE + r"watches\.atom$", WatchesFeed(), name="private_watches_feed"),
    re_path(PRIVATE + r"counties/(?P<fips>\d{5})\.atom$", CountyFeed(), name="private_county_feed"),
    re_path(
        PRIVATE + r"campaigns/(?P<pk>\d+)\.atom$", CampaignFeed(), name="private_campaign_feed"
    ),
    re_path(PRIVATE + r"requests/(?P<pk>\d+)\.atom$", RequestFeed(), name="private_request_feed"),
    re_path(
        PRIVATE + r"corrections\.atom$",
        history.CorrectionsFeed(),
        name="private_corrections_feed",
    ),
    path("watches/", watches.my_watches, name="my_watches"),
    path("watches/add/", watches.add_watch, name="add_watch"),
    path("watches/<int:pk>/", watches.change_watch, name="change_watch"),
    path("watches/<int:pk>/stop/", watches.stop_watch, name="stop_watch"),
    path("watches/feed-token/", watches.new_feed_token, name="new_feed_token"),
    re_path(r"^badges/(?P<fips>\d{5})\.svg$", badges.county_badge, name="county_badge"),
    path("map/", maps.map_index, name="map_index"),
    re_path(r"^map/(?P<state>[A-Za-z]{2})/$", maps.state_map, name="state_map"),
    re_path(r"^embed/map/(?P<state>[A-Z]{2})\.svg$", maps.embed_map, name="embed_map"),
    re_path(r"^embed/map/(?P<state>[A-Z]{2})/$", maps.embed_map_page, name="embed_map_page"),
    re_path(
        r"^embed/campaigns/(?P<pk>\d+)/map/(?P<state>[A-Z]{2})/$",
        maps.embed_map_page,
        name="embed_campaign_map_page",
    ),
    re_path(
        r"^embed/campaigns/(?P<pk>\d+)/map/(?P<state>[A-Z]{2})\.svg$",
        maps.embed_map,
        name="embed_campaign_map",
    ),
]
