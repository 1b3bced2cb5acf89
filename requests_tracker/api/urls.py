"""/api/: version 1 of the API, its OpenAPI schema and the Swagger UI (served locally)."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter, Route

from requests_tracker.api import errors, views

app_name = "api"


class TrackerRouter(DefaultRouter):
    """The router, with stats/ (a single view, not a resource) listed on the API root, and
    each list's CSV at `<list>.csv` (the `export_csv` action of views/base.py's ListAction)."""

    routes = [
        Route(
            url=r"^{prefix}\.csv$",
            mapping={"get": "export_csv"},
            name="{basename}-csv",
            detail=False,
            initkwargs={"suffix": "CSV"},
        ),
        *DefaultRouter.routes,
    ]

    def get_api_root_view(self, api_urls: Any = None) -> Any:
        root = {
            prefix: self.routes[0].name.format(basename=basename)
            for prefix, _, basename in self.registry
        }
        root["stats"] = "stats"
        return self.APIRootView.as_view(api_root_dict=root)


router = TrackerRouter()
router.include_format_suffixes = False
router.register("counties", views.CountyViewSet, basename="county")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("requests", views.DataRequestViewSet, basename="request")
router.register("responses", views.ResponseViewSet, basename="response")
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("sources", views.SourceViewSet, basename="source")
router.register("figures", views.ReportedFigureViewSet, basename="figure")
router.register("cases", views.CaseViewSet, basename="case")
router.register("docket-entries", views.DocketEntryViewSet, basename="docket-entry")
router.register("threats", views.ThreatViewSet, basename="threat")
router.register("legal-grounds", views.LegalGroundViewSet, basename="legal-ground")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("people", views.PersonViewSet, basename="person")
router.register("press-answers", views.PressAnswerViewSet, basename="press-answer")
router.register("activity", views.ActivityViewSet, basename="activity")
router.register("webhooks", views.WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = [
    path("v1/stats/", views.StatsView.as_view(), name="stats"),
    path("v1/", include(router.urls)),
    # The description of the API is public, whatever TRACKER_PUBLIC says: it holds no records.
    path(
        "schema/",
        SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]),
        name="schema",
    ),
    path(
        "docs/",
        # The split view serves its start-up script as a file: no inline script for the CSP.
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            template_name="api/swagger_ui.html",
            permission_classes=[AllowAny],
            authentication_classes=[],
        ),
        name="docs",
    ),
    re_path(r"^[\s\S]*$", errors.not_found),
]
