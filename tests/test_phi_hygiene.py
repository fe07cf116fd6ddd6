"""PHI stays out of logs and temp files: notes carrying unique marker strings go through the CLI tasks with the
history on, then the log folder, the data folder's files other than the encrypted DB, the DB and its WAL, and the
temp folder are scanned for the markers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medassist.cli import COMMANDS

MARK_NAME = "Zyxwvuqplk"  # a patient name no dictionary holds
MARK_ID = "MRN-7Q4X9Z2K"


def _note() -> str:
    return (
        f"Patient: {MARK_NAME} Quorbridge   MRN: {MARK_ID}\n"
        "CHIEF COMPLAINT: Cough.\n"
        "HISTORY OF PRESENT ILLNESS: 61-year-old with type 2 diabetes mellitus and community-acquired pneumonia. "
        f"{MARK_NAME} denies chest pain.\n"
        "MEDICATIONS: Metformin 500 mg PO BID.\n"
        "ALLERGIES: Penicillin.\n"
        "PLAN: Amoxicillin-clavulanate 875 mg PO BID x 7 days. Follow up in 1 week.\n"
    )


def _scan(folder: Path, markers: list[bytes]) -> list[str]:
    hits = []
    for p in folder.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            for m in markers:
                if m in data or m.decode().encode("utf-16-le") in data:
                    hits.append(f"{p.name}: {m.decode()}")
    return hits


def test_markers_never_reach_logs_db_or_temp(tmp_path, home):
    tasks = [name for name, _ in COMMANDS if name in {"code", "summarize", "letter"}]
    assert tasks, "no task commands registered"
    note = tmp_path / "in" / f"{MARK_NAME}_discharge.txt"  # the file name carries PHI too
    note.parent.mkdir()
    note.write_text(_note(), encoding="utf-8")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir), MEDASSIST_HOME=str(home))
    for task in tasks:
        proc = subprocess.run([sys.executable, "-m", "medassist.cli", task, str(note), "--format", "json",
                               "-o", str(tmp_path / f"{task}.json")], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 0, (task, proc.stderr[-2000:])
        assert MARK_NAME.encode() not in proc.stderr.encode(), f"{task} printed PHI on stderr"
    markers = [MARK_NAME.encode(), MARK_ID.encode()]
    logs = home / "logs"
    assert (logs / "medassist.log").exists() and (logs / "medassist.log").stat().st_size > 0
    assert _scan(home, markers) == []  # logs, settings, encrypted DB + WAL, salt files
    assert _scan(tmpdir, markers) == []
    # the history did record the runs (so the DB scan above looked at real content)
    proc = subprocess.run([sys.executable, "-m", "medassist.cli", "history", "search", MARK_NAME],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") >= 1
