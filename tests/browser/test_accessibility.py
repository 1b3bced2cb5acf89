"""Accessibility and findability, measured by the tools outsiders use: axe-core with the WCAG 2.1
A and AA rules finds nothing on any journalists' page, the API docs or the admin's request page
(demo data, at 1280 px and at 375 px), and Lighthouse's SEO audit gives the public dashboard 100.

Both tools come from npm, pinned in tests/browser/tools/package-lock.json and installed there by
`.ci/run` (`npm ci --prefix tests/browser/tools`); the app never loads them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from requests_tracker.models import Campaign, Case, DataRequest, Source
from tests.browser.conftest import CHROMIUM_ARGS, CHROMIUM_PATH
from tests.browser.pages import sign_in
from tests.ci import unavailable
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

TOOLS = Path(__file__).with_name("tools") / "node_modules"
AXE = TOOLS / "axe-core" / "axe.min.js"
LIGHTHOUSE = TOOLS / ".bin" / "lighthouse"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def require(tool: Path) -> None:
    if not tool.exists():
        unavailable(f"{tool.name} is not installed: npm ci --prefix tests/browser/tools")


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")
    UserFactory(username="reporter", role="journalist")
    UserFactory(username="desk-editor", role="editor", is_staff=True)


def journalists_pages() -> list[str]:
    los_angeles = DataRequest.objects.get(county__fips="06037", campaign__isnull=False)
    return [
        "/",
        "/campaigns/",
        Campaign.objects.order_by("-issued_on").first().get_absolute_url(),
        "/counties/",
        los_angeles.county.get_absolute_url(),
        "/requests/",
        los_angeles.get_absolute_url(),
        "/cases/",
        Case.objects.order_by("filed_on").first().get_absolute_url(),
        "/map/",
        "/map/CA/",
        "/search/?q=Los+Angeles",
        Source.objects.order_by("pk").first().get_absolute_url(),
        "/corrections/",
        "/grounds/",
        "/grounds/sb-54/",
        "/watches/",
        "/inbox/",
    ]


def axe_violations(page, path: str, ready: str = "main") -> list[str]:  # noqa: ANN001
    """axe's WCAG 2.1 A/AA violations on `path`, once `ready` (a selector) is on the page: the
    API docs are drawn by script after load, and axe must see what a reader sees."""
    page.goto(path)
    page.locator(ready).first.wait_for()
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(result => result.violations.map(v =>"
        " `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(', ')}`))",
        WCAG_21_AA,
    )
    return [f"{path} {violation}" for violation in found]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_wcag_21_aa_violation_on_any_page(browser_page, live_server, demo, width):
    require(AXE)
    # A context of its own that lets the test inject axe: the pages' policy refuses any script
    # but their own (that refusal is tested in test_content_security_policy.py).
    context = browser_page.context.browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    violations = axe_violations(page, "/accounts/login/", ready="form")
    sign_in(page, "reporter")
    for path in journalists_pages():
        violations += axe_violations(page, path)
    context.clear_cookies()
    sign_in(page, "desk-editor")
    los_angeles = DataRequest.objects.get(county__fips="06037", campaign__isnull=False)
    violations += axe_violations(page, "/api/docs/", ready=".opblock")
    admin_page = f"/admin/requests_tracker/datarequest/{los_angeles.pk}/change/"
    violations += axe_violations(page, admin_page, ready="#content")
    context.close()
    assert violations == [], "\n".join(violations)


def test_lighthouse_gives_the_public_dashboard_an_seo_score_of_100(
    live_server, demo, settings, tmp_path
):
    require(LIGHTHOUSE)
    if not Path(CHROMIUM_PATH).exists() or shutil.which("node") is None:
        unavailable("Lighthouse needs Node and the system Chromium")
    settings.TRACKER_PUBLIC = True
    report = tmp_path / "seo.json"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'chrome'}"])
    run = subprocess.run(
        [
            str(LIGHTHOUSE),
            f"{live_server.url}/",
            "--only-categories=seo",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-path={CHROMIUM_PATH}",
            f"--chrome-flags={flags}",
            "--quiet",
        ],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CHROME_PATH": CHROMIUM_PATH},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(report.read_text())
    seo = result["categories"]["seo"]
    failing = [
        f"{ref['id']}: {result['audits'][ref['id']]['title']}"
        for ref in seo["auditRefs"]
        if ref["weight"] and result["audits"][ref["id"]]["score"] not in (1, None)
    ]
    assert (seo["score"], failing) == (1, [])
