"""Who may drive ``buildtrace serve``: its own pages, by its own names, within limits.

Whoever opens the server's websocket runs a script on the teacher's machine. A page of
another site open in a student's (or the teacher's) browser could open it too
(cross-site websocket hijacking), and a site whose name is made to resolve to the
server's address could read its pages (DNS rebinding). So every request must name the
server by one of its own names in ``Host``, and a page's ``Origin`` (always sent with a
websocket by a browser) must be the server itself. And no browser may ask for a screen
bigger than any real one: the viewer's memory grows with the screen's cells.

Mirrors nothing in Keras: this is buildtrace's classroom server's front door.

Example:
    >>> guard = RoomGuard.for_host("127.0.0.1", 8000)
    >>> guard.host_problem("127.0.0.1:8000") is None
    True
    >>> print(guard.host_problem("evil.example:8000"))
    the address names evil.example, not this server
    >>> print(guard.origin_problem("http://evil.example:8000"))
    a page of http://evil.example:8000 (another site) may not open a viewer here
    >>> clamp_screen(8000, 4000)
    (400, 160)
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

#: The largest screen a browser may ask for, in columns and rows. A 1920-pixel-wide
#: projector at the smallest text size serve allows is about 320 columns; 8000×4000
#: cost one viewer 472 MB, 400×160 costs it a few.
MAX_COLUMNS = 400
MAX_ROWS = 160

#: Hosts that mean "listen on every address this machine has".
EVERY_ADDRESS = ("0.0.0.0", "::", "")


def default_max_viewers(cores: int | None = None) -> int:
    """Viewers served at once unless ``--max-viewers`` says otherwise: two per core.

    Each viewer runs its own script, which trains on a whole core while it lasts.
    Measured on the seed script: a viewer holds about 70 MB, its script up to 370 MB
    while it trains on MNIST-sized data. Two per core (4 on a 2-core laptop) keeps each
    student's training at half a core or better, the viewers' keys prompt (they run at
    a higher priority than the scripts), and memory under about 1 GB per core; more
    browsers get a page saying the room is full. A bigger machine, or a room that only
    steps through builds, can raise it with ``--max-viewers``.
    """
    return max(2, 2 * (cores if cores is not None else os.cpu_count() or 1))


def clamp_screen(width: int, height: int) -> tuple[int, int]:
    """The screen size a browser asked for, within 1×1 and :data:`MAX_COLUMNS`×:data:`MAX_ROWS`."""
    return min(max(width, 1), MAX_COLUMNS), min(max(height, 1), MAX_ROWS)


@dataclass(frozen=True)
class RoomGuard:
    """The names and port by which browsers may reach the server.

    Attributes:
        port: the port the server listens on.
        names: host names (lower case) that name this server.
        any_local_address: any IP address of this machine names it too (the server
            listens on every address, or on a loopback one).
    """

    port: int
    names: frozenset[str]
    any_local_address: bool = False

    @classmethod
    def for_host(cls, host: str, port: int, allowed: Iterable[str] = ()) -> RoomGuard:
        """The guard of a server listening on ``host:port``; ``allowed``: more names."""
        names = {host.lower().strip("[]"), *(name.lower().strip("[]") for name in allowed)}
        every = host in EVERY_ADDRESS
        if every or _is_loopback(host):
            names |= {"localhost", "127.0.0.1", "::1"}
        if every:
            hostname = socket.gethostname().lower()
            names |= {hostname, f"{hostname}.local"}
            with contextlib.suppress(OSError):
                names.add(socket.getfqdn().lower())
        names -= {"", "0.0.0.0", "::"}  # "every address" is no name a browser uses
        return cls(port, frozenset(names), any_local_address=every)

    def host_problem(self, host: str | None) -> str | None:
        """Why a request's ``Host`` header does not name this server (None if it does)."""
        if not host:
            return "the request names no host"
        return self._address_problem("http", host)

    def origin_problem(self, origin: str | None) -> str | None:
        """Why a page's ``Origin`` is not this server (None if it is)."""
        if not origin or origin == "null":
            return "only a page of this server may open a viewer (the request has no origin)"
        try:
            url = urlsplit(origin)
        except ValueError:
            return f"a page of {origin!r} may not open a viewer here"
        if url.scheme not in ("http", "https") or not url.netloc:
            return f"a page of {origin} may not open a viewer here"
        if self._address_problem(url.scheme, url.netloc) is not None:
            return f"a page of {origin} (another site) may not open a viewer here"
        return None

    def _address_problem(self, scheme: str, authority: str) -> str | None:
        try:
            url = urlsplit(f"{scheme}://{authority}")
            name = (url.hostname or "").lower()
            port = url.port or (443 if scheme == "https" else 80)
        except ValueError:
            return f"the address {authority!r} cannot be read"
        if url.username is not None or url.path:
            return f"the address {authority!r} cannot be read"
        if port != self.port:
            return f"the address names port {port}, not this server's {self.port}"
        if name in self.names:
            return None
        if self.any_local_address and _is_this_machine(name):
            return None
        return f"the address names {name}, not this server"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_this_machine(name: str) -> bool:
    """Whether ``name`` is an IP address of this machine (a name is never trusted here:
    DNS rebinding makes any name point at any address)."""
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((str(address), 0))  # only an address of this machine binds
        except OSError:
            return False
    return True
