"""The map embed as a story uses it: the snippet the map page offers, pasted into a page of
another site (another origin), shows the map in its `<iframe>`, fits a 320 px column with a
legend that stays readable, and a county opens its page in the story's window, not the frame."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from html import unescape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import sign_in
from tests.browser.test_map import california_with_requests  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def story_site() -> Iterator[dict]:
    """A newspaper's site on another origin (127.0.0.1 on its own port), serving one story page
    whose HTML the test sets."""
    story = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            body = story["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    story["url"] = f"http://127.0.0.1:{server.server_address[1]}/story.html"
    try:
        yield story
    finally:
        server.shutdown()
        server.server_close()


def test_the_snippet_of_the_map_page_embeds_the_map_in_a_story_of_another_site(
    browser_page,
    california_with_requests,  # noqa: F811
    story_site,
    live_server,
    settings,
):
    settings.TRACKER_PUBLIC = True
    settings.SITE_URL = live_server.url.replace("127.0.0.1", "localhost")
    page = browser_page
    sign_in(page, "reporter", "/map/CA/", via_login_page=True)
    page.locator("details.embed-snippet summary").first.click()
    snippet = unescape(page.locator("textarea.embed-snippet__code").first.input_value())
    assert snippet.startswith("<iframe src=") and "/embed/map/CA/" in snippet
    assert urlsplit(settings.SITE_URL).netloc != urlsplit(story_site["url"]).netloc

    story_site["html"] = (
        "<!doctype html><html lang=en><head><meta name=viewport content='width=device-width'>"
        "<title>Story</title></head><body style='margin:0'><div style='width:320px'>"
        f"{snippet}</div></body></html>"
    )
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(story_site["url"])
    frame = page.frame_locator("iframe")
    frame.locator("svg.county-map path[data-fips]").first.wait_for()
    assert frame.locator("svg.county-map path[data-fips]").count() == 58

    inside = page.frames[1]
    assert inside.evaluate("document.documentElement.scrollWidth") <= 320
    legend_px = inside.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.map-legend li')).fontSize)"
    )
    assert legend_px >= 14, f"legend text {legend_px}px"
    link = frame.locator('svg.county-map a[href$="/counties/06037/"]')
    assert link.get_attribute("target") == "_top"
