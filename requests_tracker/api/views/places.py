"""Counties (looked up by FIPS, with their request tallies) and agencies."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from requests_tracker import permissions, selectors, services
from requests_tracker.api import schema, serializers
from requests_tracker.api.views.base import (
    CreateAction,
    ListAction,
    RetrieveAction,
    TrackerViewSet,
    etag_for,
)
from requests_tracker.lists import filters
from requests_tracker.models import Agency, RequestStatus

STATUS_COLUMNS = [
    (f"Requests {label.lower()}", f"requests.by_status.{value}")
    for value, label in RequestStatus.choices
]

COUNTY_COLUMNS = [("County", "county.name"), ("State", "county.state"), ("FIPS", "county.fips")]
"""The CSV columns of the county a record is on."""


@schema.documented(
    list="Counties with how many requests they received, by status, open and overdue.",
    retrieve="One county, by its five-digit FIPS code.",
)
class CountyViewSet(ListAction, RetrieveAction, TrackerViewSet):
    serializer_class = serializers.CountySerializer
    filterset_class = filters.CountyFilter
    lookup_field = "fips"
    lookup_value_regex = r"\d{5}"
    default_ordering = ("state", "name", "id")
    csv_filename = "counties"
    csv_columns = [
        ("FIPS", "fips"),
        ("County", "name"),
        "state",
        "sanctuary_status",
        ("Sanctuary status source", "sanctuary_source.url"),
        ("Requests", "requests.total"),
        ("Open requests", "requests.open"),
        ("Overdue requests", "requests.overdue"),
        *STATUS_COLUMNS,
    ]

    def base_queryset(self) -> QuerySet:
        return selectors.county_tallies()


@schema.documented(
    list="Issuing and responding bodies (DOJ components, sheriffs' departments, ...).",
    retrieve="One agency.",
    create="Register an agency by name and level (journalists); an existing one is returned "
    "as it is, with 200.",
    create_may_return_existing=True,
)
class AgencyViewSet(ListAction, RetrieveAction, CreateAction, TrackerViewSet):
    serializer_class = serializers.AgencySerializer
    write_serializers = {"create": serializers.AgencyCreateSerializer}
    filterset_class = filters.AgencyFilter
    default_ordering = ("name", "id")
    csv_filename = "agencies"
    csv_columns = [("Id", "id"), ("Agency", "name"), "level", ("County FIPS", "county")]
    may_write = staticmethod(permissions.can_create)

    def base_queryset(self) -> QuerySet:
        return selectors.agencies()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        existed = Agency.objects.filter(name=data["name"], level=data["level"]).exists()
        agency = self.perform_service_create(dict(data))
        body = self.representation(self.read_back(agency))
        return Response(
            body,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
            headers={"ETag": etag_for(body)},
        )

    def perform_service_create(self, data: dict[str, Any]) -> Model:
        return services.register_agency(**data)
