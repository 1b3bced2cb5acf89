"""Where a webhook may be sent, and the one way it is sent there.

An editor chooses the address a webhook is POSTed to, so without rules the tracker would make
requests into its own network for anyone with that role (SSRF): the database, Redis, the cloud
metadata service. The rules, applied when a subscription is saved and again at every delivery:

- https only (http only when settings.WEBHOOK_ALLOW_HTTP is on); no user name or password in the
  address; a host name that is not a cloud metadata name;
- the host name is resolved, and every address it resolves to must be public: loopback, private,
  link-local (which holds 169.254.169.254), multicast, reserved, unspecified, shared/CGNAT
  (100.64.0.0/10), documentation and benchmarking ranges and the known metadata addresses are
  refused, for IPv4 and IPv6, including IPv6 forms that carry an IPv4 address (IPv4-mapped,
  IPv4-compatible, 6to4, NAT64). One refused address refuses the name, so a name that mixes a
  public and a private answer does not pass;
- the connection goes to an address that was checked, with the host name sent as Host and as
  TLS server name (and the certificate checked against it), so the name is not looked up again
  between the check and the connection (no DNS-rebinding window). Proxies from the environment
  are not used: a proxy would make the connection on our behalf, unchecked;
- redirects are not followed (a 3xx fails the delivery), so a receiver cannot bounce the POST
  somewhere internal;
- networks listed in settings.WEBHOOK_ALLOWED_NETWORKS are allowed despite the rules, for test
  receivers on 127.0.0.1; production leaves it empty.

A failed attempt is described by a fixed sentence from this module (and the HTTP status code):
the receiver's answer body is never read, so nothing it says can be stored or shown.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_HOSTNAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data"}
)
"""Names under which cloud providers serve instance credentials; never a webhook receiver."""

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
NAT64_PREFIXES = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
MAX_ADDRESSES_TRIED = 3


class WebhookTargetError(Exception):
    """A delivery that could not be made; `description` is a fixed sentence, safe to show."""

    def __init__(self, description: str, *, retryable: bool) -> None:
        super().__init__(description)
        self.description = description
        self.retryable = retryable


class TargetRefused(WebhookTargetError):
    """The address breaks the rules above: nothing is sent, and trying again will not help."""

    def __init__(self, description: str) -> None:
        super().__init__(description, retryable=False)


# Every sentence a failure can be recorded with. Fixed text: nothing from the receiver.
REFUSED_SCHEME_HTTPS = "Refused: a webhook address must start with https://."
REFUSED_SCHEME = "Refused: a webhook address must start with https:// or http://."
REFUSED_CREDENTIALS = "Refused: a webhook address may not contain a user name or password."
REFUSED_NO_HOST = "Refused: the webhook address has no valid host name or port."
REFUSED_METADATA_NAME = "Refused: the host is a cloud metadata service."
UNRESOLVED = "The receiver's host name could not be resolved."
CONNECT_FAILED = "Could not connect to the receiver."
TIMED_OUT = "The receiver did not answer in time."
TLS_FAILED = "The receiver's TLS certificate could not be verified, or TLS failed."
BAD_ANSWER = "The receiver's answer was not valid HTTP."
ATTEMPT_FAILED = "The attempt failed before the receiver answered."


def refused_address(category: str) -> str:
    return f"Refused: the host resolves to a {category} address, which webhooks may not reach."


def describe_status(status: int) -> str:
    """The sentence recorded for a non-2xx answer: the status code and what it means, no body."""
    if 300 <= status < 400:
        meaning = "a redirect, which webhooks do not follow"
    elif 400 <= status < 500:
        meaning = "the receiver refused the delivery"
    elif status >= 500:
        meaning = "the receiver failed"
    else:
        meaning = "not a success"
    return f"HTTP {status}: {meaning}."


@dataclass(frozen=True)
class WebhookTarget:
    """A webhook address taken apart: what to connect to and what to call it there."""

    scheme: str
    host: str  # ASCII (IDNA) host name or IP address, lower case, without brackets
    port: int
    path: str  # path and query, as sent in the request line
    host_header: str

    @property
    def host_is_address(self) -> bool:
        return _as_address(self.host) is not None


def parse_target(url: str) -> WebhookTarget:
    """Check the address's form (scheme, no credentials, a host); raise TargetRefused if not."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise TargetRefused(REFUSED_NO_HOST) from error
    scheme = parts.scheme.lower()
    allowed_schemes = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if scheme not in allowed_schemes:
        raise TargetRefused(REFUSED_SCHEME if settings.WEBHOOK_ALLOW_HTTP else REFUSED_SCHEME_HTTPS)
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise TargetRefused(REFUSED_CREDENTIALS)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused(REFUSED_NO_HOST)
    if _as_address(host) is None:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as error:
            raise TargetRefused(REFUSED_NO_HOST) from error
    if host in METADATA_HOSTNAMES:
        raise TargetRefused(REFUSED_METADATA_NAME)
    default_port = 443 if scheme == "https" else 80
    port = port or default_port
    shown_host = f"[{host}]" if ":" in host else host
    return WebhookTarget(
        scheme=scheme,
        host=host,
        port=port,
        path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        host_header=shown_host if port == default_port else f"{shown_host}:{port}",
    )


@functools.lru_cache(maxsize=8)
def _allowed_networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {error}") from error


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """settings.WEBHOOK_ALLOWED_NETWORKS parsed; a malformed entry is a configuration error."""
    return _allowed_networks(tuple(entry for entry in settings.WEBHOOK_ALLOWED_NETWORKS if entry))


def _as_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (IPv4-compatible, 6to4, NAT64), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.sixtofour is not None:
        return address.sixtofour
    compatible = address in IPV4_COMPATIBLE and not (address.is_loopback or address.is_unspecified)
    if compatible or any(address in prefix for prefix in NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _category(address: IPAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "cloud metadata"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address in SHARED_ADDRESS_SPACE:
        return "shared (carrier-grade NAT)"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "non-public"
    return None


def refusal_category(address: IPAddress) -> str | None:
    """Why a webhook may not go to `address` ("loopback", "private", ...), or None when it may.

    An address inside settings.WEBHOOK_ALLOWED_NETWORKS may always be used. An IPv6 address that
    carries an IPv4 address is refused if either of the two is refused.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # An IPv4-mapped address is a way of dialling the IPv4 address: judge that one.
        address = address.ipv4_mapped
    embedded = _embedded_ipv4(address)
    networks = allowed_networks()
    for candidate in (address, embedded):
        if candidate is not None and any(
            candidate.version == network.version and candidate in network for network in networks
        ):
            return None
    for candidate in (embedded, address):  # the embedded address gives the clearer reason
        if candidate is not None and (category := _category(candidate)):
            return category
    return None


def resolve(target: WebhookTarget) -> list[IPAddress]:
    """Every address the target's host stands for, all checked; raise if one of them is refused.

    An IP address in the URL is checked as it is. A name is resolved once, here: the caller
    connects to these addresses, never to the name.
    """
    literal = _as_address(target.host)
    if literal is not None:
        addresses: Iterable[IPAddress] = [literal]
    else:
        try:
            answers = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise WebhookTargetError(UNRESOLVED, retryable=True) from error
        addresses = [_as_address(str(answer[4][0])) for answer in answers]
    checked: list[IPAddress] = []
    for address in addresses:
        if address is None:  # not an IP answer (a family we cannot connect to anyway)
            raise WebhookTargetError(UNRESOLVED, retryable=True)
        if category := refusal_category(address):
            raise TargetRefused(refused_address(category))
        if address not in checked:
            checked.append(address)
    if not checked:
        raise WebhookTargetError(UNRESOLVED, retryable=True)
    return checked


def address_pattern() -> str:
    """parse_target's rules of form as a pattern, for the API's schema (beside `format: uri`):
    an allowed scheme (any case), no user name or password, a host. What the host resolves to
    is beyond a pattern: checked when a subscription is saved, and again at each delivery."""
    scheme = "[hH][tT][tT][pP][sS]" + ("?" if settings.WEBHOOK_ALLOW_HTTP else "")
    return rf"^{scheme}://[^/?#@:][^/?#@]*(?:[/?#].*)?$"


def validate_subscription_url(url: str) -> None:
    """Raise ValidationError({"url": ...}) when `url` may not receive webhooks.

    Applies the rules at the time a subscription is saved. A name that does not resolve yet is
    accepted (the receiver may not be set up); delivery checks it again anyway.
    """
    try:
        resolve(parse_target(url))
    except TargetRefused as refusal:
        raise ValidationError({"url": refusal.description}) from refusal
    except WebhookTargetError:
        pass


def _ca_bundle() -> str:
    return settings.WEBHOOK_CA_BUNDLE or certifi.where()


def post(url: str, *, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
    """POST `body` to `url` under the rules above; return the answer's HTTP status code.

    Raises WebhookTargetError (TargetRefused when the address is refused) with a fixed
    description. The answer's body is not read. Each resolved address is tried in turn (at most
    MAX_ADDRESSES_TRIED) while the connection itself fails.
    """
    target = parse_target(url)
    addresses = resolve(target)
    request_headers = {**headers, "Host": target.host_header}
    last_error = WebhookTargetError(CONNECT_FAILED, retryable=True)
    for address in addresses[:MAX_ADDRESSES_TRIED]:
        pool = _pool(target, address, timeout)
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers=request_headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
            status = response.status
            response.release_conn()
            return status
        except NewConnectionError:  # refused or unreachable: the next address may answer
            last_error = WebhookTargetError(CONNECT_FAILED, retryable=True)
            continue
        except ConnectTimeoutError:
            last_error = WebhookTargetError(TIMED_OUT, retryable=True)
            continue
        except SSLError as error:
            raise WebhookTargetError(TLS_FAILED, retryable=True) from error
        except ReadTimeoutError as error:
            raise WebhookTargetError(TIMED_OUT, retryable=True) from error
        except ProtocolError as error:
            raise WebhookTargetError(BAD_ANSWER, retryable=True) from error
        except HTTPError as error:
            raise WebhookTargetError(ATTEMPT_FAILED, retryable=True) from error
        finally:
            pool.close()
    raise last_error


def _pool(target: WebhookTarget, address: IPAddress, timeout: float) -> urllib3.HTTPConnectionPool:
    """A one-connection pool to `address`, speaking TLS as `target.host` when https."""
    options = {
        "port": target.port,
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    if target.scheme == "http":
        return urllib3.HTTPConnectionPool(str(address), **options)
    return urllib3.HTTPSConnectionPool(
        str(address),
        cert_reqs="CERT_REQUIRED",
        ca_certs=_ca_bundle(),
        # SNI and the certificate check use the name from the URL, not the address dialled.
        server_hostname=None if target.host_is_address else target.host,
        assert_hostname=target.host,
        **options,
    )
