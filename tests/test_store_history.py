"""The history's data: runs, documents, studies, edits, decisions, audit, FTS, migrations, versions,
encryption at rest, backup and restore."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid

import pytest
from test_store_support import FAST_N, folder_hashes, no_real_keyring, study  # noqa: F401

from medassist.document import Document
from medassist.errors import HistoryError, HistoryLockedError
from medassist.store import SCHEMA_VERSION, open_history
from medassist.store import db as dbmod
from medassist.store.db import DB_FILE, connect
from medassist.store.schema import MIGRATIONS

KEY = bytes(range(32))


@pytest.fixture
def hist(home):
    h = open_history(home, key=KEY, who="tester")
    yield h
    h.close()


def _doc(text: str, source: str = "note.txt", **meta) -> Document:
    return Document(text=text, source=source, metadata=meta)


PACK = {"name": "icd10-ranker", "version": "1.0", "sha256": "ab" * 32}


# ------------------------------------------------------------------------------ runs
def test_record_and_read_a_run(hist):
    doc = _doc("Chief complaint: chest pain.\nAssessment: essential hypertension.")
    result = {"codes": [{"code": "I10", "evidence": [{"start": 41, "end": 63, "text": "essential hypertension"}]}]}
    rid = hist.record_run("code", doc, result, {"top_k": 5}, [PACK], 12.5)
    run = hist.get_run(rid)
    assert run["task"] == "code" and run["status"] == "draft" and run["elapsed_ms"] == 12.5
    assert run["result"] == result and run["params"] == {"top_k": 5} and run["models"] == [PACK]
    assert run["document"]["text"] == doc.text and run["document"]["content_hash"] == doc.content_hash()
    assert [r["id"] for r in hist.list_runs()] == [rid]
    # the same document again is stored once
    rid2 = hist.record_run("summarize", doc, {"summary": "Chest pain; hypertension."})
    assert hist.get_run(rid2)["document_id"] == run["document_id"]
    assert [r["id"] for r in hist.list_runs()] == [rid2, rid]
    assert [r["id"] for r in hist.list_runs(task="code")] == [rid]
    with pytest.raises(HistoryError, match="no run with id 999"):
        hist.get_run(999)


def test_results_with_to_dict_and_model_packs_are_stored_as_json(hist):
    class Result:
        def to_dict(self):
            return {"impression": "No acute findings."}

    class Pack:
        def info(self):
            return dict(PACK)

    rid = hist.record_run("impression", None, Result(), None, [Pack()], None)
    run = hist.get_run(rid)
    assert run["result"] == {"impression": "No acute findings."} and run["models"] == [PACK]
    assert run["document"] is None


def test_edits_and_decisions(hist):
    rid = hist.record_run("code", _doc("Asthma."), {"codes": [{"code": "J45.909"}]})
    hist.record_edit(rid, "codes/0", "J45.909", "J45.20")
    hist.record_decision(rid, "codes/0", "accepted", who="coder1")
    hist.record_decision(rid, "run", "accepted")
    run = hist.get_run(rid)
    assert run["status"] == "accepted"
    assert [(e["item"], e["before"], e["after"], e["who"]) for e in run["edits"]] == [("codes/0", "J45.909", "J45.20", "tester")]
    assert [(d["item"], d["decision"], d["who"]) for d in run["decisions"]] == [("codes/0", "accepted", "coder1"), ("run", "accepted", "tester")]
    with pytest.raises(HistoryError, match="decision must be"):
        hist.record_decision(rid, "run", "maybe")
    with pytest.raises(HistoryError, match="no run"):
        hist.record_edit(rid + 1, "letter", "a", "b")


def test_who_defaults_to_the_settings_user(home):
    from medassist.config import Settings

    Settings(user_name="Dr Example").save(home)
    with open_history(home, key=KEY) as h:
        rid = h.record_run("letter", _doc("x"), {"letter": "Dear"})
        h.record_edit(rid, "letter", "Dear", "Dear Ms Doe")
        assert h.get_run(rid)["edits"][0]["who"] == "Dr Example"
        assert {e["who"] for e in h.audit_events()} == {"Dr Example"}


# ------------------------------------------------------------------------------ audit
def test_audit_is_append_only_and_holds_no_phi(hist):
    marker = "Zebulon Quixote"
    rid = hist.record_run("code", _doc(f"Patient {marker} has asthma.", source=f"{marker}.txt"), {"codes": []})
    hist.record_decision(rid, "run", "rejected")
    hist.record_export(rid, "pdf")
    events = hist.audit_events()
    assert [e["event"] for e in events] == ["opened", "ran", "rejected", "exported"]
    assert marker not in json.dumps(events)
    conn = hist.db.conn
    for sql in ("UPDATE audit SET who = 'x'", "DELETE FROM audit", f"DELETE FROM audit WHERE id = {events[0]['id']}"):
        with pytest.raises(Exception, match="append-only"):
            conn.execute(sql)
    assert hist.audit_events() == events
    with pytest.raises(HistoryError, match="unknown audit event"):
        hist.log_event("deleted")


# ------------------------------------------------------------------------------ search
def test_fts_finds_runs_by_document_words_and_by_result_words(hist):
    a = hist.record_run("code", _doc("Worsening dyspnea on exertion; bilateral pedal edema."), {"codes": [{"code": "I50.9", "description": "Heart failure, unspecified"}]})
    b = hist.record_run("summarize", _doc("Fractured left radius after a fall from a ladder."), {"summary": "Distal radius fracture."})
    assert [r["id"] for r in hist.search("edema")] == [a]
    assert hist.search("edema")[0]["matched_in"] == "document" and "[edema]" in hist.search("edema")[0]["match"]
    assert [r["id"] for r in hist.search("heart failure")] == [a]  # words of the result only
    assert hist.search("heart failure")[0]["matched_in"] == "result"
    assert [r["id"] for r in hist.search("ladder fall")] == [b]
    assert [r["id"] for r in hist.search("fractur*")] == [b]
    assert hist.search("ladder edema") == []  # every word must appear
    assert hist.search("pancreatitis") == []
    # punctuation that would be FTS5 syntax is harmless
    for q in ('C50.9 "', "don't", "a-b OR (", "NEAR(x y)"):
        hist.search(q)
    with pytest.raises(HistoryError, match="nothing to search"):
        hist.search("***")


def test_search_orders_newest_first_or_by_relevance(hist):
    older = hist.record_run("code", _doc("Asthma. Asthma exacerbation. Asthma action plan. Asthma."), {})
    newer = hist.record_run("code", _doc("Seen for knee pain; remote history of childhood asthma, resolved, no inhalers since age twelve."), {})
    assert [r["id"] for r in hist.search("asthma")] == [newer, older]
    assert [r["id"] for r in hist.search("asthma", order="relevance")] == [older, newer]
    assert [r["id"] for r in hist.search("asthma", limit=1)] == [newer]
    with pytest.raises(HistoryError, match="order must be"):
        hist.search("asthma", order="random")


def test_search_index_follows_new_documents(hist):
    assert hist.search("sarcoidosis") == []
    rid = hist.record_run("code", _doc("Known pulmonary sarcoidosis."), {"codes": []})
    assert [r["id"] for r in hist.search("sarcoidosis")] == [rid]


# ------------------------------------------------------------------------------ studies
def test_studies_are_stored_as_summaries_and_prior_studies_are_found(hist):
    s1 = study("1.2.3.1", "PAT-1", "20240102", "CT chest", "CT")
    s2 = study("1.2.3.2", "PAT-1", "20250311", "CT chest follow-up", "CT")
    s3 = study("1.2.3.3", "PAT-2", "20250101", "MR brain", "MR")
    for s in (s1, s2, s3):
        hist.record_run("report", s, {"findings": "..."})
    hist.record_run("report", s1, {"findings": "again"})  # seen twice, listed once
    priors = hist.prior_studies("PAT-1")
    assert priors == [
        {"study_uid": "1.2.3.2", "study_date": "20250311", "description": "CT chest follow-up", "modality": "CT"},
        {"study_uid": "1.2.3.1", "study_date": "20240102", "description": "CT chest", "modality": "CT"},
    ]
    assert [p["study_uid"] for p in hist.prior_studies("PAT-1", exclude_study_uid="1.2.3.2")] == ["1.2.3.1"]
    assert hist.prior_studies("PAT-3") == [] and hist.prior_studies("") == []
    run = hist.get_run(hist.list_runs(limit=1)[0]["id"])
    assert run["document"]["kind"] == "study" and run["document"]["summary"]["series"][0]["instances"] == 2
    assert [r["task"] for r in hist.search("follow")] == ["report"]


def test_a_real_ingested_study_is_recorded_and_listed_as_prior(hist):
    dicom = pytest.importorskip("medassist.ingest.dicom")
    from pydicom.data import get_testdata_file

    path = get_testdata_file("CT_small.dcm", download=False)
    if path is None:
        pytest.skip("pydicom test file CT_small.dcm not installed")
    loaded = dicom.load_study([path])
    st = loaded.studies[0]
    rid = hist.record_run("report", st, {"impression": "..."})
    doc = hist.get_run(rid)["document"]
    assert doc["study_uid"] == st.study_uid and doc["patient_id"] == st.patient_id
    assert doc["summary"]["series"][0]["instances"] == len(st.series[0].instances)
    priors = hist.prior_studies(st.patient_id)
    assert [p["study_uid"] for p in priors] == [st.study_uid] and priors[0]["modality"] == "CT"
    assert hist.prior_studies(st.patient_id, exclude_study_uid=st.study_uid) == []


# ------------------------------------------------------------------------------ encryption at rest
def _files_with(folder, marker: bytes) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.is_file() and marker in p.read_bytes()]


def test_marker_is_absent_from_database_wal_and_temp_files(home, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # any temp file SQLite might write lands here
    marker = f"MARKER-{uuid.uuid4().hex}"
    h = open_history(home, scrypt_n=FAST_N)
    for i in range(50):  # enough to spill pages into the WAL
        h.record_run("code", _doc(f"Note {i} mentions {marker} twice: {marker}."), {"codes": [{"code": "R07.9", "note": marker}]})
    assert h.search(marker)  # it is there, readable through the key
    assert (home / (DB_FILE + "-wal")).stat().st_size > 0  # committed, still in the WAL
    assert _files_with(home, marker.encode()) == [] and _files_with(tmp_path, marker.encode()) == []
    h.close()
    assert sorted(p.name for p in home.iterdir()) == [DB_FILE, "history.salt.json"]
    for needle in (marker.encode(), marker.encode("utf-16-le")):
        assert _files_with(home, needle) == [] and _files_with(tmp_path, needle) == []
    # control: the same rows written by plain SQLite are found by the same grep
    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as c:
        c.execute("CREATE TABLE t (x)")
        c.execute("INSERT INTO t VALUES (?)", (f"Note mentions {marker}",))
    assert _files_with(tmp_path, marker.encode()) == ["plain.db"]


# ------------------------------------------------------------------------------ versions and migrations
def test_migrations_are_recorded_and_idempotent(home):
    with open_history(home, key=KEY) as h:
        names = [r[0] for r in h.db.conn.execute("SELECT name FROM _migrations ORDER BY id")]
        assert names == [n for n, _ in MIGRATIONS]
        assert h.schema_version == SCHEMA_VERSION
        assert dbmod.migrate(h.db) == []
        h.record_run("code", _doc("x"), {})
    with open_history(home, key=KEY) as h:
        assert h.db.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)
        assert h.count_runs() == 1


def test_an_older_database_is_migrated_forward(home, monkeypatch):
    monkeypatch.setattr(dbmod, "MIGRATIONS", MIGRATIONS[:1])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 1)
    with open_history(home, key=KEY) as h:
        h.record_run("code", _doc("Old gout flare."), {})
        assert h.schema_version == 1
        assert "documents_fts" not in h.db.table_names()
    monkeypatch.setattr(dbmod, "MIGRATIONS", MIGRATIONS)
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION)
    with open_history(home, key=KEY) as h:
        assert h.schema_version == SCHEMA_VERSION
        assert len(h.search("gout")) == 1  # FTS built over rows that existed before


@pytest.mark.parametrize("how", ["user_version", "migration_name"])
def test_a_database_from_a_newer_app_is_refused_untouched(home, how):
    open_history(home, key=KEY).close()
    conn = connect(home / DB_FILE, KEY)
    if how == "user_version":
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    else:
        conn.execute("INSERT INTO _migrations (name, applied) VALUES ('0099_future', 'later')")
    conn.close()
    before = folder_hashes(home)
    with pytest.raises(HistoryError, match="newer MedAssist") as err:
        open_history(home, key=KEY)
    assert not isinstance(err.value, HistoryLockedError)
    assert folder_hashes(home) == before


# ------------------------------------------------------------------------------ backup / restore
def test_backup_and_restore_roundtrip(home, tmp_path):
    h = open_history(home, scrypt_n=FAST_N)
    first = h.record_run("code", _doc("Type 2 diabetes with neuropathy."), {"codes": [{"code": "E11.40"}]})
    h.record_edit(first, "codes/0", "E11.40", "E11.42")
    dest = h.backup(tmp_path / "bk" / "history-backup.db")
    assert dest.exists() and (tmp_path / "bk" / "history-backup.db.key.json").exists()
    assert b"neuropathy" not in dest.read_bytes()
    with pytest.raises(HistoryError, match="already exists"):
        h.backup(dest)
    in_folder = h.backup(tmp_path / "bk")  # a folder gets a dated file name
    assert in_folder.parent == tmp_path / "bk" and in_folder.name.startswith("medassist-history-")
    later = h.record_run("letter", _doc("Later visit about migraine."), {"letter": "Dear"})
    info = h.restore(dest)
    assert info["runs"] == 1
    assert [r["id"] for r in h.list_runs()] == [first]
    assert h.get_run(first)["edits"][0]["after"] == "E11.42"
    assert h.search("neuropathy") and not h.search("migraine")
    assert h.check() == []
    assert h.audit_events()[-1]["event"] == "restore"
    h.close()
    # the previous history is kept, encrypted with the same key material
    bak = home / (DB_FILE + ".bak")
    conn = connect(bak, h._km.key)
    assert conn.execute("SELECT id FROM runs ORDER BY id").fetchall() == [(first,), (later,)]
    conn.close()
    with open_history(home) as h2:  # reopens with the passphrase as before
        assert h2.count_runs() == 1


def test_restore_after_a_passphrase_change_uses_the_backups_salt(home, tmp_path):
    with open_history(home, scrypt_n=FAST_N) as h:
        h.record_run("code", _doc("Backed-up asthma note."), {})
        h.backup(tmp_path / "b.db")
        h.rekey(new_passphrase="newer passphrase")
        h.record_run("code", _doc("After rekey."), {})
        with pytest.raises(HistoryLockedError, match="backup is locked: wrong passphrase"):
            h.restore(tmp_path / "b.db")
        assert h.count_runs() == 2  # nothing replaced
        h.restore(tmp_path / "b.db", passphrase="correct horse battery staple")
        assert h.count_runs() == 1
    with open_history(home, passphrase="newer passphrase") as h:  # re-encrypted with the current key
        assert h.search("asthma")


def test_restore_refuses_a_damaged_backup_and_keeps_the_history(home, tmp_path):
    with open_history(home, key=KEY) as h:
        for i in range(30):
            h.record_run("code", _doc(f"Document number {i} " * 40), {"i": i})
        h.backup(tmp_path / "b.db")
        data = bytearray((tmp_path / "b.db").read_bytes())
        data[len(data) // 2] ^= 0xFF  # one flipped bit-pattern in a middle page
        (tmp_path / "b.db").write_bytes(bytes(data))
        h.record_run("code", _doc("the newest"), {})
        with pytest.raises(HistoryError, match="integrity|not a database|malformed"):
            h.restore(tmp_path / "b.db")
        assert h.count_runs() == 31
        assert not (home / (DB_FILE + ".restore")).exists() and not (home / (DB_FILE + ".bak")).exists()
        with pytest.raises(HistoryError, match="no such backup"):
            h.restore(tmp_path / "missing.db")


def test_closed_history_refuses_calls(hist):
    hist.close()
    with pytest.raises(HistoryError, match="closed"):
        hist.list_runs()
    hist.close()  # idempotent


def test_history_cannot_be_built_directly():
    with pytest.raises(TypeError):
        dbmod.History()
    assert os.path.basename(DB_FILE) == "history.db"


def test_threads_share_one_history(hist):
    import threading

    errors = []

    def writer(n):
        try:
            for i in range(15):
                hist.record_run("code", _doc(f"thread {n} note {i}"), {"i": i})
                hist.list_runs(limit=5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert hist.count_runs() == 60 and hist.check() == []


def test_two_connections_see_each_others_runs(home):
    a = open_history(home, key=KEY)
    b = open_history(home, key=KEY)  # e.g. the app and a CLI batch at the same time
    try:
        ra = a.record_run("code", _doc("from the app"), {})
        rb = b.record_run("letter", _doc("from the command line"), {})
        assert {r["id"] for r in a.list_runs()} == {ra, rb} == {r["id"] for r in b.list_runs()}
        assert b.search("app")[0]["id"] == ra
    finally:
        a.close()
        b.close()


def test_restore_refuses_while_another_connection_has_the_history_open(home, tmp_path):
    a = open_history(home, key=KEY)
    b = open_history(home, key=KEY)
    try:
        a.record_run("code", _doc("kept"), {})
        a.backup(tmp_path / "b.db")
        b.record_run("code", _doc("newer"), {})
        with pytest.raises(HistoryError, match="open in another MedAssist process"):
            a.restore(tmp_path / "b.db")
        assert a.count_runs() == 2 and b.count_runs() == 2  # both still work, nothing swapped
        assert not (home / (DB_FILE + ".bak")).exists()
    finally:
        a.close()
        b.close()


def test_an_unexpected_source_is_recorded_not_fatal(hist, tmp_path):
    class Headers:
        def to_dict(self):
            return {"modality": "CR"}

    r1 = hist.record_run("report", tmp_path / "study-folder", {"impression": "x"})
    r2 = hist.record_run("report", Headers(), {"impression": "y"})
    d1, d2 = hist.get_run(r1)["document"], hist.get_run(r2)["document"]
    assert d1["kind"] == "other" and d1["source"] == str(tmp_path / "study-folder")
    assert d2["source"] == "Headers" and d2["summary"] == {"modality": "CR"}
