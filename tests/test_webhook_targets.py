"""Webhooks cannot be aimed inside the network (SSRF), and never store what a receiver said.

The rules are in requests_tracker/security/webhook_targets.py. The test settings allow http and
127.0.0.0/8 for the receiver tests elsewhere; every test here sets the networks it allows.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from requests_tracker import services
from requests_tracker.models import WebhookDelivery, WebhookSubscription
from requests_tracker.security import webhook_targets
from tests.factories import make_request
from tests.integration.receiver import Receiver

NAME = "hooks.newsroom.test"

REFUSED_ADDRESSES = {
    # address in the URL: the category named in the refusal
    "http://127.0.0.1:6379/": "loopback",
    "http://127.8.9.10/": "loopback",
    "https://[::1]/": "loopback",
    "https://0.0.0.0/": "unspecified",
    "https://[::]/": "unspecified",
    "https://169.254.169.254/latest/meta-data/": "cloud metadata",
    "https://169.254.1.1/": "link-local",
    "https://[fe80::1]/": "link-local",
    "https://10.0.0.5/": "private",
    "https://172.16.3.4/": "private",
    "https://192.168.1.1/": "private",
    "https://[fc00::1]/": "private",
    "https://[fd00:ec2::254]/": "cloud metadata",
    "https://100.64.0.1/": "shared (carrier-grade NAT)",
    "https://100.100.100.200/": "cloud metadata",
    "https://192.0.0.192/": "cloud metadata",
    "https://224.0.0.1/": "multicast",
    "https://[ff02::1]/": "multicast",
    "https://240.0.0.1/": "private",
    "https://198.18.0.1/": "private",
    # IPv6 spellings of IPv4 addresses: mapped, compatible, 6to4, NAT64.
    "https://[::ffff:127.0.0.1]/": "loopback",
    "https://[::ffff:169.254.169.254]/": "cloud metadata",
    "https://[::ffff:10.1.2.3]/": "private",
    "https://[2002:7f00:1::]/": "loopback",
    "https://[64:ff9b::a9fe:a9fe]/": "cloud metadata",
    # Other spellings of 127.0.0.1 that the system resolver accepts.
    "https://2130706433/": "loopback",
    "https://0x7f000001/": "loopback",
    "https://127.1/": "loopback",
}


@pytest.fixture(autouse=True)
def nothing_allowed(settings):
    """Production rules: https only, no network exempt."""
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOWED_NETWORKS = []


@pytest.fixture
def resolver(monkeypatch) -> dict[str, list[list[str]]]:
    """Fake DNS for NAME (and any name added): each lookup takes the next answer in its list
    (the last one repeats); other names resolve as usual. Records every name looked up."""
    answers: dict[str, list[list[str]]] = {}
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        lookups.append(host)
        if host in answers:
            queue = answers[host]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port or 0),
                )
                for address in addresses
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    answers["__lookups__"] = lookups  # type: ignore[assignment]
    return answers


class Server:
    """An HTTP(S) server on a chosen loopback address that answers with a fixed status, headers
    and body, and keeps what it received (path, Host header, TLS server name)."""

    def __init__(
        self,
        host: str,
        port: int = 0,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: bytes = b"ok",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.received: list[dict[str, str]] = []
        self.server_names: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.received.append({"path": self.path, "host": self.headers.get("Host", "")})
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:

            def remember_name(sock: ssl.SSLObject, name: str | None, context: object) -> None:
                self.server_names.append(name)

            tls.sni_callback = remember_name
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def deliver_the_next_event(url: str) -> WebhookDelivery:
    """Subscribe `url` as a row (as if saved before the rules, or DNS changed since) and make
    one delivery attempt for a new event."""
    WebhookSubscription.objects.create(url=url, secret="a-long-shared-secret")
    make_request()
    [delivery_id] = services.fan_out_activity()
    services.deliver_webhook(delivery_id=delivery_id)
    return WebhookDelivery.objects.get(pk=delivery_id)


# --- subscribing --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", REFUSED_ADDRESSES)
def test_an_internal_address_cannot_be_subscribed(db, url, settings):
    settings.WEBHOOK_ALLOW_HTTP = True  # so the address, not the scheme, is what is refused
    with pytest.raises(ValidationError) as refused:
        services.subscribe_webhook(url=url)
    [reason] = refused.value.message_dict["url"]
    assert reason == webhook_targets.refused_address(REFUSED_ADDRESSES[url])
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.org/tracker", webhook_targets.REFUSED_SCHEME_HTTPS),
        ("ftp://hooks.example.org/tracker", webhook_targets.REFUSED_SCHEME_HTTPS),
        ("https://desk:hunter2@hooks.example.org/", webhook_targets.REFUSED_CREDENTIALS),
        ("https://@hooks.example.org/", webhook_targets.REFUSED_CREDENTIALS),
        (
            "https://metadata.google.internal/computeMetadata/v1/",
            webhook_targets.REFUSED_METADATA_NAME,
        ),
        ("https://METADATA.google.internal./x", webhook_targets.REFUSED_METADATA_NAME),
        ("https://hooks.example.org:99999/", webhook_targets.REFUSED_NO_HOST),
        ("https:///nohost", webhook_targets.REFUSED_NO_HOST),
    ],
)
def test_an_address_of_the_wrong_form_cannot_be_subscribed(db, url, reason):
    with pytest.raises(ValidationError) as refused:
        services.subscribe_webhook(url=url)
    assert refused.value.message_dict["url"] == [reason]


def test_a_name_that_resolves_inside_the_network_cannot_be_subscribed(db, resolver):
    resolver[NAME] = [["127.0.0.1"]]
    resolver["mixed.newsroom.test"] = [["93.184.215.14", "10.0.0.7"]]
    resolver["metadata.newsroom.test"] = [["169.254.169.254"]]
    for name, category in [
        (NAME, "loopback"),
        ("mixed.newsroom.test", "private"),
        ("metadata.newsroom.test", "cloud metadata"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.subscribe_webhook(url=f"https://{name}/hook")
        assert refused.value.message_dict["url"] == [webhook_targets.refused_address(category)]
    assert not WebhookSubscription.objects.exists()


def test_a_public_address_or_a_name_not_yet_resolvable_can_be_subscribed(db, resolver):
    resolver[NAME] = [["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]]
    services.subscribe_webhook(url=f"https://{NAME}/hook")
    services.subscribe_webhook(url="https://93.184.215.14:8443/hook")
    # Delivery checks again; a receiver being set up need not resolve yet.
    services.subscribe_webhook(url="https://not-yet.newsroom.invalid/hook")
    assert WebhookSubscription.objects.count() == 3


def test_changing_a_subscription_to_an_internal_address_is_refused(db):
    subscription = services.subscribe_webhook(url="https://93.184.215.14/hook")
    with pytest.raises(ValidationError):
        services.update_webhook_subscription(
            subscription=subscription, actor=None, url="https://169.254.169.254/latest/"
        )
    subscription.refresh_from_db()
    assert subscription.url == "https://93.184.215.14/hook"


def test_the_api_refuses_an_internal_address_in_its_error_shape(editor):
    client = APIClient()
    client.force_authenticate(editor)
    response = client.post(
        "/api/v1/webhooks/", {"url": "https://[::ffff:169.254.169.254]/latest/"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "url": [webhook_targets.refused_address("cloud metadata")]
    }
    assert not WebhookSubscription.objects.exists()


def test_the_admin_refuses_an_internal_address(admin_client):
    response = admin_client.post(
        reverse("admin:requests_tracker_webhooksubscription_add"),
        {"url": "https://192.168.0.1/hook", "is_active": "on"},
        follow=True,
    )
    assert webhook_targets.refused_address("private") in response.content.decode()
    assert not WebhookSubscription.objects.exists()


# --- delivering ---------------------------------------------------------------------------------


def test_delivery_to_a_loopback_receiver_is_refused_and_nothing_is_sent(db, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    with Receiver() as receiver:
        delivery = deliver_the_next_event(receiver.url)
        assert receiver.received == []
    assert delivery.status == WebhookDelivery.Status.FAILED  # not retried: it cannot improve
    assert delivery.response_status is None
    assert delivery.last_error == webhook_targets.refused_address("loopback")


def test_delivery_to_a_name_resolving_to_loopback_is_refused_and_nothing_is_sent(db, resolver):
    resolver[NAME] = [["127.0.0.1"]]
    with Server("127.0.0.1") as server:
        delivery = deliver_the_next_event(f"https://{NAME}:{server.port}/hook")
        assert server.received == []
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_error == webhook_targets.refused_address("loopback")


def test_the_connection_goes_to_the_address_that_was_checked(db, resolver, settings):
    """DNS rebinding: the name answers an allowed address when checked, then an internal one.
    The POST still goes to the address that was checked; the name is looked up once."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with Server("127.0.0.2") as receiver, Server("127.0.0.3", receiver.port) as internal:
        resolver[NAME] = [["127.0.0.2"], ["127.0.0.3"]]
        delivery = deliver_the_next_event(f"http://{NAME}:{receiver.port}/hooks?desk=metro")
        assert internal.received == []
        assert receiver.received == [
            {"path": "/hooks?desk=metro", "host": f"{NAME}:{receiver.port}"}
        ]
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert resolver["__lookups__"].count(NAME) == 1


def test_a_redirect_to_an_internal_address_is_not_followed(db, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with Server("127.0.0.1") as internal:
        location = f"http://127.0.0.1:{internal.port}/admin"
        with Server("127.0.0.2", status=302, headers={"Location": location}) as receiver:
            delivery = deliver_the_next_event(f"http://127.0.0.2:{receiver.port}/hook")
            assert len(receiver.received) == 1
        assert internal.received == []
    assert (delivery.status, delivery.response_status) == (WebhookDelivery.Status.FAILED, 302)
    assert delivery.last_error == webhook_targets.describe_status(302)


def test_what_a_receiver_answers_is_never_stored(db, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES = 1
    secret = b'{"AccessKeyId": "ASIA-INTERNAL", "redis_version": "7.0.15"}'
    with Server("127.0.0.1", status=404, body=secret) as receiver:
        delivery = deliver_the_next_event(f"http://127.0.0.1:{receiver.port}/")
    assert (delivery.response_status, delivery.last_error) == (
        404,
        "HTTP 404: the receiver refused the delivery.",
    )
    subscription = WebhookSubscription.objects.get()
    assert not subscription.is_active
    for text in (delivery.last_error, subscription.disabled_reason):
        assert "ASIA" not in text and "redis" not in text


def test_https_is_checked_against_the_name_while_connecting_to_the_checked_address(
    db, resolver, settings, tmp_path
):
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(bundle)
    settings.WEBHOOK_CA_BUNDLE = str(bundle)
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    resolver[NAME] = [["127.0.0.2"]]

    def tls_for(name: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(context)
        return context

    with Server("127.0.0.2", tls=tls_for(NAME)) as receiver:
        delivery = deliver_the_next_event(f"https://{NAME}:{receiver.port}/hook")
        assert receiver.server_names == [NAME]  # SNI names the host, not the address
        assert receiver.received == [{"path": "/hook", "host": f"{NAME}:{receiver.port}"}]
    assert delivery.status == WebhookDelivery.Status.DELIVERED

    # A certificate for another name is refused, though the address is the checked one.
    with Server("127.0.0.2", tls=tls_for("other.newsroom.test")) as impostor:
        WebhookDelivery.objects.all().delete()
        WebhookSubscription.objects.all().delete()
        delivery = deliver_the_next_event(f"https://{NAME}:{impostor.port}/hook")
        assert impostor.received == []
    assert delivery.last_error == webhook_targets.TLS_FAILED
    assert delivery.status == WebhookDelivery.Status.PENDING  # retried: certificates get fixed


def test_an_unresolvable_name_is_retried(db):
    delivery = deliver_the_next_event("https://receiver.newsroom.invalid/hook")
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_error == webhook_targets.UNRESOLVED


def test_proxies_from_the_environment_are_not_used(db, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with Server("127.0.0.1") as proxy, Server("127.0.0.2") as receiver:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
        delivery = deliver_the_next_event(f"http://127.0.0.2:{receiver.port}/hook")
        assert proxy.received == [] and len(receiver.received) == 1
    assert delivery.status == WebhookDelivery.Status.DELIVERED


# --- the rules as a table -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("8.8.8.8", None),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),  # judged as the IPv4 address it maps
        ("::ffff:10.0.0.1", "private"),
        ("2002:808:808::", None),  # 6to4 of a public address
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "cloud metadata"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("2001:db8::1", "private"),  # documentation
        ("192.0.2.1", "private"),  # documentation
    ],
)
def test_refusal_category(address, category):
    assert webhook_targets.refusal_category(ipaddress.ip_address(address)) == category


def test_allowed_networks_exempt_their_addresses_only(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8", "fd12:3456::/32"]
    allowed = [ipaddress.ip_address(a) for a in ("127.0.0.1", "::ffff:127.0.0.1", "fd12:3456::9")]
    refused = [ipaddress.ip_address(a) for a in ("::1", "10.0.0.1", "169.254.169.254")]
    assert [webhook_targets.refusal_category(a) for a in allowed] == [None, None, None]
    assert all(webhook_targets.refusal_category(a) for a in refused)


def test_a_malformed_allowed_network_is_a_configuration_error(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured):
        webhook_targets.refusal_category(ipaddress.ip_address("8.8.8.8"))


# --- errors recorded before these rules ---------------------------------------------------------


def test_the_migration_removes_receiver_text_recorded_before(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "requests_tracker.migrations.0011_webhook_errors_without_bodies"
    )
    subscription = WebhookSubscription.objects.create(
        url="https://93.184.215.14/",
        secret="s" * 32,
        disabled_reason="Disabled 2025-08-17 07:00 UTC after 5 failed deliveries in a row; "
        "last error: HTTP 500: redis_version:7.0.15",
    )
    make_request()
    make_request()
    first, second = services.fan_out_activity()
    WebhookDelivery.objects.filter(pk=first).update(
        response_status=404, last_error="HTTP 404: <html>internal admin</html>"
    )
    WebhookDelivery.objects.filter(pk=second).update(
        last_error="ConnectionError: HTTPConnectionPool(host='10.0.0.5', port=6379)"
    )

    migration.remove_receiver_text(apps, None)

    errors = dict(WebhookDelivery.objects.values_list("pk", "last_error"))
    assert errors == {
        first: "HTTP 404: the receiver refused the delivery.",
        second: migration.REMOVED,
    }
    subscription.refresh_from_db()
    assert subscription.disabled_reason == (
        "Disabled 2025-08-17 07:00 UTC after 5 failed deliveries in a row."
    )
