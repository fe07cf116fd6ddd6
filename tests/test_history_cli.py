"""``medassist history ...`` and the way task commands record runs (medassist.cli.run_task)."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys

import pytest
from test_store_support import FAST_N, no_real_keyring  # noqa: F401

from medassist.cli import InputItem, TaskOutput, main, run_task
from medassist.document import Document
from medassist.store import open_history


@pytest.fixture
def filled(home):
    """A passphrase-keyed history (cheap scrypt) with three runs."""
    with open_history(home, scrypt_n=FAST_N) as h:
        a = h.record_run("code", Document("Chest pain with diaphoresis.", source="a.txt"), {"codes": [{"code": "R07.9"}]}, {}, [{"name": "p", "version": "1", "sha256": "00"}], 5.0)
        b = h.record_run("summarize", Document("Fall from ladder, wrist fracture.", source="b.txt"), {"summary": "Wrist fracture."})
        c = h.record_run("letter", Document("Follow-up for migraine.", source="c.txt"), {"letter": "Dear patient"})
        h.record_edit(c, "letter", "Dear patient", "Dear Ms Doe")
    return {"a": a, "b": b, "c": c}


def _json(capsys):
    out = capsys.readouterr().out
    return json.loads(out)


def test_list_show_search(filled, capsys):
    assert main(["history", "list", "--format", "json"]) == 0
    assert [r["id"] for r in _json(capsys)] == [filled["c"], filled["b"], filled["a"]]
    assert main(["history", "list", "--task", "code"]) == 0
    text = capsys.readouterr().out
    assert "a.txt" in text and "b.txt" not in text
    assert main(["history", "show", str(filled["c"]), "--format", "json"]) == 0
    run = _json(capsys)
    assert run["document"]["text"] == "Follow-up for migraine." and run["edits"][0]["after"] == "Dear Ms Doe"
    assert main(["history", "show", str(filled["c"])]) == 0
    assert "letter: 'Dear patient' -> 'Dear Ms Doe'" in capsys.readouterr().out
    assert main(["history", "search", "ladder", "--format", "json"]) == 0
    assert [h["id"] for h in _json(capsys)] == [filled["b"]]
    assert main(["history", "search", "diaphoresis"]) == 0
    assert "[diaphoresis]" in capsys.readouterr().out
    assert main(["history", "search", "fracture", "--order", "relevance", "--format", "json"]) == 0
    assert [h["id"] for h in _json(capsys)] == [filled["b"]]
    assert main(["history", "search", "nothinglikethis"]) == 0
    assert "no run matches" in capsys.readouterr().out


def test_missing_run_is_a_clean_error(filled, capsys):
    assert main(["history", "show", "999"]) == 5
    assert capsys.readouterr().err.strip() == "medassist: no run with id 999"


def test_wrong_passphrase_exits_6_with_one_line(filled, home, capsys, monkeypatch):
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "wrong")
    before = (home / "history.db").read_bytes()
    assert main(["history", "list"]) == 6
    err = capsys.readouterr().err
    assert err.startswith("medassist: history is locked: wrong passphrase. The history is unchanged.")
    assert err.count("\n") == 1 and "To unlock it give its passphrase: MEDASSIST_PASSPHRASE" in err
    assert (home / "history.db").read_bytes() == before


def test_no_passphrase_without_terminal_exits_6(filled, capsys, monkeypatch):
    monkeypatch.delenv("MEDASSIST_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["history", "list"]) == 6
    assert "no passphrase given (set MEDASSIST_PASSPHRASE or run in a terminal)" in capsys.readouterr().err


def test_locked_history_in_a_real_process_prints_no_traceback(filled, home):
    proc = subprocess.run(
        [sys.executable, "-m", "medassist.cli", "history", "search", "pain"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "MEDASSIST_PASSPHRASE": "nope", "MEDASSIST_HOME": str(home)},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 6
    assert proc.stderr.startswith("medassist: history is locked: wrong passphrase.") and proc.stderr.count("\n") == 1
    assert proc.stdout == ""


def test_backup_restore_and_rekey_through_the_cli(filled, home, tmp_path, capsys, monkeypatch):
    dest = tmp_path / "copy.db"
    assert main(["history", "backup", str(dest), "--format", "json"]) == 0
    info = _json(capsys)
    assert info["runs"] == 3 and dest.exists()
    assert main(["history", "backup", str(dest)]) == 5  # refuses to overwrite
    assert "already exists" in capsys.readouterr().err

    monkeypatch.setenv("MEDASSIST_NEW_PASSPHRASE", "brand new passphrase")
    assert main(["history", "rekey", "--new-passphrase", "--format", "json"]) == 0
    assert _json(capsys)["passphrase_changed"] is True
    assert main(["history", "list"]) == 6  # the old passphrase no longer opens it
    capsys.readouterr()
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "brand new passphrase")
    with open_history(home) as h:
        h.record_run("code", Document("Extra run.", source="d.txt"), {})
    # the backup was made under the old passphrase: MEDASSIST_BACKUP_PASSPHRASE opens it
    assert main(["history", "restore", str(dest)]) == 6
    assert "backup is locked: wrong passphrase" in capsys.readouterr().err
    monkeypatch.setenv("MEDASSIST_BACKUP_PASSPHRASE", "correct horse battery staple")
    assert main(["history", "restore", str(dest)]) == 0
    assert "restored 3 runs" in capsys.readouterr().out
    assert main(["history", "list", "--format", "json"]) == 0
    assert len(_json(capsys)) == 3
    assert main(["history", "rekey"]) == 0
    assert "key rotated" in capsys.readouterr().out
    assert main(["history", "audit", "--format", "json"]) == 0
    assert [e["event"] for e in _json(capsys)][-5:] == ["restore", "opened", "opened", "rekeyed", "opened"]
    assert main(["history", "audit"]) == 0
    assert "rekeyed" in capsys.readouterr().out


def test_rekey_new_passphrase_without_one_changes_nothing(filled, home, capsys, monkeypatch):
    monkeypatch.delenv("MEDASSIST_NEW_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    salt = (home / "history.salt.json").read_bytes()
    assert main(["history", "rekey", "--new-passphrase"]) == 5
    assert "no new passphrase given" in capsys.readouterr().err
    assert (home / "history.salt.json").read_bytes() == salt


# ------------------------------------------------------------------------------ task commands
def _args(**kw):
    base = dict(format="jsonl", output=None, no_history=False, home=None)
    base.update(kw)
    return argparse.Namespace(**base)


def _fake_task(item: InputItem) -> TaskOutput:
    from medassist.errors import IngestError

    if item.name == "bad.txt":
        raise IngestError("unreadable", path=item.name)
    doc = Document(text=item.data.decode(), source=item.name)
    return TaskOutput(result={"codes": [{"code": "J45.909", "description": "Asthma"}]}, source=doc,
                      models=[{"name": "fake", "version": "0", "sha256": "ff"}], params={"k": 1})


def test_run_task_records_each_successful_input(home, capsys):
    open_history(home, scrypt_n=FAST_N).close()
    items = [InputItem("n1.txt", None, b"Wheezing, known asthma."), InputItem("bad.txt", None, b""),
             InputItem("n2.txt", None, b"Asthma follow-up.")]
    assert run_task(_args(), "code", items, _fake_task, lambda r: "") == 2
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["file"] for x in lines] == ["n1.txt", "bad.txt", "n2.txt"] and "error" in lines[1]
    with open_history(home) as h:
        runs = h.list_runs()
        assert [r["source"] for r in runs] == ["n2.txt", "n1.txt"]
        full = h.get_run(runs[0]["id"])
        assert full["models"] == [{"name": "fake", "version": "0", "sha256": "ff"}] and full["params"] == {"k": 1}
        assert full["elapsed_ms"] is not None
        assert [r["id"] for r in h.search("wheezing")] == [runs[1]["id"]]


def test_run_task_no_history_records_nothing_and_needs_no_key(home, capsys, monkeypatch):
    open_history(home, scrypt_n=FAST_N).close()
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "wrong")  # would lock, but is never asked
    items = [InputItem("n1.txt", None, b"Asthma.")]
    assert run_task(_args(no_history=True), "code", items, _fake_task, lambda r: "") == 0
    assert main(["history", "list"]) == 6  # locked with the wrong passphrase...
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "correct horse battery staple")
    with open_history(home) as h:
        assert h.count_runs() == 0  # ...and nothing was recorded


def test_run_task_with_a_locked_history_fails_before_running(home, monkeypatch):
    from medassist.errors import HistoryLockedError

    open_history(home, scrypt_n=FAST_N).close()
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "wrong")
    ran = []
    with pytest.raises(HistoryLockedError):
        run_task(_args(), "code", [InputItem("n1.txt", None, b"x")], lambda i: ran.append(i), lambda r: "")
    assert ran == []


def test_every_history_action_is_documented(capsys):
    with pytest.raises(SystemExit):
        main(["history", "--help"])
    text = capsys.readouterr().out
    for action in ("list", "show", "search", "backup", "restore", "rekey", "audit"):
        assert action in text
