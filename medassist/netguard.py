"""The network guard: MedAssist opens no network connection, ever.

``install()`` adds a ``sys.addaudithook`` that refuses ``socket.connect``/``connect_ex``/``sendto``/
``sendmsg``/``getaddrinfo``/``gethostbyname`` to anything but loopback and AF_UNIX (Qt, X11 and D-Bus use
AF_UNIX). A refused attempt raises :class:`NetworkBlockedError` before any packet leaves, and is recorded
(host only — never payload) so ``medassist doctor`` and the tests can report it. Audit hooks cannot be
removed, so the guard is installed once per process and can only be made stricter.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading

from .errors import NetworkBlockedError

_installed = False
_lock = threading.Lock()
#: Every refused attempt: (event, target) — e.g. ("socket.connect", "93.184.216.34:443").
attempts: list[tuple[str, str]] = []

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def is_loopback(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _target_host(address):
    if isinstance(address, tuple) and address:
        return address[0], f"{address[0]}:{address[1]}" if len(address) > 1 else str(address[0])
    return None, str(address)


def _hook(event: str, args) -> None:
    if not event.startswith("socket."):
        return
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1]
        family = getattr(sock, "family", None)
        if family is not None and family not in (socket.AF_INET, socket.AF_INET6):
            return  # AF_UNIX, AF_NETLINK...: local IPC
        if address is None:  # sendmsg on a connected socket
            return
        host, shown = _target_host(address)
        if not is_loopback(host):
            _refuse(event, shown)
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"):
        host = args[0] if args else None
        if not is_loopback(host):
            _refuse(event, str(host))


def _refuse(event: str, target: str) -> None:
    with _lock:
        attempts.append((event, target))
    raise NetworkBlockedError(f"MedAssist opens no network connections; blocked {event} to {target}")


def install() -> bool:
    """Install the guard (idempotent). Returns True once it is active."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
    return _installed


def installed() -> bool:
    return _installed


def status() -> dict:
    return {"installed": _installed, "blocked_attempts": len(attempts), "recent": attempts[-5:]}
