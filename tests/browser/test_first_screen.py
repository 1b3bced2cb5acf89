"""The story at first sight, in a real browser on the demo data: without scrolling, at 1280x900
and at 375x800, the dashboard names the newest campaign, its deadline and how many counties
answered; every page fits a phone (the pages the menu leads to and the admin's index too)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from requests_tracker.models import Campaign, Case
from tests.browser.pages import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

# The text of every element that is at least partly on the first screen.
FIRST_SCREEN_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.height > 0 && box.top < window.innerHeight && box.bottom > 0) seen.push(node.data);
  }
  return seen.join(' ').replace(/\\s+/g, ' ');
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")
    UserFactory(username="reporter", role="journalist")
    UserFactory(username="desk-editor", role="editor", is_staff=True)
    return Campaign.objects.order_by("-issued_on", "-pk").first()


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 800)])
def test_the_first_screen_names_the_newest_campaign_its_deadline_and_the_answers(
    browser_page, demo, width, height
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, "reporter")
    shown = page.evaluate(FIRST_SCREEN_TEXT)
    answered = demo.requests.exclude(first_answer_on=None).count()
    assert demo.title in shown
    assert f"due {demo.due_on:%B} {demo.due_on.day}, {demo.due_on.year}" in shown
    assert f"{answered} of {demo.requests.count()} answered" in shown
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_menus_pages_and_the_admin_index_fit_a_phone(browser_page, demo):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "desk-editor")
    paths = [
        "/campaigns/",
        "/cases/",
        Case.objects.order_by("pk").first().get_absolute_url(),
        "/map/",
        "/map/CA/",
        "/corrections/",
        "/grounds/sb-54/",
        "/inbox/",
        "/admin/",
    ]
    widths = {}
    for path in paths:
        page.goto(path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(paths, 375)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    page.wait_for_url("**/campaigns/")
    listed = page.locator("main").inner_text()
    assert all(title in listed for title in Campaign.objects.values_list("title", flat=True))
