"""Public history and corrections: what changed and when for everyone who may read, who only for
editors, the newsroom's internal note only for the newsroom; correction notes on the record's page,
at /corrections/ and in its Atom feed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from requests_tracker import selectors, services
from requests_tracker.models import Correction, ReportedFigure
from tests.admin.pages import unchanged_post
from tests.factories import SourceFactory, UserFactory, record_detainer_figure
from tests.queries import queries_for
from tests.web.conftest import page_of, signed_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 9, 15)
EDITOR_NAME = "m.okafor"
NOTE = "The sheriff's annual report gives 1,095 detainer requests, not 995."
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def corrector(db):
    """An editor's browser signed in to the admin, where corrections are made."""
    return signed_in(UserFactory(username=EDITOR_NAME, is_staff=True, role="editor"))


def correct_in_admin(browser, figure: ReportedFigure, **changes: str) -> None:
    """Edit the figure on its admin page, as an editor does (the edit's history knows who)."""
    change_url = f"/admin/requests_tracker/reportedfigure/{figure.pk}/change/"
    data = unchanged_post(browser.get(change_url))
    data.update(changes)
    assert browser.post(change_url, data).status_code == 302


@pytest.fixture
def corrected_figure(county, journalist, corrector) -> ReportedFigure:
    figure = record_detainer_figure(county=county, source=SourceFactory(), actor=journalist)
    correct_in_admin(corrector, figure, value="1095", correction_note=NOTE)
    return figure


def test_a_figure_correction_shows_on_its_page_the_list_and_the_feed_to_anonymous_readers(
    corrected_figure, anonymous_browser, settings
):
    settings.TRACKER_PUBLIC = True
    correction = Correction.objects.get()

    page = page_of(anonymous_browser.get(corrected_figure.get_absolute_url()))
    note = page.find(id=f"correction-{correction.pk}")
    assert note is not None and NOTE in note.get_text(" ")
    assert "Value from “995” to “1095”" in note.get_text(" ")

    listing = page_of(anonymous_browser.get("/corrections/"))
    row = listing.find(id=f"correction-{correction.pk}")
    assert NOTE in row.get_text(" ")
    assert "“995” → “1095”" in row.get_text(" ")
    link = row.find("a")["href"]
    assert link == f"{corrected_figure.get_absolute_url()}#correction-{correction.pk}"

    feed = anonymous_browser.get("/corrections/feed.atom")
    assert feed.status_code == 200
    entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert NOTE in entries[0].findtext(f"{ATOM}summary")
    assert EDITOR_NAME not in anonymous_browser.get("/corrections/").content.decode()
    assert EDITOR_NAME not in feed.content.decode()


def test_an_anonymous_reader_sees_what_changed_and_when_but_not_who(
    corrected_figure, anonymous_browser, settings
):
    settings.TRACKER_PUBLIC = True
    response = anonymous_browser.get(f"/figures/{corrected_figure.pk}/history/")
    assert response.status_code == 200
    page = page_of(response)
    newest = page.find("li", class_="history__version")
    edited_at = timezone.localtime(corrected_figure.history.latest("history_id").history_date)
    assert newest.find("time")["datetime"] == edited_at.isoformat()
    assert "changed" in newest.find("h2").get_text()
    cells = [td.get_text() for td in newest.find_all("td")]
    assert cells == ["995", "1095"]
    assert NOTE in newest.get_text(" ")
    assert EDITOR_NAME not in response.content.decode()
    assert "journalist" not in response.content.decode()  # who logged it, either


def test_an_editor_sees_who_made_each_version(corrected_figure, corrector):
    page = page_of(corrector.get(f"/figures/{corrected_figure.pk}/history/"))
    whos = [who.get_text() for who in page.find_all(class_="history__who")]
    # Written through the admin, the edit knows its editor; the figure was recorded by a
    # service call with no web request behind it.
    assert whos == [f"by {EDITOR_NAME}", "by a command or scheduled job"]
    assert Correction.objects.get().made_by.get_username() == EDITOR_NAME


def test_the_internal_note_changes_only_in_the_newsrooms_history(
    data_request, editor, anonymous_browser, viewer_browser, settings
):
    settings.TRACKER_PUBLIC = True
    services.update_request(
        data_request=data_request,
        actor=editor,
        internal_note="Ask the PIO",
        today=dt.date(2025, 7, 20),
    )
    url = f"/requests/{data_request.pk}/history/"
    public = anonymous_browser.get(url).content.decode()
    newsroom = viewer_browser.get(url).content.decode()
    assert "Ask the PIO" not in public and "Internal note" not in public
    assert "Ask the PIO" in newsroom
    # The edit that only changed the note is no version at all to the public.
    assert len(page_of(viewer_browser.get(url)).find_all("li", class_="history__version")) == 2
    assert len(page_of(anonymous_browser.get(url)).find_all("li", class_="history__version")) == 1


def test_a_closed_instance_keeps_history_and_corrections_from_anonymous_visitors(
    corrected_figure, anonymous_browser, journalist
):
    for url in (f"/figures/{corrected_figure.pk}/history/", "/corrections/"):
        assert anonymous_browser.get(url).status_code == 302
    assert anonymous_browser.get("/corrections/feed.atom").status_code == 403
    token = selectors.private_feed_token(journalist)
    private = anonymous_browser.get(f"/feeds/private/{token}/corrections.atom")
    assert private.status_code == 200 and NOTE in private.content.decode()


def test_the_request_page_links_each_history_and_shows_each_entrys_correction(
    data_request, editor, viewer_browser
):
    response = services.log_response(
        data_request=data_request,
        kind="acknowledged",
        received_on=dt.date(2025, 7, 20),
        today=TODAY,
    )
    services.update_response(
        response=response,
        actor=editor,
        official="Sheriff Robert Luna",
        today=TODAY,
        correction_note="The letter was signed by the sheriff himself.",
    )
    page = page_of(viewer_browser.get(data_request.get_absolute_url()))
    entry = page.find(id=f"response-{response.pk}")
    assert "signed by the sheriff himself" in entry.find(class_="correction").get_text()
    links = {a["href"] for a in page.find_all("a")}
    assert f"/requests/{data_request.pk}/history/" in links
    assert f"/responses/{response.pk}/history/" in links


def test_a_history_costs_the_same_queries_with_two_versions_as_with_twenty(
    data_request, editor, editor_browser
):
    figure = record_detainer_figure(county=data_request.county, source=SourceFactory())
    url = f"/figures/{figure.pk}/history/"

    def cost() -> int:
        return queries_for(editor_browser, url)

    services.update_figure(figure=figure, actor=editor, value=1, correction_note="One.")
    two = cost()
    for n in range(2, 20):
        services.update_figure(
            figure=figure, actor=editor, value=n, source=SourceFactory(), correction_note=f"{n}."
        )
    assert cost() == two


def test_a_source_marked_sensitive_after_a_correction_is_withheld_from_it_everywhere(
    county, journalist, corrector, editor, anonymous_browser, settings, tmp_path
):
    """A figure's source changed in the admin with a correction note, then the new source marked
    sensitive: anonymous readers no longer read its title in the corrections list, its feed,
    the figure's page or the open-data release; an editor still does."""
    settings.TRACKER_PUBLIC = True
    figure = record_detainer_figure(county=county, source=SourceFactory(), actor=journalist)
    roster = SourceFactory(title="Jail roster obtained by the newsroom")
    correct_in_admin(corrector, figure, source=str(roster.pk), correction_note=NOTE)
    pages = ("/corrections/", "/corrections/feed.atom", figure.get_absolute_url())
    assert all(roster.title in anonymous_browser.get(path).content.decode() for path in pages)

    services.update_source(source=roster, actor=editor, sensitive=True)

    for path in pages:
        assert roster.title not in anonymous_browser.get(path).content.decode(), path
    assert roster.title in corrector.get("/corrections/").content.decode()
    from requests_tracker.exchange import dataset

    dataset.write_release(tmp_path)
    assert roster.title not in (tmp_path / "corrections.csv").read_text()
