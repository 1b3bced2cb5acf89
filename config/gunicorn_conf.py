"""gunicorn's settings for the tracker, as the Dockerfile and docker-compose.yml start it:
`gunicorn config.wsgi:application -c config/gunicorn_conf.py`.

From the environment: GUNICORN_BIND (default 0.0.0.0:8000), WEB_CONCURRENCY (workers, default 3),
GUNICORN_TIMEOUT (seconds a request may take, default 300). Access log on stdout.

The timeout is sized for the longest request the app serves: a CSV export of every request at
national scale (1,000,000 rows, about 170 s on a busy two-core machine; docs/operations.md). A
worker still busy past it is killed, and a client reading an export sees a broken body and
fewer rows than the export's X-Row-Count (docs/api.md), never a complete-looking file.

gunicorn names itself in a `Server: gunicorn` header on every answer and has no setting to stop
it; telling every visitor which server (and so which advisories) to try is of no use to anyone
else, so the header is left out here (tests/integration/test_gunicorn.py starts a real gunicorn
with this file and checks).
"""

from __future__ import annotations

import os

from gunicorn.http import wsgi

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
accesslog = "-"
# gunicorn 25+ opens a management socket (reload, resize, stop) in the user's home: nothing here
# uses it, and several instances on one host would share one path.
control_socket_disable = True

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
