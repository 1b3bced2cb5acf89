"""The embargo action every embargoable resource offers: POST to hold, DELETE to lift."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from requests_tracker import services
from requests_tracker.api.serializers.embargo import EmbargoSerializer
from requests_tracker.api.views.base import etag_for


class EmbargoAction:
    """`/{id}/embargo/`: POST holds the record (set_embargo), DELETE lifts it (lift_embargo);
    both answer the record as a GET shows it. Whoever may edit the record may do either; anyone
    else gets 403, and a reader who may not meet a held record gets 404, as for any id."""

    @extend_schema(
        methods=["POST"],
        description="Hold the record back until a time, or until lifted (journalists on their "
        "own entries, editors on any).",
        request=EmbargoSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        description="Lift the embargo now: the record is published, its events reach the feeds "
        "and webhooks, and what it changes takes effect.",
        request=None,
    )
    @action(detail=True, methods=["post", "delete"], url_path="embargo")
    def embargo(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        if request.method == "DELETE":
            services.lift_embargo(record=instance, actor=self.actor())
        else:
            incoming = EmbargoSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            services.set_embargo(
                record=instance,
                until=incoming.validated_data["until"],
                reason=incoming.validated_data["reason"],
                actor=self.actor(),
            )
        data = self.representation(self.read_back(instance))
        return Response(data, headers={"ETag": etag_for(data)})
