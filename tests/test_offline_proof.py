"""Proof of no network: every CLI task, run under `unshare -n` (no interfaces but lo) and strace, makes zero
AF_INET/AF_INET6 connect/sendto/sendmsg attempts to anything but loopback. Skips only where neither tool can run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
INET = re.compile(r"sa_family=AF_INET6?\b.*?(sin6?_addr=inet_(?:pton|addr)\((?:AF_INET6?, )?\"([^\"]+)\"\))")


def _can(cmd: list[str]) -> bool:
    return shutil.which(cmd[0]) is not None and subprocess.run(cmd, capture_output=True).returncode == 0


def outbound_attempts(trace: str) -> list[str]:
    """Connect/send lines of an strace log that target an IPv4/IPv6 address other than loopback."""
    bad = []
    for line in trace.splitlines():
        if "AF_INET" not in line or not any(s in line for s in ("connect(", "sendto(", "sendmsg(")):
            continue
        m = INET.search(line)
        addr = m.group(2) if m else "?"
        if addr.startswith("127.") or addr in ("::1", "::ffff:127.0.0.1"):
            continue
        bad.append(line.strip())
    return bad


def test_trace_parser_sees_an_outbound_connect():
    line = ('1234 connect(3, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("93.184.216.34")}, 16) '
            '= -1 ENETUNREACH (Network is unreachable)')
    loop = '1234 connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0'
    unix = '1234 connect(3, {sa_family=AF_UNIX, sun_path="/tmp/.X11-unix/X99"}, 110) = 0'
    assert outbound_attempts("\n".join([line, loop, unix])) == [line]


CLI_RUNS = [
    ["--version"],
    ["doctor"],
    ["models", "verify"],
    ["inspect", str(SAMPLES / "clinic_note.txt")],
    ["inspect", str(SAMPLES / "ct_phantom")],
    ["code", str(SAMPLES / "discharge_summary.txt")],
    ["code", "--jobs", "2", str(SAMPLES / "discharge_summary.txt"), str(SAMPLES / "clinic_note.txt")],  # workers
    ["summarize", str(SAMPLES / "discharge_summary.txt")],
    ["letter", str(SAMPLES / "clinic_note.txt")],
    ["impression", str(SAMPLES / "chest_findings.txt")],
    ["report", str(SAMPLES / "ct_phantom")],
    ["history", "list"],
]


@pytest.mark.skipif(not (_can(["unshare", "-n", "true"]) and _can(["strace", "-o", "/dev/null", "true"])),
                    reason="needs unshare -n and strace (root on Linux)")
def test_cli_suite_makes_no_outbound_connection(tmp_path, home):
    env = dict(os.environ, MEDASSIST_HOME=str(home))
    failures, attempts = [], []
    for i, args in enumerate(CLI_RUNS):
        log = tmp_path / f"trace{i}.txt"
        cmd = ["unshare", "-n", "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
               sys.executable, "-m", "medassist.cli", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if proc.returncode != 0:
            failures.append((args, proc.stderr[-800:]))
        attempts += outbound_attempts(log.read_text(errors="replace"))
    assert failures == []
    assert attempts == []


@pytest.mark.skipif(not (_can(["unshare", "-n", "true"]) and _can(["strace", "-o", "/dev/null", "true"])),
                    reason="needs unshare -n and strace (root on Linux)")
def test_scripted_gui_session_makes_no_outbound_connection(tmp_path, home):
    """The real window (offscreen) opens a note and a DICOM study and runs every task, under unshare -n + strace."""
    env = dict(os.environ, MEDASSIST_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    log = tmp_path / "gui-trace.txt"
    cmd = ["unshare", "-n", "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
           sys.executable, "-m", "ui.scripted_session", str(SAMPLES / "discharge_summary.txt"), str(SAMPLES / "ct_phantom")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-1500:] + proc.stderr[-1500:]
    assert "scripted session ok" in proc.stdout
    trace = log.read_text(errors="replace")
    assert log.exists()  # strace ran and traced the session
    assert outbound_attempts(trace) == []
