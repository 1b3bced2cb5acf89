"""A stand-in for CourtListener's REST API v4 on 127.0.0.1, for tests and for a worker under test.

It answers recorded JSON (tests/courts/recorded/) by method, path and query, keeps every request
it got in `received`, and can be told to answer a route with 429 (and a Retry-After) or 503 for
its first N calls:

    with StandIn(recorded_routes()) as server:
        server.fail_first("GET", DOCKET, times=2, status=429, retry_after=7)
        api = CourtListener(server.url, "token", min_interval=0)  # server.url ends in /api/rest/v4/

A route is ("GET", "/api/rest/v4/docket-entries/?docket=1"): a request matches it when the path is
the same and the route's query parameters are all among the request's (in any order); the route
naming the most parameters wins. Answers are JSON (a dict or list, 200), raw bytes, or an Answer;
in JSON, CourtListener's own API address is rewritten to the stand-in's, so `next` pages come back
here. Anything else is 404.

As a script it serves the recorded answers until stopped (SIGTERM or Ctrl-C), printing its base
address as the first line of its output:

    python -m tests.courts.standin --port 8765 [--fail GET /api/rest/v4/dockets/90412377/ 503 2]
        [--log requests.jsonl]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API = "/api/rest/v4/"
REAL_API = "https://www.courtlistener.com/api/rest/v4/"
RECORDED = Path(__file__).resolve().with_name("recorded")


def recorded(name: str) -> Any:
    """A recorded answer, as CourtListener's addresses give it (not rewritten)."""
    return json.loads((RECORDED / name).read_text())


DOCKET_ID: int = recorded("docket.json")["id"]
ALERT_ID: int = recorded("docket-alert-created.json")["id"]
DOCKET = f"{API}dockets/{DOCKET_ID}/"
ENTRIES = f"{API}docket-entries/?docket={DOCKET_ID}"
NEXT_PAGE = urlsplit(recorded("docket-entries-page-1.json")["next"])
ENTRIES_PAGE_2 = f"{ENTRIES}&cursor={dict(parse_qsl(NEXT_PAGE.query))['cursor']}"
ALERTS = f"{API}docket-alerts/"
SEARCH = f"{API}search/?type=r"


@dataclass(frozen=True)
class Answer:
    body: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))


def recorded_routes() -> dict[tuple[str, str], Any]:
    """The recorded case: its docket, two pages of entries, a docket alert, a search."""
    return {
        ("GET", DOCKET): recorded("docket.json"),
        ("GET", ENTRIES): recorded("docket-entries-page-1.json"),
        ("GET", ENTRIES_PAGE_2): recorded("docket-entries-page-2.json"),
        ("POST", ALERTS): Answer(recorded("docket-alert-created.json"), status=201),
        ("DELETE", f"{ALERTS}{ALERT_ID}/"): Answer(status=204),
        ("GET", SEARCH): recorded("search-recap.json"),
    }


def _split(target: str) -> tuple[str, frozenset[tuple[str, str]]]:
    parts = urlsplit(target)
    return parts.path, frozenset(parse_qsl(parts.query, keep_blank_values=True))


class StandIn:
    def __init__(
        self,
        routes: Mapping[tuple[str, str], Any] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Path | None = None,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("The stand-in listens on a loopback address only.")
        self.routes: dict[tuple[str, str], Any] = dict(routes or {})
        self.received: list[Received] = []
        self.log = log
        self._faults: dict[tuple[str, str], list[Any]] = {}
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = stand_in.respond(
                    self.command, self.path, dict(self.headers.items()), body
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = do_HEAD = answer

            def log_message(self, format: str, *args: object) -> None:  # keep output quiet
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The API's base address, like https://www.courtlistener.com/api/rest/v4/."""
        return self.origin + API

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def fail_first(
        self,
        method: str,
        target: str,
        *,
        times: int,
        status: int = 503,
        retry_after: int | None = None,
    ) -> None:
        """Answer the route (method, target) with `status` for its next `times` calls."""
        if (method, target) not in self.routes:
            raise KeyError(f"No route {method} {target}")
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        with self._lock:
            self._faults[(method, target)] = [times, status, headers]

    def route_for(self, method: str, target: str) -> tuple[str, str] | None:
        path, query = _split(target)
        best, best_size = None, -1
        for route_method, route_target in self.routes:
            route_path, route_query = _split(route_target)
            fits = route_method == method and route_path == path and route_query <= query
            if fits and len(route_query) > best_size:
                best, best_size = (route_method, route_target), len(route_query)
        return best

    def respond(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        received = Received(method, target, headers, body)
        with self._lock:
            self.received.append(received)
            route = self.route_for(method, target)
            fault = self._faults.get(route) if route else None
            if fault and fault[0] > 0:
                fault[0] -= 1
                answer = Answer({"detail": "The stand-in was told to fail."}, fault[1], fault[2])
            elif route is None:
                answer = Answer({"detail": "Not found."}, status=404)
            else:
                answer = self.routes[route]
            if self.log is not None:
                with self.log.open("a") as log:
                    line = {"method": method, "path": target, "headers": headers}
                    log.write(json.dumps({**line, "body": body.decode(errors="replace")}) + "\n")
        if not isinstance(answer, Answer):
            answer = Answer(answer)
        if answer.body is None:
            return answer.status, dict(answer.headers), b""
        if isinstance(answer.body, bytes):
            payload = answer.body
        else:
            payload = json.dumps(answer.body).replace(REAL_API, self.url).encode()
        return answer.status, {"Content-Type": "application/json", **answer.headers}, payload


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the recorded CourtListener answers.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument(
        "--fail",
        nargs=4,
        action="append",
        default=[],
        metavar=("METHOD", "TARGET", "STATUS", "TIMES"),
        help="answer a route with STATUS (429 or 503) for its first TIMES calls",
    )
    parser.add_argument("--retry-after", type=int, default=None, help="Retry-After of a 429")
    parser.add_argument("--log", type=Path, default=None, help="append each request (JSON lines)")
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with StandIn(recorded_routes(), host=args.host, port=args.port, log=args.log) as server:
        for method, target, status, times in args.fail:
            retry_after = args.retry_after if status == "429" else None
            server.fail_first(
                method, target, times=int(times), status=int(status), retry_after=retry_after
            )
        print(server.url, flush=True)
        try:
            while not stop.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
    sys.stdout.flush()


if __name__ == "__main__":
    main()
