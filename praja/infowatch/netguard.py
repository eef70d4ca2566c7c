"""Fetching a feed without letting its address reach inside the network (server-side request forgery).

Every hop is checked, the first and each redirect: the scheme is http or https, the host resolves, and every
address it resolves to is public (not loopback, private, link-local, shared carrier-grade NAT, multicast,
reserved or a cloud metadata address). The connection then goes to the address that was checked (no second
DNS answer can swap it for an internal one), with the original host name in the Host header and in TLS (SNI
and certificate check). Redirects are followed by hand, at most ``MAX_REDIRECTS``.

A host named in ``PRAJA_INFOWATCH_FETCH_ALLOW_HOSTS`` (a list, or a comma-separated string; "host" or
"host:port") is exempt from the address check: for a fact-checker's mirror inside the network, or the local
test server of the tests.

Every refusal and every failure raises `FetchRefused` with ONE text (`REFUSED`): whether the address was
internal, closed, answered 404 or timed out is never told to the person who typed it (the reason is logged for
the administrator), so the fetcher cannot be used to map internal hosts and ports.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

log = logging.getLogger("praja.infowatch.fetch")

REFUSED = ("Alamat ini tidak dapat diambil (hanya http/https ke alamat publik) / "
           "this address cannot be fetched (http/https to public addresses only)")
MAX_REDIRECTS = 5

# Not covered by ipaddress's is_global in every Python version, or worth saying twice.
_EXTRA_BLOCKED = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16", "192.0.0.0/24", "198.18.0.0/15", "224.0.0.0/4",
    "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96",
    "100::/64", "2001:db8::/32", "fd00:ec2::254/128",
)]


class FetchRefused(Exception):
    """The address was refused or could not be fetched; str() is always `REFUSED`."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSED)
        self.reason = reason  # for the log, never shown


class NotModified(Exception):
    """The server answered 304 to a conditional request."""


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local:
        return False
    return not any(ip in net for net in _EXTRA_BLOCKED if net.version == ip.version)


def allowed_hosts(setting: Any) -> set[str]:
    if not setting:
        return set()
    items: Iterable[str] = setting.split(",") if isinstance(setting, str) else setting
    return {str(h).strip().lower() for h in items if str(h).strip()}


def _port_of(parts: Any) -> int:
    try:
        port = parts.port
    except ValueError as e:
        raise FetchRefused(f"bad port in {parts.netloc!r}") from e
    return port or (443 if parts.scheme == "https" else 80)


def check_url(url: str, allow: set[str]) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) of `url`, or FetchRefused."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"scheme {parts.scheme!r}")
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        raise FetchRefused("no host, or credentials in the address")
    port = _port_of(parts)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as e:
        raise FetchRefused(f"cannot resolve {host}: {e}") from e
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise FetchRefused(f"{host} resolves to nothing")
    exempt = host in allow or f"{host}:{port}" in allow
    if not exempt:
        bad = [a for a in addresses if not is_public(a)]
        if bad:
            raise FetchRefused(f"{host} resolves to non-public {', '.join(bad)}")
    return parts.scheme, host, port, addresses[0]


_INTERNAL_NAMES = ("localhost", "localhost.localdomain", "metadata", "metadata.google.internal")
_INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".intranet", ".corp", ".home.arpa")


def looks_public(url: str, allow: set[str]) -> bool:
    """The check an address gets when a person saves it, without resolving it (the full check, with DNS, runs
    at every fetch): http(s), a host, no credentials, and neither an internal literal address nor an internal
    name (localhost, *.internal, ...), unless the host is allowed."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return False
    try:
        port = _port_of(parts)
    except FetchRefused:
        return False
    if host in allow or f"{host}:{port}" in allow:
        return True
    if host in _INTERNAL_NAMES or host.endswith(_INTERNAL_SUFFIXES):
        return False
    try:
        return is_public(host)
    except ValueError:
        pass
    if re.fullmatch(r"[0-9x.]+", host):  # 2130706433, 0x7f.1, 127.1: numeric forms a resolver reads as IPv4
        return False
    return True


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def fetch(url: str, *, headers: dict[str, str] | None = None, timeout: float = 10.0, max_bytes: int = 5_000_000,
          allow: set[str] | None = None) -> Response:
    """GET `url`, each hop checked; the body (at most `max_bytes`) of the final 200 answer.
    Raises NotModified on 304, FetchRefused for everything else that is not a 200."""
    allow = allow or set()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = check_url(current, allow)
        parts = urlsplit(current)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        conn: http.client.HTTPConnection = (_PinnedHTTPS if scheme == "https" else _PinnedHTTP)(
            host, port, address, timeout)
        try:
            conn.request("GET", path, headers={"Host": parts.netloc.split("@")[-1], **(headers or {})})
            resp = conn.getresponse()
            status = resp.status
            if status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location") or ""
                if not location:
                    raise FetchRefused(f"redirect {status} without Location")
                current = urljoin(current, location)
                continue
            if status == 304:
                raise NotModified()
            if status != 200:
                raise FetchRefused(f"HTTP {status} from {host}:{port}")
            body = resp.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchRefused(f"larger than {max_bytes} bytes")
            return Response(current, status, body, {k.lower(): v for k, v in resp.getheaders()})
        except (OSError, http.client.HTTPException, ssl.SSLError, ValueError) as e:
            raise FetchRefused(f"{type(e).__name__} at {host}:{port}: {e}") from e
        finally:
            conn.close()
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")
