"""Crash safety: a writer killed with SIGKILL at random moments never costs a committed run or the file.

A child process writes runs in a loop and prints each run id after ``record_run`` returns (committed).
It is killed at a random moment — during start-up and migrations, or mid-write — at least 20 times.
After every kill the history must reopen, pass ``PRAGMA cipher_integrity_check`` (no rows) and
``PRAGMA integrity_check`` (``ok``), and hold every run the child reported.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from medassist.store import open_history
from medassist.store.db import DB_FILE, connect

KEY = os.urandom(32)

WRITER = textwrap.dedent(
    """
    import sys
    from medassist.document import Document
    from medassist.store import open_history

    home, key, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    h = open_history(home, key=key, who="writer")
    print("open", flush=True)
    i = start
    while True:
        doc = Document(text=f"Crash test note {i}: chest pain radiating to the left arm. " * 8, source=f"note{i}.txt")
        rid = h.record_run("code", doc, {"codes": [{"code": "R07.9", "i": i}]}, {"i": i}, [], 1.0)
        if i % 3 == 0:
            h.record_decision(rid, "run", "accepted")
        print(rid, flush=True)
        i += 1
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_never_loses_a_committed_run(home, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    committed: set[int] = set()
    kills = 0
    mid_write = 0
    while kills < 21:
        child = subprocess.Popen(
            [sys.executable, str(script), str(home), KEY.hex(), str(len(committed))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        if kills % 4 == 0:
            # a moment measured from spawn: may land in start-up, open, migrations or the first writes
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            # wait until the writer is writing, then a random moment inside the write loop
            line = child.stdout.readline()
            assert line.strip() == b"open", child.stderr.read().decode()
            time.sleep(rng.uniform(0.0, 0.15))
            mid_write += 1
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err.decode()
        kills += 1
        reported = {int(x) for x in out.split() if x.isdigit()}
        committed |= reported

        # The history reopens, passes both integrity checks, and holds every reported run.
        if not (home / DB_FILE).exists():  # killed before the writer created the file
            assert not committed
            continue
        conn = connect(home / DB_FILE, KEY)
        try:
            assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            if committed:
                have = {r[0] for r in conn.execute("SELECT id FROM runs")}
                missing = committed - have
                assert not missing, f"kill {kills}: committed runs lost: {sorted(missing)[:10]}"
        finally:
            conn.close()

    print(f"SIGKILL x{kills} ({mid_write} mid-write), {len(committed)} committed runs, all present")
    assert kills >= 20 and mid_write >= 15
    assert len(committed) > 20, "the writer should have committed runs between kills"
    with open_history(home, key=KEY) as h:
        assert h.check() == []
        assert {r["id"] for r in h.list_runs(limit=100000)} >= committed
        # FTS stayed consistent with its content tables through the kills
        fts = h.db.conn.execute("SELECT count(*) FROM runs_fts WHERE runs_fts MATCH 'R07'").fetchone()[0]
        assert fts == h.count_runs()
        h.db.conn.execute("INSERT INTO runs_fts(runs_fts) VALUES ('integrity-check')")
        h.db.conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
