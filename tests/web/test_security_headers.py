"""Every HTML page, found by walking the URL conf, carries a Content-Security-Policy that allows
no inline script and a Permissions-Policy; the page holds no inline script or style the policy
would block. (tests/browser/test_content_security_policy.py checks the same in Chromium.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from requests_tracker import selectors, services
from requests_tracker.services import courts as court_services
from requests_tracker.web.embargo import preview_token
from tests.factories import AgencyFactory, CountyFactory, UserFactory

pytestmark = pytest.mark.django_db

# URL names whose pages are JSON, CSV, XML or SVG, or that only take POST: still walked (every
# answer gets the headers) but not required to be HTML.
NOT_PAGES = {
    "healthz",
    "logout",
    "web:activity_feed",
    "web:county_badge",
    "web:log_response",
    "web:file_escalation",
    "web:add_source",
    "web:add_watch",
    "web:change_watch",
    "web:stop_watch",
    "web:new_feed_token",
    "web:campaign_comparison_csv",
    "web:county_feed",
    "web:campaign_feed",
    "web:request_feed",
    "web:private_activity_feed",
    "web:private_watches_feed",
    "web:private_county_feed",
    "web:private_campaign_feed",
    "web:private_request_feed",
    "web:corrections_feed",
    "web:private_corrections_feed",
    "web:embed_map",
    "web:embed_campaign_map",
    "web:source_file",
    "courtlistener_webhook",
    "web:embargo_hold",
    "web:embargo_lift",
    "web:embargo_link",
}


def url_names() -> Iterator[tuple[str, str]]:
    """(route, name) of every named pattern outside the admin and the JSON API."""

    def walk(patterns, prefix: str = "", namespace: str | None = None):  # noqa: ANN001, ANN202
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield prefix + str(pattern.pattern), name

    for route, name in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or (name.startswith("api:") and name != "api:docs"):
            continue
        yield route, name


@pytest.fixture
def newsroom(editor):
    county = CountyFactory(name="Riverside County", fips="06065")
    campaign = services.issue_campaign(
        title="July 2025 letters",
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 7, 17),
        counties=[county],
        due_basis="calendar_days",
        due_days=30,
        data_sought=["noncitizen_roster"],
        legal_authority="8 U.S.C. 1373",
        actor=editor,
        today=dt.date(2025, 7, 18),
    )
    request = campaign.requests.get()
    case = court_services.open_case(
        title="United States v. Riverside County",
        court="C.D. Cal.",
        docket_number="5:25-cv-01234",
        filed_on=dt.date(2025, 9, 2),
        counties=[county],
        requests=[request],
        actor=editor,
    )
    return {"county": county, "campaign": campaign, "request": request, "case": case}


def concrete_url(name: str, newsroom: dict, user) -> str:  # noqa: ANN001
    """`name` reversed with a real record for each of its parameters."""
    from requests_tracker.models import ReportedFigure, Source, Watch
    from tests.factories import record_detainer_figure

    source = Source.objects.get_or_create(title="Letter", url="https://doj.example/l")[0]
    figure = ReportedFigure.objects.first() or record_detainer_figure(
        county=newsroom["county"], source=source
    )
    records = {
        "request": newsroom["request"].pk,
        "escalation": newsroom["request"].pk,
        "response": newsroom["request"].pk,
        "source": source.pk,
        "figure": figure.pk,
        "watch": Watch.objects.get_or_create(user=user, county=newsroom["county"])[0].pk,
        "campaign": newsroom["campaign"].pk,
        "case": newsroom["case"].pk,
    }
    pattern = next(p for route, p_name in url_names() if p_name == name for p in [route])
    kwargs: dict[str, object] = {}
    if "<int:pk>" in pattern or "(?P<pk>" in pattern:
        kind = next((k for k in records if k in name), "request")
        kwargs["pk"] = records[kind]
    if "(?P<fips>" in pattern:
        kwargs["fips"] = newsroom["county"].fips
    if "(?P<state>" in pattern:
        kwargs["state"] = "CA"
    if "<slug:slug>" in pattern:
        kwargs["slug"] = "sb-54"
    if "<str:secret>" in pattern:
        kwargs["secret"] = "not-the-secret"
    if "<str:kind>" in pattern:
        kwargs["kind"] = "request"
    if "<str:token>" in pattern:
        kwargs["token"] = preview_token("request", newsroom["request"].pk)
    if "(?P<token>" in pattern:
        kwargs["token"] = selectors.private_feed_token(user)
    if name == "password_reset_confirm":
        kwargs = {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    return reverse(name, kwargs=kwargs)


def admin_urls() -> Iterator[str]:
    """Every registered model's list, add form, and change form and history of one row."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="walker", is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_add".format(*info))
        first = model_admin.get_queryset(request).first()
        if first is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[first.pk])
            yield reverse("admin:{}_{}_history".format(*info), args=[first.pk])
    yield reverse("admin:index")
    yield reverse("tracker_import:sheet")
    yield reverse("admin:password_change")


def policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {words[0]: words[1:] for words in directives}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>", re.I)
INLINE_STYLE = re.compile(r"<style(?P<attrs>[^>]*)>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=\s*\"(?P<style>[^\"]*)\"", re.I)
# django-simple-history's history list styles one paragraph inline; the policy blocks it and the
# paginator merely keeps its top border. Nothing else may rely on style attributes.
BLOCKED_COSMETIC_STYLES = {"border-top: 0"}
DATA_SCRIPT_TYPES = ("application/json", "application/ld+json", "text/template")


def assert_protected(url: str, response) -> None:  # noqa: ANN001
    directives = policy(response)
    assert directives, f"{url}: no Content-Security-Policy"
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts and set(scripts) <= {"'self'", "'none'"} | {
        word for word in scripts if word.startswith("'nonce-")
    }, f"{url}: scripts from {scripts}"
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions, f"{url}: Permissions-Policy lacks {feature}"
    if "text/html" not in response.headers.get("Content-Type", ""):
        return  # a feed, a badge, JSON: no page to frame or to inject into
    assert directives["object-src"] == ["'none'"], url
    if url.startswith("/embed/") and response.status_code == 200:
        # Embed pages are made to be framed by stories: their own list, no X-Frame-Options.
        assert directives["frame-ancestors"] == django_settings.EMBED_FRAME_ANCESTORS, url
        assert "X-Frame-Options" not in response.headers, url
    else:
        assert directives["frame-ancestors"] == ["'none'"], url
        assert response.headers.get("X-Frame-Options") == "DENY", url
    page = response.content.decode()
    nonces = {word[len("'nonce-") : -1] for word in scripts if word.startswith("'nonce-")}
    for match in INLINE_SCRIPT.finditer(page):
        attrs = match["attrs"]
        if any(kind in attrs for kind in DATA_SCRIPT_TYPES):
            continue  # data, not code: the browser does not run it
        assert any(f'nonce="{nonce}"' in attrs for nonce in nonces), f"{url}: inline <script>"
    styles = directives.get("style-src", directives.get("default-src"))
    style_nonces = {word[len("'nonce-") : -1] for word in styles if word.startswith("'nonce-")}
    for match in INLINE_STYLE.finditer(page):
        assert any(f'nonce="{nonce}"' in match["attrs"] for nonce in style_nonces), (
            f"{url}: inline <style>"
        )
    assert not EVENT_HANDLER.search(page), f"{url}: inline event handler"
    for match in STYLE_ATTRIBUTE.finditer(page):
        assert match["style"] in BLOCKED_COSMETIC_STYLES, f"{url}: style attribute {match[0]}"


def test_every_page_carries_the_policies(newsroom, editor, settings):
    settings.WHITENOISE_USE_FINDERS = True
    signed_in = Client()
    signed_in.force_login(editor)
    html_pages = 0
    for _route, name in url_names():
        url = concrete_url(name, newsroom, editor)
        for client in (signed_in, Client()):
            response = client.get(url, follow=False)
            assert response.status_code < 500, f"{url}: {response.status_code}"
            assert_protected(url, response)
            if name not in NOT_PAGES and response.status_code == 200:
                html_pages += 1
                assert "text/html" in response.headers["Content-Type"], url
    assert html_pages >= 20


def test_every_admin_page_carries_the_policies(newsroom, admin_client):
    visited = 0
    for url in admin_urls():
        response = admin_client.get(url)
        assert response.status_code in {200, 302, 403}, f"{url}: {response.status_code}"
        assert_protected(url, response)
        visited += 1
    assert visited >= 30


def test_the_lockout_page_and_the_api_docs_carry_the_policies(db, settings):
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/api/docs/")
    assert_protected("/api/docs/", response)
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert "javascript" in script.headers["Content-Type"]
    user = UserFactory(username="reporter", role="journalist")
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        locked = Client().post(
            "/accounts/login/", {"username": user.username, "password": f"guess-{attempt}"}
        )
    assert locked.status_code == 429
    assert_protected("lockout page", locked)
