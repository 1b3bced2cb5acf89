"""The bench's Django-side steps, run in a separate process against one benchmark database.

`python -m bench.probe STEP [--today YYYY-MM-DD] [--share 0.1]` with DATABASE_URL set prints one
JSON object on standard output:

- `prepare`: signs in a user of the viewer role (created once) and gives its session cookie, the
  request and campaign whose pages are measured, and what the database holds;
- `queries`: every endpoint requested once in-process, with its status and SQL statement count;
- `editor`: an API token of a user of the editor role (created once), and requests to log
  responses on (bench/busy.py's writer);
- `flag-date`: the day on which flag_overdue would newly flag about `--share` of all requests;
- `flag`: one services.flag_overdue pass as of `--today`, timed, inside a transaction that is
  rolled back (the database is left as it was), with this process's peak memory;
- `hand`: the floor for that pass, one hand-written statement that sets the same flags and writes
  the same Activity rows, timed and rolled back the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from typing import Any

from bench.endpoints import ENDPOINTS, Endpoint

VIEWER = "bench-viewer"
EDITOR = "bench-editor"


def prepare() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from requests_tracker.models import Activity, Campaign, DataRequest, Escalation, Response

    user, created = get_user_model().objects.get_or_create(username=VIEWER)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name="viewer"))
    client = Client()
    client.force_login(user)
    return {
        "cookie": f"sessionid={client.cookies['sessionid'].value}",
        **subjects(),
        "data": {
            "requests": DataRequest.objects.count(),
            "responses": Response.objects.count(),
            "escalations": Escalation.objects.count(),
            "activity": Activity.objects.count(),
            "campaigns": Campaign.objects.count(),
            "overdue": DataRequest.objects.filter(overdue_since__isnull=False).count(),
        },
    }


def editor() -> dict[str, Any]:
    """The writer of bench/busy.py: an editor's API token, and up to 200 requests spread over
    the table (every n-th by id) to log responses on."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from requests_tracker.models import DataRequest

    user, created = get_user_model().objects.get_or_create(username=EDITOR)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name="editor"))
    token, _ = Token.objects.get_or_create(user=user)
    count = DataRequest.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM requests_tracker_datarequest WHERE id %% %s = 0 ORDER BY id LIMIT 200",
            [max(count // 200, 1)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return {"token": token.key, "request_ids": ids}


def subjects() -> dict[str, int]:
    """The request and campaign whose pages are measured: a request in the middle of the table
    that has answers (so its timeline is not empty), and the campaign it belongs to."""
    from requests_tracker.models import DataRequest, Response

    answered = Response.objects.order_by("request_id").values_list("request_id", flat=True)
    count = answered.count()
    if count:
        request_id = answered[count // 2]
    else:
        request_id = DataRequest.objects.order_by("id").values_list("id", flat=True).first()
    campaign_id = DataRequest.objects.filter(pk=request_id).values_list("campaign_id", flat=True)
    return {"request_id": request_id, "campaign_id": campaign_id.first()}


def count_queries(client: Any, endpoints: list[Endpoint], ids: dict[str, int]) -> dict[str, Any]:
    """Each endpoint requested once through `client`: its status and how many SQL statements
    it ran, computed from nothing kept (the page cache off: what a page costs after a write),
    counted with an execute wrapper, so DEBUG's capped query log plays no part."""
    from django.db import connection
    from django.test import override_settings

    counts: dict[str, Any] = {}
    for endpoint in endpoints:
        statements = 0

        def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
            nonlocal statements
            statements += 1
            return execute(sql, params, many, context)

        with override_settings(PAGE_CACHE_SECONDS=0), connection.execute_wrapper(count):
            response = client.get(endpoint.url(**ids))
        counts[endpoint.key] = {"status": response.status_code, "queries": statements}
    return counts


def queries() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=VIEWER))
    return count_queries(client, ENDPOINTS, subjects())


def flag_date(share: float) -> dict[str, Any]:
    """The day on which about `share` of all requests would newly turn overdue."""
    from django.db.models import Count

    from requests_tracker import workflow
    from requests_tracker.models import DataRequest

    total = DataRequest.objects.count()
    waiting = (
        DataRequest.objects.filter(status__in=workflow.WAITING_STATUSES, overdue_since__isnull=True)
        .values_list("due_on")
        .annotate(n=Count("id"))
        .order_by("due_on")
    )
    best: tuple[float, dt.date, int] | None = None
    newly = 0
    for due_on, n in waiting:
        newly += n
        today = workflow.first_overdue_day(due_on)
        candidate = (abs(newly / total - share), today, newly)
        if best is None or candidate[0] < best[0]:
            best = candidate
    if best is None:
        raise SystemExit("No waiting request to flag: seed the database first.")
    return {"today": best[1].isoformat(), "requests_newly_overdue": best[2], "of": total}


def _timed_and_rolled_back(run: Any) -> tuple[float, Any]:
    from django.db import transaction

    with transaction.atomic():
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, result


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def flag(today: dt.date) -> dict[str, Any]:
    from requests_tracker import services

    before = _peak_rss_mb()
    seconds, result = _timed_and_rolled_back(lambda: services.flag_overdue(today=today))
    return {
        "seconds": seconds,
        "requests_flagged": result.requests_flagged,
        "requests_cleared": result.requests_cleared,
        "escalations_flagged": result.escalations_flagged,
        "escalations_cleared": result.escalations_cleared,
        "peak_rss_mb_before": before,
        "peak_rss_mb": _peak_rss_mb(),
    }


HAND_WRITTEN_FLAG = """
WITH flagged AS (
    UPDATE requests_tracker_datarequest SET overdue_since = due_on + 1, updated_at = %(now)s
    WHERE status = ANY(%(waiting)s) AND due_on < %(today)s AND overdue_since IS NULL
    RETURNING id, county_id, campaign_id, due_on
), escalated AS (
    UPDATE requests_tracker_escalation e SET overdue_since = e.due_on + 1, updated_at = %(now)s
    FROM requests_tracker_datarequest r
    WHERE r.id = e.request_id AND e.status = 'open' AND e.due_on < %(today)s
      AND e.overdue_since IS NULL
    RETURNING e.id, e.request_id, e.kind, e.due_on, r.county_id, r.campaign_id
), logged AS (
    INSERT INTO requests_tracker_activity
        (created_at, occurred_on, verb, request_id, county_id, campaign_id, escalation_id, summary,
         data)
    SELECT %(now)s, f.due_on + 1, 'became_overdue', f.id, f.county_id, f.campaign_id, NULL,
           c.name || ', ' || c.state || ': response overdue since ' || (f.due_on + 1)::text,
           jsonb_build_object('overdue_since', (f.due_on + 1)::text)
    FROM flagged f JOIN requests_tracker_county c ON c.id = f.county_id
    UNION ALL
    SELECT %(now)s, e.due_on + 1, 'became_overdue', e.request_id, e.county_id, e.campaign_id, e.id,
           c.name || ', ' || c.state || ': escalation overdue since ' || (e.due_on + 1)::text,
           jsonb_build_object('overdue_since', (e.due_on + 1)::text, 'kind', e.kind)
    FROM escalated e JOIN requests_tracker_county c ON c.id = e.county_id
    RETURNING escalation_id
)
SELECT count(*) FILTER (WHERE escalation_id IS NULL),
       count(*) FILTER (WHERE escalation_id IS NOT NULL)
FROM logged
"""


def hand(today: dt.date) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from requests_tracker import workflow

    def run() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                HAND_WRITTEN_FLAG,
                {
                    "now": timezone.now(),
                    "today": today,
                    "waiting": sorted(map(str, workflow.WAITING_STATUSES)),
                },
            )
            return cursor.fetchone()

    seconds, (requests, escalations) = _timed_and_rolled_back(run)
    return {"seconds": seconds, "requests_flagged": requests, "escalations_flagged": escalations}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "step", choices=["prepare", "queries", "editor", "flag-date", "flag", "hand"]
    )
    parser.add_argument("--today", type=dt.date.fromisoformat)
    parser.add_argument("--share", type=float, default=0.1)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if args.step in ("flag", "hand") and args.today is None:
        parser.error(f"{args.step} needs --today")
    steps = {
        "prepare": prepare,
        "queries": queries,
        "editor": editor,
        "flag-date": lambda: flag_date(args.share),
        "flag": lambda: flag(args.today),
        "hand": lambda: hand(args.today),
    }
    json.dump(steps[args.step](), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
