"""Following from the pages: any signed-in role watches; My watches changes and stops them; the
feeds of a county, campaign and request; private feed addresses, revocable."""

import datetime as dt
import logging
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from requests_tracker import selectors, services
from requests_tracker.models import FeedToken, Watch
from tests.factories import CountyFactory, make_request

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def entry_titles(response) -> list[str]:
    return [
        e.find(f"{ATOM}title").text for e in ET.fromstring(response.content).iter(f"{ATOM}entry")
    ]


def test_a_viewer_watches_a_request_from_its_page_and_stops_on_my_watches(viewer, data_request):
    client = signed_in(viewer)
    page = client.get(data_request.get_absolute_url()).content.decode()
    assert 'action="/watches/add/"' in page
    answer = client.post(
        "/watches/add/",
        {
            "kind": "request",
            "target": data_request.pk,
            "frequency": "none",
            "next": data_request.get_absolute_url(),
        },
    )
    assert answer.status_code == 302 and answer["Location"] == data_request.get_absolute_url()
    watch = Watch.objects.get(user=viewer)
    assert (watch.request, watch.frequency) == (data_request, Watch.Frequency.NONE)

    listing = client.get("/watches/").content.decode()
    assert str(data_request) in listing
    client.post(f"/watches/{watch.pk}/", {f"w{watch.pk}-frequency": "hourly"})
    assert Watch.objects.get().frequency == Watch.Frequency.HOURLY
    client.post(f"/watches/{watch.pk}/stop/")
    assert not Watch.objects.exists()


def test_watching_needs_a_sign_in_and_never_follows_an_outside_next(viewer, data_request):
    anonymous = Client()
    answer = anonymous.post("/watches/add/", {"kind": "county", "target": data_request.county_id})
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    answer = signed_in(viewer).post(
        "/watches/add/",
        {
            "kind": "county",
            "target": data_request.county_id,
            "frequency": "daily",
            "next": "https://evil.example/",
        },
    )
    assert answer["Location"] == data_request.county.get_absolute_url()


def test_one_users_watch_cannot_be_changed_by_another(viewer, journalist, data_request):
    watch = services.watch(user=viewer, data_request=data_request)
    answer = signed_in(journalist).post(f"/watches/{watch.pk}/stop/")
    assert answer.status_code == 404
    assert Watch.objects.filter(pk=watch.pk).exists()


def test_watches_set_to_none_get_no_email(viewer, data_request, mailoutbox):
    viewer.email = "viewer@news.example"
    viewer.save()
    services.watch(user=viewer, data_request=data_request, frequency=Watch.Frequency.NONE)
    services.log_response(
        data_request=data_request, kind="declined", received_on=dt.date(2025, 8, 1)
    )
    with pytest.raises(ValueError):
        services.send_digests(frequency=Watch.Frequency.NONE)
    for frequency in (Watch.Frequency.DAILY, Watch.Frequency.HOURLY):
        assert services.send_digests(frequency=frequency).emails_sent == 0
    assert mailoutbox == []


def test_county_campaign_and_request_feeds_carry_only_their_events(viewer, data_request):
    other = make_request(county=CountyFactory(name="Riverside County", fips="06065"))
    services.log_response(
        data_request=data_request, kind="declined", received_on=dt.date(2025, 8, 1)
    )
    client = signed_in(viewer)
    county_feed = client.get(f"/feeds/counties/{data_request.county.fips}.atom")
    request_feed = client.get(f"/feeds/requests/{data_request.pk}.atom")
    for feed in (county_feed, request_feed):
        assert feed.status_code == 200
        titles = entry_titles(feed)
        assert "2025-08-01: Los Angeles County, CA: declined (2025-08-01)" in titles
        assert all("Riverside" not in title for title in titles)
    assert any(
        "Riverside" in t for t in entry_titles(client.get(f"/feeds/requests/{other.pk}.atom"))
    )


def test_a_closed_instance_offers_its_users_a_private_feed_that_works_until_revoked(
    viewer, data_request, django_assert_num_queries
):
    client = signed_in(viewer)
    page = client.get(data_request.county.get_absolute_url()).content.decode()
    token = selectors.private_feed_token(viewer)
    private = f"/feeds/private/{token}/counties/{data_request.county.fips}.atom"
    assert private in page, "the page offers the address a feed reader can use"
    assert not FeedToken.objects.exists(), "showing the address writes nothing"
    reader = Client()
    assert reader.get(f"/feeds/counties/{data_request.county.fips}.atom").status_code == 403
    assert reader.get(private).status_code == 200

    client.post("/watches/feed-token/")
    assert reader.get(private).status_code == 404, "revoked"
    new = selectors.private_feed_token(viewer)
    assert new != token
    assert reader.get(private.replace(token, new)).status_code == 200
    forged = f"{viewer.pk}.{'0' * 40}"
    assert reader.get(private.replace(token, forged)).status_code == 404


def test_an_anonymous_403_on_a_closed_feed_logs_no_traceback(db, caplog):
    with caplog.at_level(logging.WARNING):
        answer = Client().get("/feeds/activity.atom")
    assert answer.status_code == 403
    assert b"not public" in answer.content
    assert not [record for record in caplog.records if record.exc_info]


def test_the_badge_is_offered_only_where_it_works(viewer, data_request, settings):
    client = signed_in(viewer)
    path = data_request.county.get_absolute_url()
    assert "/badges/06037.svg" not in client.get(path).content.decode()
    settings.TRACKER_PUBLIC = True
    assert "/badges/06037.svg" in client.get(path).content.decode()


def test_a_refused_page_logs_one_line_without_a_traceback(db, caplog):
    from tests.factories import UserFactory

    outsider = UserFactory(username="no-role")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = signed_in(outsider).get("/requests/")
    assert answer.status_code == 403
    forbidden = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(forbidden) == 1
    assert forbidden[0].exc_info is None


def private_county_feed(user, county) -> str:
    token = selectors.private_feed_token(type(user).objects.get(pk=user.pk))
    return f"/feeds/private/{token}/counties/{county.fips}.atom"


def test_a_new_password_ends_the_private_feed_addresses_made_before(viewer, data_request):
    old = private_county_feed(viewer, data_request.county)
    reader = Client()
    assert reader.get(old).status_code == 200
    viewer.set_password("a new and long passphrase")
    viewer.save()
    assert reader.get(old).status_code == 404
    assert reader.get(private_county_feed(viewer, data_request.county)).status_code == 200


def test_a_deactivated_users_addresses_stay_dead_after_reactivation(viewer, data_request):
    old = private_county_feed(viewer, data_request.county)
    reader = Client()
    assert reader.get(old).status_code == 200
    viewer.is_active = False  # as the admin's "active" box, unticked, saves it
    viewer.save()
    assert reader.get(old).status_code == 404
    viewer.refresh_from_db()
    viewer.is_active = True
    viewer.save()
    assert reader.get(old).status_code == 404, "made active again, the old address stays dead"
    assert reader.get(private_county_feed(viewer, data_request.county)).status_code == 200
