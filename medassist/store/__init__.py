"""The encrypted history: every document opened, every draft made, and the edits and decisions after.

One SQLCipher file, ``history.db`` in the data folder, opened through ``sqlcipher3`` and wrapped by
``sqlite_utils.Database``; WAL mode; forward-only named migrations (``_migrations`` table, schema
number in ``PRAGMA user_version``; a database from a newer MedAssist is refused); FTS5 over document
text and run results. The key is a random 256-bit key in the OS keyring, or — where there is no OS
keyring — derived from a passphrase with scrypt (salt beside the database in ``history.salt.json``).
See ``keys.py``.

Opening::

    from medassist.store import open_history, open_history_for_cli
    h = open_history_for_cli(home=None)      # keyring, else MEDASSIST_PASSPHRASE, else the terminal
    h = open_history(home=None, passphrase="from the app's dialog", key=None, allow_keyring=True)
    history_state(home) -> {"mode": passphrase|keyring|new|missing-key-file, "needs_passphrase": bool, ...}
    # open_history raises HistoryLockedError ("history is locked: wrong passphrase" / "wrong key" / "no passphrase
    # given ...") and leaves the file untouched; HistoryError for a newer schema or a damaged file.

Writing (every write is one transaction, and appends to the audit log)::

    run_id = h.record_run(task, source, result, params, models, elapsed_ms)
        # source: a medassist.document.Document, a Study (duck-typed: study_uid, patient_id,
        #   study_date, description, modalities, series; stored as a JSON summary), plain text, or None.
        # result/params: dicts or objects with to_dict(); models: [{name, version, sha256}] or packs.
    h.record_edit(run_id, "codes/3", before, after, who=None)      # who: Settings.load().who()
    h.record_decision(run_id, "codes/3", "accepted" | "rejected", who=None)   # item "run" = whole draft
    h.record_export(run_id, "pdf")
    h.log_event("unlocked" | "locked" | ..., details={...})        # details never hold PHI

Reading::

    h.list_runs(limit=50, task=None, offset=0) -> [run summary dicts], newest first
    h.get_run(run_id) -> dict with result, params, models, document, edits, decisions
    h.search("chest pain", limit=20) -> [run summaries + "match" snippet + "matched_in"]
    h.prior_studies(patient_id, exclude_study_uid=None)
        -> [{"study_uid", "study_date", "description", "modality"}], newest first
    h.audit_events(limit=None, event=None, run_id=None)
    h.check() -> [] when cipher_integrity_check and integrity_check pass

Keys and copies::

    h.rekey(new_passphrase=None)   # rotate the key (keyring: new random key; passphrase: new salt)
    h.backup(path)                 # encrypted copy + path.key.json (salt record / keyring reference);
                                   # a folder gets medassist-history-<date>.db
    h.restore(path)                # verify, re-encrypt with this history's key, keep history.db.bak
    h.close()                      # also a context manager

Threads: a History serialises its calls with a lock; the UI should still call it off the GUI thread.
"""

from __future__ import annotations

from ..errors import HistoryError, HistoryLockedError
from .db import DB_FILE, History, fts_query, history_state, open_history, open_history_for_cli
from .keys import keyring_description, select_keyring
from .schema import SCHEMA_VERSION

__all__ = [
    "DB_FILE",
    "History",
    "HistoryError",
    "HistoryLockedError",
    "SCHEMA_VERSION",
    "fts_query",
    "history_state",
    "keyring_description",
    "open_history",
    "open_history_for_cli",
    "select_keyring",
]
