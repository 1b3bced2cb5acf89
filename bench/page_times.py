"""Each page's time computed from scratch, in-process, on a seeded bench database, writing nothing.

    python -m bench.page_times --size 1000000 dashboard campaign county search

The pages of the issue on whole-page speed, requested by Django's test client as a viewer with
the page cache off (PAGE_CACHE_SECONDS=0) and a local-memory cache: one warm-up, then `--runs`
requests; prints the median and the fastest, the statements run and the bytes. The bench
databases are shared and read-only: the session is a signed cookie, the last-login update is
off, and the viewer is created inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.run import app_environment, database_url

PAGES = {
    "dashboard": "/",
    "campaign": "/campaigns/{campaign_id}/",
    "counties": "/counties/",
    "requests": "/requests/",
    "stats": "/api/v1/stats/",
    "map": "/map/CA/",
    "county": "/counties/06037/",
    "request": "/requests/{request_id}/",
    "search": "/search/?q=subpoena",
    "search_la": "/search/?q=Los+Angeles",
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("keys", nargs="*", help=f"of {', '.join(PAGES)} (default: all)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    unknown = set(args.keys) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    keys = args.keys or list(PAGES)

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = "postgres://postgres@127.0.0.1:5432/postgres"
    extra = {"PAGE_CACHE_SECONDS": "0", "CACHE_URL": "locmemcache://"}
    os.environ.update(app_environment(database_url(server, f"bench_{args.size}"), extra))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, update_last_login
    from django.contrib.auth.signals import user_logged_in
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.probe import VIEWER, subjects

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    ids = subjects()
    with transaction.atomic():
        user = get_user_model().objects.create(username=VIEWER)
        user.groups.add(Group.objects.get(name="viewer"))
        client = Client()
        client.force_login(user)
        for key in keys:
            url = PAGES[key].format(**ids)
            response = client.get(url)
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            print(
                f"{key:10s} {url:28s} {response.status_code} "
                f"median {statistics.median(times):7.1f} ms  fastest {min(times):7.1f}  "
                f"statements {len(queries)}  bytes {len(response.content)}",
                flush=True,
            )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
