"""The history's schema as forward-only named migrations.

Each migration runs once, inside a transaction, and is recorded by name in ``_migrations``;
``PRAGMA user_version`` holds the number applied. A database whose ``user_version`` is higher than
:data:`SCHEMA_VERSION` (or that lists a migration this app does not know) comes from a newer MedAssist
and is refused rather than touched. Never edit a released migration: append a new one.
"""

from __future__ import annotations

from typing import Callable

AUDIT_EVENTS = (
    "opened",
    "ran",
    "edited",
    "exported",
    "accepted",
    "rejected",
    "unlocked",
    "locked",
    "rekeyed",
    "backup",
    "restore",
)
RUN_STATUSES = ("draft", "accepted", "rejected")
DECISIONS = ("accepted", "rejected")


def _initial(db) -> None:
    ev = ", ".join(f"'{e}'" for e in AUDIT_EVENTS)
    st = ", ".join(f"'{s}'" for s in RUN_STATUSES)
    de = ", ".join(f"'{d}'" for d in DECISIONS)
    script = f"""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,            -- file name as given, or <paste>/<stdin>
            kind TEXT NOT NULL,              -- note | dicom-sr | findings | study
            text TEXT NOT NULL DEFAULT '',   -- note text, or a readable study summary
            summary TEXT,                    -- JSON: study summary, or document metadata
            content_hash TEXT NOT NULL,      -- sha256 of the text (notes) or of the study summary
            patient_id TEXT,
            study_uid TEXT,
            study_date TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX documents_hash ON documents(content_hash);
        CREATE INDEX documents_patient ON documents(patient_id);
        CREATE INDEX documents_study ON documents(study_uid);

        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            task TEXT NOT NULL,
            document_id INTEGER REFERENCES documents(id),
            models TEXT NOT NULL DEFAULT '[]',   -- JSON: list of name, version, sha256
            params TEXT NOT NULL DEFAULT '{{}}', -- JSON
            result TEXT NOT NULL,                -- JSON
            result_text TEXT NOT NULL DEFAULT '',-- the result's strings, for full-text search
            elapsed_ms REAL,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ({st})),
            app_version TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX runs_task ON runs(task);
        CREATE INDEX runs_document ON runs(document_id);

        CREATE TABLE edits (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            item TEXT NOT NULL,                  -- e.g. "codes/3", "letter", "impression"
            before TEXT,
            after TEXT,
            who TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX edits_run ON edits(run_id);

        CREATE TABLE acceptances (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            item TEXT NOT NULL,                  -- "run" for the whole draft, or an item path
            decision TEXT NOT NULL CHECK (decision IN ({de})),
            who TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX acceptances_run ON acceptances(run_id);

        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            event TEXT NOT NULL CHECK (event IN ({ev})),
            run_id INTEGER,
            details TEXT NOT NULL DEFAULT '{{}}', -- JSON, never PHI (ids, task names, counts)
            who TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
        """
    # One statement at a time: executescript() would COMMIT the migration's transaction.
    for statement in _statements(script):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    import sqlite3

    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line.split("--", 1)[0].rstrip() + "\n" if "--" in line else line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _fts(db) -> None:
    # External-content FTS5 tables kept in step by triggers (sqlite-utils' enable_fts).
    db["documents"].enable_fts(["source", "text"], fts_version="FTS5", create_triggers=True, tokenize="porter")
    db["runs"].enable_fts(["task", "result_text"], fts_version="FTS5", create_triggers=True, tokenize="porter")


#: (name, function(db)) in the order they apply. Append only.
MIGRATIONS: list[tuple[str, Callable]] = [
    ("0001_initial", _initial),
    ("0002_fts", _fts),
]
SCHEMA_VERSION = len(MIGRATIONS)
