"""The encrypted history: a SQLCipher connection wrapped by ``sqlite_utils.Database``.

See ``medassist/store/__init__.py`` for the public API and ``keys.py`` for key handling.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from contextlib import closing
from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from .. import __version__
from ..errors import HistoryError, HistoryLockedError
from . import keys as K
from .schema import AUDIT_EVENTS, DECISIONS, MIGRATIONS, SCHEMA_VERSION

DB_FILE = "history.db"
#: Page cache per connection (negative: KiB). Decrypted pages stay in memory; 32 MiB keeps a large
#: FTS index warm without decrypting it again on every search.
CACHE_KIB = -32768


# ------------------------------------------------------------------------------------------ helpers
def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _jsonable(o: Any):
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if is_dataclass(o) and not isinstance(o, type):
        return asdict(o)
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return str(o)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_jsonable, sort_keys=False)


def _as_dict(obj: Any) -> Any:
    if obj is None:
        return {}
    if isinstance(obj, (dict, list)):
        return obj
    return json.loads(_dumps(obj))


def _strings(obj: Any, out: list[str]) -> list[str]:
    """Every string leaf of a JSON-like value (what full-text search indexes of a result)."""
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, dict):
        for v in obj.values():
            _strings(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _strings(v, out)
    return out


def _model_info(m: Any) -> dict:
    if hasattr(m, "info") and callable(m.info):
        m = m.info()
    if isinstance(m, dict):
        return {k: m.get(k) for k in ("name", "version", "sha256") if k in m} or dict(m)
    return {"name": str(m)}


def _study_summary(study: Any) -> dict:
    """A JSON summary of a Study-like object (duck-typed: study_uid, patient_id, series, ...)."""
    summary: dict[str, Any] = {}
    for attr in ("study_uid", "patient_id", "patient_name", "study_date", "study_time", "description", "accession", "accession_number"):
        value = getattr(study, attr, None)
        if value not in (None, ""):
            summary[attr] = str(value)
    modalities = getattr(study, "modalities", None)
    if modalities:
        summary["modalities"] = sorted({str(m) for m in modalities})
    series = []
    for s in getattr(study, "series", None) or []:
        series.append(
            {
                "series_uid": str(getattr(s, "series_uid", "") or ""),
                "modality": str(getattr(s, "modality", "") or ""),
                "description": str(getattr(s, "description", "") or ""),
                "number": getattr(s, "number", None),
                "instances": len(getattr(s, "instances", None) or []),
            }
        )
    if series:
        summary["series"] = series
        summary.setdefault("modalities", sorted({s["modality"] for s in series if s["modality"]}))
    extra = getattr(study, "summary", None)
    if callable(extra):
        extra = extra()
    if isinstance(extra, dict):
        summary.update(_as_dict(extra))
    return summary


def _source_row(source: Any) -> dict | None:
    """The documents row for a run's source (Document, Study, plain text, or None)."""
    if source is None:
        return None
    if isinstance(source, str):
        text = source
        return {
            "source": "<text>",
            "kind": "note",
            "text": text,
            "summary": None,
            "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
    if hasattr(source, "study_uid") and not hasattr(source, "text"):
        summary = _study_summary(source)
        blob = json.dumps(summary, sort_keys=True, default=str)
        readable = " ".join(
            [summary.get("description", ""), " ".join(summary.get("modalities", []))]
            + [s.get("description", "") for s in summary.get("series", [])]
        ).strip()
        mods = summary.get("modalities") or []
        return {
            "source": f"study {summary.get('study_uid', '?')}",
            "kind": "study",
            "text": readable,
            "summary": blob,
            "content_hash": hashlib.sha256(blob.encode("utf-8")).hexdigest(),
            "patient_id": summary.get("patient_id"),
            "study_uid": summary.get("study_uid"),
            "study_date": summary.get("study_date"),
            "_modality": mods[0] if mods else None,
        }
    text = getattr(source, "text", None)
    if not isinstance(text, str):
        # Something else (a path, a header object...): keep what describes it, never fail the run.
        summary = _dumps(source.to_dict()) if hasattr(source, "to_dict") else None
        name = str(source) if isinstance(source, (Path, os.PathLike)) else type(source).__name__
        return {
            "source": name,
            "kind": "other",
            "text": "",
            "summary": summary,
            "content_hash": hashlib.sha256((summary or name).encode("utf-8")).hexdigest(),
        }
    meta = getattr(source, "metadata", None) or {}
    return {
        "source": str(getattr(source, "source", "<text>")),
        "kind": str(getattr(source, "kind", "note")),
        "text": text,
        "summary": _dumps(meta) if meta else None,
        "content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "patient_id": (str(meta["patient_id"]) if meta.get("patient_id") else None),
        "study_uid": (str(meta["study_uid"]) if meta.get("study_uid") else None),
        "study_date": (str(meta["study_date"]) if meta.get("study_date") else None),
    }


def fts_query(query: str) -> str:
    """A user's words as a safe FTS5 query: every word must appear (``word*`` keeps a prefix search)."""
    import re

    terms = []
    for m in re.finditer(r"(\w+)(\*?)", query, flags=re.UNICODE):
        terms.append(f'"{m.group(1)}"{m.group(2)}')
    if not terms:
        raise HistoryError(f"nothing to search for in {query!r}")
    return " ".join(terms)


# ------------------------------------------------------------------------------------------ connection
class _WrongKey(Exception):
    pass


def _sqlcipher():
    try:
        import sqlcipher3
    except ImportError as exc:  # pragma: no cover - a dependency
        raise HistoryError("sqlcipher3 is not installed: the encrypted history is unavailable") from exc
    return sqlcipher3


def connect(path: Path, key: bytes, *, create: bool = False, readonly: bool = False):
    """A verified SQLCipher connection keyed with the raw ``key``; raises ``_WrongKey``.

    Nothing is written before the key is verified (``SELECT count(*) FROM sqlite_master``), so a
    wrong key leaves the file byte-identical.
    """
    sqlcipher3 = _sqlcipher()
    path = Path(path)
    if not create and not path.exists():
        raise HistoryError("history file does not exist", path=path)
    if readonly:
        conn = sqlcipher3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=30, check_same_thread=False)
    else:
        conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        raise _WrongKey(str(exc)) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _integrity_problems(conn) -> list[str]:
    """Rows of ``PRAGMA cipher_integrity_check`` (HMAC of every page) and of ``integrity_check``."""
    sqlcipher3 = _sqlcipher()
    try:
        problems = [" ".join(str(c) for c in row) for row in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlcipher3.DatabaseError as exc:
        return [f"unreadable: {exc}"]
    if [tuple(r) for r in rows] != [("ok",)]:
        problems += [str(r[0]) for r in rows]
    return problems


def _schema_state(conn) -> tuple[int, list[str]]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    names: list[str] = []
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'").fetchone():
        names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY id")]
    return version, names


def _check_not_newer(conn, path: Path) -> None:
    version, names = _schema_state(conn)
    known = {n for n, _ in MIGRATIONS}
    unknown = [n for n in names if n not in known]
    if version > SCHEMA_VERSION or unknown:
        raise HistoryError(
            f"history was written by a newer MedAssist (schema {max(version, len(names))}, this version "
            f"{__version__} knows up to {SCHEMA_VERSION}); update MedAssist to open it",
            path=path,
        )


def migrate(db) -> list[str]:
    """Apply the migrations not yet applied; return their names. Idempotent."""
    conn = db.conn
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, applied TEXT NOT NULL)")
    done = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    applied = []
    for index, (name, fn) in enumerate(MIGRATIONS, start=1):
        if name in done:
            continue
        with db.atomic():
            fn(db)
            conn.execute("INSERT INTO _migrations (name, applied) VALUES (?, ?)", (name, _now()))
            conn.execute(f"PRAGMA user_version = {index}")
        applied.append(name)
    return applied


# ------------------------------------------------------------------------------------------ opening
def _who(home: Path | None) -> str:
    from ..config import Settings

    try:
        return Settings.load(home).who()
    except Exception:
        return "unknown"


def _try(path: Path, key: bytes, create: bool):
    try:
        return connect(path, key, create=create)
    except _WrongKey:
        return None


def _open_connection(folder: Path, path: Path, *, passphrase, key, allow_keyring, scrypt_n):
    """Find the key material for the history in ``folder`` and return ``(conn, KeyMaterial)``.

    Never creates a database where one exists; never writes before the key is verified.
    """
    exists = path.exists() and path.stat().st_size > 0
    if key is not None:
        km = K.KeyMaterial("raw", K.parse_raw_key(key))
        conn = _try(path, km.key, create=True)
        if conn is not None and not exists:
            K.private(path)
        if conn is None:
            raise HistoryLockedError("history is locked: wrong key", path=path)
        return conn, km

    salt_path, salt_new = folder / K.SALT_FILE, folder / (K.SALT_FILE + ".new")
    kr_path = folder / K.KEYRING_FILE
    salt_rec, salt_new_rec, kr_rec = K.read_json(salt_path), K.read_json(salt_new), K.read_json(kr_path)

    if salt_rec or salt_new_rec or kr_rec:
        pw_cache: list[str] = []

        def get_pw() -> str:
            if not pw_cache:
                pw_cache.append(passphrase or K.passphrase_from_environment())
            return pw_cache[0]

        wrong_pw = matched_but_refused = False
        keyring_reason = None
        # 1. the passphrase record
        if salt_rec:
            k = K.key_from_salt_record(salt_rec, get_pw())
            if k is None:
                wrong_pw = True
            else:
                conn = _try(path, k, create=not exists)
                if conn is not None:
                    return conn, K.KeyMaterial("passphrase", k, salt_rec, passphrase=get_pw())
                matched_but_refused = True
        # 2. the keyring key, then 3. a pending rotated keyring key
        if kr_rec:
            backend, keyring_reason = K.select_keyring()
            if backend is not None:
                user = kr_rec["username"]
                for candidate, pending in ((user, False), (user + ":pending", True)):
                    k = K.keyring_get(backend, candidate)
                    if k is None:
                        continue
                    conn = _try(path, k, create=not exists)
                    if conn is not None:
                        if pending:  # a rekey was cut short after PRAGMA rekey: finish it
                            K.keyring_set(backend, user, k)
                            K.keyring_delete(backend, candidate)
                        return conn, K.KeyMaterial("keyring", k, kr_rec, backend=backend)
                    matched_but_refused = True
                keyring_reason = keyring_reason if matched_but_refused else "the OS keyring holds no key for this history"
        # 4. a passphrase record of a rekey cut short
        if salt_new_rec:
            k = K.key_from_salt_record(salt_new_rec, get_pw())
            if k is not None:
                conn = _try(path, k, create=not exists)
                if conn is not None:
                    os.replace(salt_new, salt_path)
                    _drop_keyring_entry(kr_path, kr_rec)
                    return conn, K.KeyMaterial("passphrase", k, salt_new_rec, passphrase=get_pw())
        if matched_but_refused:
            raise HistoryLockedError(
                "history is locked: wrong key (the key material matches but the database does not open with it; "
                "damaged or replaced file?)",
                path=path,
            )
        if wrong_pw or (salt_new_rec and not kr_rec):
            raise HistoryLockedError("history is locked: wrong passphrase")
        raise HistoryLockedError(f"history is locked: {keyring_reason or 'no key'}")

    if exists:
        raise HistoryLockedError(
            f"history is locked: its key file ({K.SALT_FILE} or {K.KEYRING_FILE}) is missing", path=path
        )
    # A new history: a random key in the OS keyring, else a passphrase-derived key.
    backend = K.select_keyring()[0] if allow_keyring else None
    if backend is not None:
        rec = K.new_keyring_record()
        k = os.urandom(K.KEY_BYTES)
        K.keyring_set(backend, rec["username"], k)
        K.write_json_atomic(kr_path, rec)
        km = K.KeyMaterial("keyring", k, rec, backend=backend)
    else:
        pw = passphrase or K.passphrase_from_environment(confirm=True, prompt="New history passphrase: ")
        rec, k = K.new_salt_record(pw, n=scrypt_n or K.SCRYPT_N)
        K.write_json_atomic(salt_path, rec)
        km = K.KeyMaterial("passphrase", k, rec, passphrase=pw)
    conn = _try(path, k, create=True)
    K.private(path)
    if conn is None:  # pragma: no cover - a new file always opens
        raise HistoryError("could not create the history", path=path)
    return conn, km


def _drop_keyring_entry(kr_path: Path, kr_rec: dict | None) -> None:
    if not kr_rec:
        return
    backend, _ = K.select_keyring()
    if backend is not None:
        K.keyring_delete(backend, kr_rec["username"])
        K.keyring_delete(backend, kr_rec["username"] + ":pending")
    try:
        kr_path.unlink()
    except FileNotFoundError:
        pass


def open_history(
    home: str | os.PathLike | None = None,
    passphrase: str | None = None,
    key: bytes | str | None = None,
    allow_keyring: bool = True,
    *,
    scrypt_n: int | None = None,
    who: str | None = None,
) -> "History":
    """Open (or create) the encrypted history in the data folder.

    ``key``: a raw 32-byte key (or 64 hex digits), bypassing the keyring and the passphrase (tests,
    benchmarks, automation). ``passphrase``: used when the history is passphrase-keyed (the app passes
    what its dialog asked); else ``MEDASSIST_PASSPHRASE``, else the terminal. ``allow_keyring=False``
    makes a new history passphrase-keyed even where an OS keyring exists. ``scrypt_n`` sets the scrypt
    cost of a *new* passphrase (stored in the salt file). Raises HistoryLockedError (wrong or missing
    key/passphrase; the file is left untouched) or HistoryError (newer schema, damaged file).
    """
    from ..config import home_dir

    folder = home_dir(home)
    path = folder / DB_FILE
    conn, km = _open_connection(folder, path, passphrase=passphrase, key=key, allow_keyring=allow_keyring, scrypt_n=scrypt_n)
    return History._from_connection(conn, km, folder, path, who=who)


def history_state(home: str | os.PathLike | None = None, allow_keyring: bool = True) -> dict:
    """What opening the history will need, without opening it (for the app's unlock dialog).

    ``mode``: ``passphrase`` | ``keyring`` | ``new`` | ``missing-key-file`` (a database without its key
    file: it will not open). ``needs_passphrase``: whether the app should ask for one first.
    """
    from ..config import home_dir

    folder = home_dir(home)
    path = folder / DB_FILE
    exists = path.exists() and path.stat().st_size > 0
    if (folder / K.SALT_FILE).exists() or (folder / (K.SALT_FILE + ".new")).exists():
        mode = "passphrase"
    elif (folder / K.KEYRING_FILE).exists():
        mode = "keyring"
    elif exists:
        mode = "missing-key-file"
    else:
        mode = "new"
    needs = mode == "passphrase" or (mode == "new" and (not allow_keyring or K.select_keyring()[0] is None))
    return {"path": str(path), "exists": exists, "mode": mode, "needs_passphrase": needs}


def open_history_for_cli(home: str | os.PathLike | None = None) -> "History":
    """The history as the CLI opens it: OS keyring, else MEDASSIST_PASSPHRASE, else the terminal."""
    return open_history(home)


def _locked(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            if self._db is None:
                raise HistoryError("history is closed")
            return method(self, *args, **kwargs)

    return wrapper


# ------------------------------------------------------------------------------------------ History
class History:
    """An open history. Thread-safe (one lock around the connection); close it when done."""

    def __init__(self):  # use open_history()
        raise TypeError("use medassist.store.open_history() or open_history_for_cli()")

    @classmethod
    def _from_connection(cls, conn, km: K.KeyMaterial, folder: Path, path: Path, *, who: str | None) -> "History":
        import sqlite_utils

        self = object.__new__(cls)
        self._lock = threading.RLock()
        self.folder, self.path, self._km = folder, path, km
        self._who = who
        try:
            _check_not_newer(conn, path)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA cache_size = {CACHE_KIB}")
            db = sqlite_utils.Database(conn, execute_plugins=False)
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.enable_wal()
            migrate(db)
        except BaseException:
            conn.close()
            raise
        self._db = db
        self._audit("opened", {"mode": km.mode, "schema": SCHEMA_VERSION})
        return self

    # -- basics
    @property
    def db(self):
        """The sqlite_utils.Database (for readers that need more than this API)."""
        if self._db is None:
            raise HistoryError("history is closed")
        return self._db

    @property
    def mode(self) -> str:
        """How the key is held: keyring | passphrase | raw."""
        return self._km.mode

    @property
    def schema_version(self) -> int:
        return self.db.conn.execute("PRAGMA user_version").fetchone()[0]

    def who(self) -> str:
        if self._who is None:
            self._who = _who(self.folder)
        return self._who

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.conn.close()
                self._db = None

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"History({str(self.path)!r}, mode={self._km.mode!r}, open={self._db is not None})"

    def _audit(self, event: str, details: dict | None = None, run_id: int | None = None, who: str | None = None) -> None:
        if event not in AUDIT_EVENTS:
            raise HistoryError(f"unknown audit event {event!r}")
        self._db.conn.execute(
            "INSERT INTO audit (event, run_id, details, who, created) VALUES (?, ?, ?, ?, ?)",
            (event, run_id, _dumps(details or {}), who or self.who(), _now()),
        )

    @_locked
    def log_event(self, event: str, details: dict | None = None, run_id: int | None = None, who: str | None = None) -> None:
        """Append an audit event (e.g. ``exported``, ``unlocked``, ``locked``). ``details`` must hold no PHI."""
        self._audit(event, details, run_id, who)

    # -- writing
    def _document_id(self, row: dict) -> int:
        conn = self._db.conn
        found = conn.execute(
            "SELECT id FROM documents WHERE content_hash = ? AND kind = ? AND source = ? LIMIT 1",
            (row["content_hash"], row["kind"], row["source"]),
        ).fetchone()
        if found:
            return found[0]
        cols = ["source", "kind", "text", "summary", "content_hash", "patient_id", "study_uid", "study_date"]
        values = [row.get(c) for c in cols] + [_now()]
        cur = conn.execute(
            f"INSERT INTO documents ({', '.join(cols)}, created) VALUES ({', '.join('?' * (len(cols) + 1))})", values
        )
        return cur.lastrowid

    @_locked
    def record_run(
        self,
        task: str,
        source: Any,
        result: Any,
        params: dict | None = None,
        models: Iterable[Any] | None = None,
        elapsed_ms: float | None = None,
        *,
        status: str = "draft",
    ) -> int:
        """Store one run (its source document or study, result, parameters, model packs); return its id."""
        row = _source_row(source)
        result_d = _as_dict(result)
        model_list = [_model_info(m) for m in (models or [])]
        with self._db.atomic():
            doc_id = self._document_id(row) if row else None
            cur = self._db.conn.execute(
                "INSERT INTO runs (task, document_id, models, params, result, result_text, elapsed_ms, status, app_version, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    task,
                    doc_id,
                    _dumps(model_list),
                    _dumps(_as_dict(params)),
                    _dumps(result_d),
                    "\n".join(_strings(result_d, [])),
                    elapsed_ms,
                    status,
                    __version__,
                    _now(),
                ),
            )
            run_id = cur.lastrowid
            self._audit("ran", {"task": task, "models": [m.get("name") for m in model_list]}, run_id)
        return run_id

    def _require_run(self, run_id: int) -> None:
        if not self._db.conn.execute("SELECT 1 FROM runs WHERE id = ?", (int(run_id),)).fetchone():
            raise HistoryError(f"no run with id {run_id}")

    @_locked
    def record_edit(self, run_id: int, item: str, before: Any, after: Any, who: str | None = None) -> int:
        """Record that ``item`` (e.g. ``"codes/3"``, ``"letter"``) of a run was changed from ``before`` to ``after``."""
        self._require_run(run_id)
        enc = lambda v: v if (v is None or isinstance(v, str)) else _dumps(v)  # noqa: E731
        with self._db.atomic():
            cur = self._db.conn.execute(
                "INSERT INTO edits (run_id, item, before, after, who, created) VALUES (?, ?, ?, ?, ?, ?)",
                (int(run_id), item, enc(before), enc(after), who or self.who(), _now()),
            )
            self._audit("edited", {"item": item}, int(run_id), who)
        return cur.lastrowid

    @_locked
    def record_decision(self, run_id: int, item: str, decision: str, who: str | None = None) -> int:
        """Accept or reject ``item`` of a run; ``item="run"`` decides the whole draft (sets its status)."""
        if decision not in DECISIONS:
            raise HistoryError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
        self._require_run(run_id)
        with self._db.atomic():
            cur = self._db.conn.execute(
                "INSERT INTO acceptances (run_id, item, decision, who, created) VALUES (?, ?, ?, ?, ?)",
                (int(run_id), item, decision, who or self.who(), _now()),
            )
            if item == "run":
                self._db.conn.execute("UPDATE runs SET status = ? WHERE id = ?", (decision, int(run_id)))
            self._audit(decision, {"item": item}, int(run_id), who)
        return cur.lastrowid

    @_locked
    def record_export(self, run_id: int, fmt: str, who: str | None = None) -> None:
        """Audit that a run was exported (``fmt``: clipboard, pdf, docx, csv, sr...)."""
        self._require_run(run_id)
        self._audit("exported", {"format": fmt}, int(run_id), who)

    # -- reading
    _RUN_COLUMNS = (
        "r.id, r.task, r.status, r.created, r.elapsed_ms, r.models, r.document_id, d.source, d.kind, "
        "d.patient_id, d.study_uid"
    )

    @staticmethod
    def _run_summary(row) -> dict:
        (rid, task, status, created, elapsed, models, doc_id, source, kind, patient_id, study_uid) = row
        return {
            "id": rid,
            "task": task,
            "status": status,
            "created": created,
            "elapsed_ms": elapsed,
            "models": json.loads(models or "[]"),
            "document_id": doc_id,
            "source": source,
            "kind": kind,
            "patient_id": patient_id,
            "study_uid": study_uid,
        }

    @_locked
    def list_runs(self, limit: int = 50, task: str | None = None, offset: int = 0) -> list[dict]:
        """Newest runs first (summaries, no result bodies)."""
        sql = f"SELECT {self._RUN_COLUMNS} FROM runs r LEFT JOIN documents d ON d.id = r.document_id"
        args: list[Any] = []
        if task:
            sql += " WHERE r.task = ?"
            args.append(task)
        sql += " ORDER BY r.id DESC LIMIT ? OFFSET ?"
        args += [int(limit), int(offset)]
        return [self._run_summary(r) for r in self._db.conn.execute(sql, args)]

    @_locked
    def count_runs(self) -> int:
        return self._db.conn.execute("SELECT count(*) FROM runs").fetchone()[0]

    @_locked
    def get_run(self, run_id: int) -> dict:
        """One run in full: result, params, models, its document (text or study summary), edits, decisions."""
        conn = self._db.conn
        row = conn.execute(
            f"SELECT {self._RUN_COLUMNS}, r.params, r.result FROM runs r LEFT JOIN documents d ON d.id = r.document_id WHERE r.id = ?",
            (int(run_id),),
        ).fetchone()
        if row is None:
            raise HistoryError(f"no run with id {run_id}")
        run = self._run_summary(row[:-2])
        run["params"] = json.loads(row[-2])
        run["result"] = json.loads(row[-1])
        run["document"] = None
        if run["document_id"] is not None:
            d = conn.execute(
                "SELECT id, source, kind, text, summary, content_hash, patient_id, study_uid, study_date, created FROM documents WHERE id = ?",
                (run["document_id"],),
            ).fetchone()
            keys = ("id", "source", "kind", "text", "summary", "content_hash", "patient_id", "study_uid", "study_date", "created")
            doc = dict(zip(keys, d))
            doc["summary"] = json.loads(doc["summary"]) if doc["summary"] else None
            run["document"] = doc
        run["edits"] = [
            dict(zip(("id", "item", "before", "after", "who", "created"), e))
            for e in conn.execute("SELECT id, item, before, after, who, created FROM edits WHERE run_id = ? ORDER BY id", (int(run_id),))
        ]
        run["decisions"] = [
            dict(zip(("id", "item", "decision", "who", "created"), a))
            for a in conn.execute(
                "SELECT id, item, decision, who, created FROM acceptances WHERE run_id = ? ORDER BY id", (int(run_id),)
            )
        ]
        return run

    @_locked
    def search(self, query: str, limit: int = 20, *, order: str = "recent", raw: bool = False) -> list[dict]:
        """Runs whose document text or result matches ``query`` (FTS5).

        ``query`` is a user's words (all must appear; ``word*`` for a prefix) unless ``raw``, when it is
        passed to FTS5 as is. ``order="recent"`` (default): newest matches first — FTS5 walks its index
        in rowid order and stops after ``limit``, so a word found in half the history costs no more than
        a rare one. ``order="relevance"``: bm25 rank (scores every match; slower for common words).
        Each hit is a run summary plus ``match`` (a snippet with the words in [brackets]) and
        ``matched_in`` (``document`` or ``result``).
        """
        if order not in ("recent", "relevance"):
            raise HistoryError(f"order must be 'recent' or 'relevance', not {order!r}")
        q = query if raw else fts_query(query)
        by = "rank" if order == "relevance" else "rowid DESC"
        conn = self._db.conn
        sqlcipher3 = _sqlcipher()
        try:
            doc_hits = conn.execute(
                "SELECT rowid, snippet(documents_fts, 1, '[', ']', '…', 12) FROM documents_fts "
                f"WHERE documents_fts MATCH ? ORDER BY {by} LIMIT ?",
                (q, int(limit)),
            ).fetchall()
            run_hits = conn.execute(
                "SELECT rowid, snippet(runs_fts, 1, '[', ']', '…', 12) FROM runs_fts "
                f"WHERE runs_fts MATCH ? ORDER BY {by} LIMIT ?",
                (q, int(limit)),
            ).fetchall()
        except sqlcipher3.OperationalError as exc:
            raise HistoryError(f"bad search query {query!r}: {exc}") from exc
        hits: dict[int, dict] = {}
        base = f"SELECT {self._RUN_COLUMNS} FROM runs r LEFT JOIN documents d ON d.id = r.document_id"
        for doc_id, snip in doc_hits:
            for row in conn.execute(base + " WHERE r.document_id = ? ORDER BY r.id DESC LIMIT ?", (doc_id, int(limit))):
                if row[0] not in hits:
                    hits[row[0]] = {**self._run_summary(row), "match": snip, "matched_in": "document"}
        for run_id, snip in run_hits:
            if run_id not in hits:
                row = conn.execute(base + " WHERE r.id = ?", (run_id,)).fetchone()
                if row:
                    hits[run_id] = {**self._run_summary(row), "match": snip, "matched_in": "result"}
        out = list(hits.values())
        if order == "recent":
            out.sort(key=lambda h: h["id"], reverse=True)
        return out[: int(limit)]

    @_locked
    def prior_studies(self, patient_id: str, exclude_study_uid: str | None = None) -> list[dict]:
        """Studies of ``patient_id`` seen before (newest first): study_uid, study_date, description, modality."""
        if not patient_id:
            return []
        out: dict[str, dict] = {}
        for uid, summary in self._db.conn.execute(
            "SELECT study_uid, summary FROM documents WHERE kind = 'study' AND patient_id = ? AND study_uid IS NOT NULL ORDER BY id",
            (str(patient_id),),
        ):
            if uid == exclude_study_uid or uid in out:
                continue
            s = json.loads(summary or "{}")
            mods = s.get("modalities") or []
            out[uid] = {
                "study_uid": uid,
                "study_date": s.get("study_date"),
                "description": s.get("description"),
                "modality": mods[0] if len(mods) == 1 else ("/".join(mods) if mods else None),
            }
        return sorted(out.values(), key=lambda d: d["study_date"] or "", reverse=True)

    @_locked
    def audit_events(self, limit: int | None = None, event: str | None = None, run_id: int | None = None) -> list[dict]:
        """The audit log, oldest first (``limit`` keeps the newest ``limit``)."""
        sql = "SELECT id, event, run_id, details, who, created FROM audit"
        cond, args = [], []
        if event:
            cond.append("event = ?")
            args.append(event)
        if run_id is not None:
            cond.append("run_id = ?")
            args.append(int(run_id))
        if cond:
            sql += " WHERE " + " AND ".join(cond)
        sql += " ORDER BY id DESC"
        if limit:
            sql += " LIMIT ?"
            args.append(int(limit))
        rows = list(self._db.conn.execute(sql, args))[::-1]
        return [
            {"id": i, "event": e, "run_id": r, "details": json.loads(d), "who": w, "created": c}
            for i, e, r, d, w, c in rows
        ]

    @_locked
    def check(self) -> list[str]:
        """Problems found by ``cipher_integrity_check`` and ``integrity_check`` (empty: all well)."""
        return _integrity_problems(self._db.conn)

    # -- keys, backup, restore
    @_locked
    def rekey(self, new_passphrase: str | None = None, *, new_key: bytes | str | None = None, scrypt_n: int | None = None) -> str:
        """Rotate the key (``PRAGMA rekey``); return the new mode.

        keyring mode: a new random key (or, with ``new_passphrase``, switch to a passphrase).
        passphrase mode: a new salt for the same passphrase, or ``new_passphrase`` (change of passphrase).
        raw mode: ``new_key`` is required. Crash-safe: the new material is saved as pending first.
        """
        km, folder, conn = self._km, self.folder, self._db.conn
        if km.mode == "raw" or new_key is not None:
            if new_key is None:
                raise HistoryError("a history opened with a raw key needs new_key to rekey")
            k = K.parse_raw_key(new_key)
            self._rekey_to(k)
            self._km = K.KeyMaterial("raw", k)
        elif new_passphrase is not None or km.mode == "passphrase":
            pw = new_passphrase if new_passphrase is not None else km.passphrase
            if not pw:
                raise HistoryError("the new passphrase is empty")
            n = scrypt_n or int(km.record.get("n", K.SCRYPT_N)) if km.mode == "passphrase" else (scrypt_n or K.SCRYPT_N)
            rec, k = K.new_salt_record(pw, n=n)
            pending = folder / (K.SALT_FILE + ".new")
            K.write_json_atomic(pending, rec)
            self._rekey_to(k)
            os.replace(pending, folder / K.SALT_FILE)
            K._fsync_dir(folder)
            if km.mode == "keyring":
                _drop_keyring_entry(folder / K.KEYRING_FILE, km.record)
            self._km = K.KeyMaterial("passphrase", k, rec, passphrase=pw)
        else:  # keyring rotation
            backend, user = km.backend, km.record["username"]
            k = os.urandom(K.KEY_BYTES)
            K.keyring_set(backend, user + ":pending", k)
            self._rekey_to(k)
            K.keyring_set(backend, user, k)
            K.keyring_delete(backend, user + ":pending")
            self._km = K.KeyMaterial("keyring", k, km.record, backend=backend)
        self._audit("rekeyed", {"from": km.mode, "to": self._km.mode, "passphrase_changed": new_passphrase is not None})
        return self._km.mode

    def _rekey_to(self, k: bytes) -> None:
        conn = self._db.conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"PRAGMA rekey = \"x'{k.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    @_locked
    def backup(self, dest: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """A consistent encrypted copy at ``dest`` (same key material), plus ``dest.key.json`` beside it
        (the salt record, or the keyring reference; never a key). Returns the path."""
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / f"medassist-history-{datetime.now().strftime('%Y%m%d-%H%M%S')}.db"
        side = dest.with_name(dest.name + ".key.json")
        if dest.exists() and not overwrite:
            raise HistoryError("backup file already exists", path=dest)
        if dest.resolve() == self.path.resolve():
            raise HistoryError("cannot back the history up onto itself", path=dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        _remove_db_files(tmp)
        km = self._km
        record: dict[str, Any] = {"version": 1, "mode": km.mode, "schema": self.schema_version, "created": _now(), "app_version": __version__}
        if km.mode == "passphrase":
            record["salt"] = km.record
        elif km.mode == "keyring":
            # The backup keeps its own keyring entry, so a later rekey of the history does not lock it out.
            user = f"backup-{os.urandom(8).hex()}"
            K.keyring_set(km.backend, user, km.key)
            record["keyring"] = {"service": K.SERVICE, "username": user}
        target = connect(tmp, km.key, create=True)
        K.private(tmp)
        try:
            self._db.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problems = _integrity_problems(target)
        finally:
            target.close()
        if problems:
            _remove_db_files(tmp)
            raise HistoryError(f"backup failed its integrity check: {problems[0]}", path=dest)
        K.write_json_atomic(side, record)
        os.replace(tmp, dest)
        K._fsync_dir(dest.parent)
        self._audit("backup", {"mode": km.mode, "bytes": dest.stat().st_size})
        return dest

    @_locked
    def restore(self, src: str | os.PathLike, *, passphrase: str | None = None, key: bytes | str | None = None) -> dict:
        """Replace the history with the backup at ``src`` after checking it opens and passes the integrity
        checks. The data is re-encrypted with this history's key material; the old file is kept as
        ``history.db.bak``. The backup's key: its salt record with ``passphrase`` (default: this
        history's passphrase, then MEDASSIST_PASSPHRASE), its keyring entry, or ``key``."""
        src = Path(src)
        if not src.is_file():
            raise HistoryError("no such backup file", path=src)
        record = K.read_json(src.with_name(src.name + ".key.json")) or {}
        candidates: list[bytes] = []
        if key is not None:
            candidates.append(K.parse_raw_key(key))
        mode = record.get("mode")
        if mode == "passphrase":
            pw = passphrase or self._km.passphrase or K.passphrase_from_environment(prompt="Backup passphrase: ")
            k = K.key_from_salt_record(record["salt"], pw)
            if k is None:
                raise HistoryLockedError("backup is locked: wrong passphrase", path=src)
            candidates.append(k)
        elif mode == "keyring":
            backend, reason = K.select_keyring()
            k = K.keyring_get(backend, record["keyring"]["username"]) if backend is not None else None
            if k is None:
                raise HistoryLockedError(f"backup is locked: its key is not in the OS keyring ({reason})", path=src)
            candidates.append(k)
        candidates.append(self._km.key)
        conn = None
        for k in candidates:
            try:
                conn = connect(src, k, readonly=True)
                break
            except _WrongKey:
                continue
        if conn is None:
            raise HistoryLockedError("backup is locked: wrong key or passphrase", path=src)
        tmp = self.folder / (DB_FILE + ".restore")
        try:
            with closing(conn):
                problems = _integrity_problems(conn)
                if problems:
                    raise HistoryError(f"backup failed its integrity check: {problems[0]}", path=src)
                _check_not_newer(conn, src)
                if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
                    raise HistoryError("not a MedAssist history backup", path=src)
                runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
                _remove_db_files(tmp)
                target = connect(tmp, self._km.key, create=True)
                K.private(tmp)
                try:
                    conn.backup(target)
                    target.execute("PRAGMA journal_mode = DELETE")
                    problems = _integrity_problems(target)
                finally:
                    target.close()
                if problems:
                    raise HistoryError(f"restored copy failed its integrity check: {problems[0]}", path=src)
        except BaseException:
            _remove_db_files(tmp)
            raise
        # Swap the files: close ours; if a WAL survives, another process has the history open.
        self._db.conn.close()
        self._db = None
        wal = self.path.with_name(self.path.name + "-wal")
        shm = self.path.with_name(self.path.name + "-shm")
        if wal.exists() or shm.exists():  # the last connection to close removes both
            self._reopen()
            _remove_db_files(tmp)
            raise HistoryError("the history is open in another MedAssist process; close it and restore again", path=self.path)
        bak = self.path.with_name(self.path.name + ".bak")
        _remove_db_files(bak)
        for suffix in ("-wal", "-shm"):
            try:
                self.path.with_name(self.path.name + suffix).unlink()
            except FileNotFoundError:
                pass
        os.replace(self.path, bak)
        os.replace(tmp, self.path)
        K._fsync_dir(self.folder)
        self._reopen()
        self._audit("restore", {"runs": runs, "from_schema": record.get("schema")})
        return {"runs": runs, "backup_of_previous": str(bak)}

    def _reopen(self) -> None:
        import sqlite_utils

        conn = connect(self.path, self._km.key)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA cache_size = {CACHE_KIB}")
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.enable_wal()
        migrate(db)
        self._db = db


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            path.with_name(path.name + suffix).unlink()
        except FileNotFoundError:
            pass
