"""The network guard refuses every non-loopback connection before a packet leaves, and lets local IPC through."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading

import pytest

from medassist import netguard
from medassist.errors import NetworkBlockedError


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "host,expected",
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("127.8.9.10", True),
     ("10.0.0.1", False), ("93.184.216.34", False), ("example.org", False), ("2001:db8::1", False)],
)
def test_is_loopback(host, expected):
    assert netguard.is_loopback(host) is expected


def test_urllib_to_the_internet_is_refused_and_recorded():
    proc = _run(
        """
        import urllib.request
        from medassist import netguard
        from medassist.errors import NetworkBlockedError
        netguard.install()
        try:
            urllib.request.urlopen("http://93.184.216.34/", timeout=2)
        except urllib.error.URLError as exc:  # urllib wraps the guard's refusal
            assert isinstance(exc.reason, NetworkBlockedError)
            print("BLOCKED", exc.reason)
        try:
            import socket
            socket.getaddrinfo("example.org", 443)
        except NetworkBlockedError:
            print("DNS BLOCKED")
        print("ATTEMPTS", len(netguard.attempts))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert "BLOCKED" in proc.stdout and "93.184.216.34" in proc.stdout
    assert "DNS BLOCKED" in proc.stdout
    assert "ATTEMPTS 2" in proc.stdout


def test_udp_sendto_refused():
    proc = _run(
        """
        import socket
        from medassist import netguard
        from medassist.errors import NetworkBlockedError
        netguard.install()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b"x", ("8.8.8.8", 53))
        except NetworkBlockedError:
            print("UDP BLOCKED")
        """
    )
    assert "UDP BLOCKED" in proc.stdout, proc.stderr


def test_loopback_and_unix_sockets_still_work(tmp_path):
    netguard.install()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def accept():
        conn, _ = server.accept()
        conn.sendall(b"ok")
        conn.close()

    t = threading.Thread(target=accept)
    t.start()
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    assert client.recv(2) == b"ok"
    client.close()
    t.join(5)
    server.close()

    a, b = socket.socketpair(socket.AF_UNIX)
    a.sendall(b"local")
    assert b.recv(5) == b"local"
    a.close()
    b.close()


def test_guard_in_this_process_blocks_a_real_connect():
    netguard.install()
    before = len(netguard.attempts)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlockedError, match="203.0.113.5:443"):
        s.connect(("203.0.113.5", 443))
    s.close()
    assert len(netguard.attempts) == before + 1
    assert netguard.status()["installed"] is True
