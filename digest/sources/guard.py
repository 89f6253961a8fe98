"""What a fetch may reach and for how long: public addresses only (plus the host the editor
configured), and a total deadline for the whole request.

A link inside a feed is written by whoever writes the feed. Fetching it as-is would let a feed
make digest read ``http://127.0.0.1:8080/admin`` or a cloud metadata address and mail the text
to every subscriber. So every connection is checked **after DNS resolution**, and every hop of a
redirect again: loopback, private, link-local, multicast, reserved and other non-global addresses
are refused, unless the host is the one the source was configured with (a feed URL the editor
wrote may be internal, and so may links on that same host).

The deadline: httpx's timeouts are per read, so a server that trickles a byte a second never
times out. Here every read, write and connect of a request gets at most what is left of
``deadline``; once it has passed the next one fails as a timeout.

Both rules apply per request through ``scope`` (a thread-local: the fetches of a run go through
one shared client from several threads) and are enforced by ``protect(client)``: a request hook
that checks each hop's host by name (a pooled connection is reused without connecting again) and
a network backend that checks the address it actually connects to (no DNS rebinding in between).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx


class Refused(Exception):
    """The target is not a public address and the source was not configured with it."""


@dataclass(frozen=True)
class Policy:
    allowed: frozenset[str] = frozenset()  # host names that may be internal
    deadline: float | None = None  # time.monotonic() by which the request must be done

    def remaining(self, timeout: float | None, error: type[Exception]) -> float | None:
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the whole request took longer than its deadline")
        return left if timeout is None else min(timeout, left)


_local = threading.local()


def current() -> Policy | None:
    return getattr(_local, "policy", None)


@contextmanager
def scope(origin_host: str, seconds: float) -> Iterator[Policy]:
    """Requests in this block may reach ``origin_host`` whatever its address, other hosts only at
    public addresses, and must be done within ``seconds``."""
    previous, _local.policy = current(), Policy(frozenset({origin_host.lower()}), time.monotonic() + seconds)
    try:
        yield _local.policy
    finally:
        _local.policy = previous


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_host(host: str, port: int | None = None) -> list[str] | None:
    """The addresses ``host`` resolves to, all public, or None when any address will do (no
    scope, or the allowed host); [] when it does not resolve. Raises Refused."""
    policy = current()
    host = host.strip("[]").lower()
    if policy is None or host in policy.allowed:
        return None
    try:
        infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    addresses = sorted({info[4][0] for info in infos})
    private = [a for a in addresses if not is_public(a)]
    if private:
        raise Refused(f"{host} is at a non-public address ({', '.join(private)}); links found in feeds are only "
                      "fetched from public addresses or the feed's own host")
    return addresses


class _Stream(httpcore.NetworkStream):
    """A connection whose reads and writes end by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    policy = current()
    return timeout if policy is None else policy.remaining(timeout, error)


class _Backend(httpcore.NetworkBackend):
    """Connects only where ``check_host`` allows, to the very address it checked."""

    def __init__(self):
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = check_host(host, port)
        if addresses == []:  # never connect by name to what could not be checked
            raise httpcore.ConnectError(f"cannot resolve {host}")
        addresses = addresses or [host]
        timeout = _left(timeout, httpcore.ConnectTimeout)
        for n, address in enumerate(addresses):
            try:
                return _Stream(self._inner.connect_tcp(address, port, timeout, local_address, socket_options))
            except httpcore.ConnectError:
                if n == len(addresses) - 1:
                    raise
        raise httpcore.ConnectError(f"{host}: no address")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _check_request(request: httpx.Request) -> None:
    check_host(request.url.host, request.url.port)


def protect(client: httpx.Client) -> httpx.Client:
    """Enforce the scope's rules on every request of ``client`` (once per client)."""
    if getattr(client, "_digest_guarded", False):
        return client
    client.event_hooks = {**client.event_hooks, "request": [*client.event_hooks["request"], _check_request]}
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool):  # httpx.HTTPTransport keeps its httpcore pool here
        pool._network_backend = _Backend()
    client._digest_guarded = True
    return client
