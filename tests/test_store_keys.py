"""Keys: OS keyring (in-memory stand-in), passphrase (scrypt + key check), wrong keys, rekey, pending rekeys."""

from __future__ import annotations

import io
import json
import os
import sys

import keyring
import pytest
from keyring.backends import chainer, fail
from keyrings.alt.file import PlaintextKeyring
from test_store_support import FAST_N, MemoryKeyring, folder_hashes, memory_keyring, no_real_keyring  # noqa: F401

from medassist.errors import HistoryError, HistoryLockedError
from medassist.store import keys, open_history
from medassist.store.db import DB_FILE


def _make(home, **kw):
    h = open_history(home, scrypt_n=FAST_N, **kw)
    h.record_run("code", "Chest pain. Hypertension.", {"codes": [{"code": "I10"}]})
    return h


# ------------------------------------------------------------------------------ backend choice
def test_non_os_backends_are_refused(monkeypatch):
    for backend in (fail.Keyring(), PlaintextKeyring(), chainer.ChainerBackend()):
        keyring.set_keyring(backend)
        try:
            chosen, reason = keys.select_keyring()
        finally:
            keyring.set_keyring(fail.Keyring())
        assert chosen is None, backend
        assert "refused" in reason
    # an in-memory backend is refused unless a test allows it explicitly
    keyring.set_keyring(MemoryKeyring())
    try:
        assert keys.select_keyring()[0] is None
        monkeypatch.setattr(keys, "TEST_BACKENDS", [MemoryKeyring])
        assert isinstance(keys.select_keyring()[0], MemoryKeyring)
    finally:
        keyring.set_keyring(fail.Keyring())


def test_os_backends_are_accepted_by_class():
    from keyring.backends import SecretService, Windows, kwallet, macOS

    for cls in (SecretService.Keyring, Windows.WinVaultKeyring, macOS.Keyring, kwallet.DBusKeyring):
        assert keys._accepted(cls()), cls
    assert not keys._accepted(PlaintextKeyring())


def test_refused_backend_falls_back_to_passphrase(home, monkeypatch):
    mem = MemoryKeyring()
    keyring.set_keyring(mem)  # not allowed: behaves like plaintext/cryptfile would
    try:
        with open_history(home, scrypt_n=FAST_N) as h:
            assert h.mode == "passphrase"
    finally:
        keyring.set_keyring(fail.Keyring())
    assert mem.entries == {}
    salt = json.loads((home / keys.SALT_FILE).read_text())
    assert salt["kdf"] == "scrypt" and salt["n"] == FAST_N and len(bytes.fromhex(salt["salt"])) == 16
    assert "key" not in json.dumps(salt).replace('"check"', "")


# ------------------------------------------------------------------------------ keyring mode
def test_keyring_mode_stores_a_random_key_and_reopens(home, memory_keyring):
    with _make(home) as h:
        assert h.mode == "keyring"
    ref = json.loads((home / keys.KEYRING_FILE).read_text())
    stored = memory_keyring.entries[(keys.SERVICE, ref["username"])]
    assert len(bytes.fromhex(stored)) == 32
    assert not (home / keys.SALT_FILE).exists()
    # no passphrase needed to reopen
    os.environ.pop("MEDASSIST_PASSPHRASE")
    with open_history(home) as h:
        assert h.count_runs() == 1


def test_keyring_rotation_keeps_data_and_changes_the_key(home, memory_keyring):
    with _make(home) as h:
        ref = json.loads((home / keys.KEYRING_FILE).read_text())
        before = memory_keyring.entries[(keys.SERVICE, ref["username"])]
        assert h.rekey() == "keyring"
    after = memory_keyring.entries[(keys.SERVICE, ref["username"])]
    assert after != before
    assert (keys.SERVICE, ref["username"] + ":pending") not in memory_keyring.entries
    with open_history(home) as h:
        assert h.count_runs() == 1 and h.check() == []
    # the old key no longer opens it
    with pytest.raises(HistoryLockedError, match="wrong key"):
        open_history(home, key=before)


def test_keyring_key_missing_or_wrong_locks_without_touching_the_file(home, memory_keyring):
    _make(home).close()
    ref = json.loads((home / keys.KEYRING_FILE).read_text())
    before = folder_hashes(home)
    memory_keyring.entries[(keys.SERVICE, ref["username"])] = os.urandom(32).hex()
    with pytest.raises(HistoryLockedError, match="history is locked: wrong key"):
        open_history(home)
    del memory_keyring.entries[(keys.SERVICE, ref["username"])]
    with pytest.raises(HistoryLockedError, match="no key for this history"):
        open_history(home)
    assert folder_hashes(home) == before


def test_keyring_rotation_cut_short_is_finished_on_open(home, memory_keyring, monkeypatch):
    h = _make(home)
    ref = json.loads((home / keys.KEYRING_FILE).read_text())
    real_set = keys.keyring_set

    def crash_on_main(backend, username, key):
        if not username.endswith(":pending"):
            raise RuntimeError("power cut")
        real_set(backend, username, key)

    monkeypatch.setattr(keys, "keyring_set", crash_on_main)
    with pytest.raises(RuntimeError):
        h.rekey()  # PRAGMA rekey done, the keyring still holds the old key
    h.close()
    monkeypatch.setattr(keys, "keyring_set", real_set)
    pending = memory_keyring.entries[(keys.SERVICE, ref["username"] + ":pending")]
    with open_history(home) as h2:
        assert h2.count_runs() == 1
    assert memory_keyring.entries[(keys.SERVICE, ref["username"])] == pending
    assert (keys.SERVICE, ref["username"] + ":pending") not in memory_keyring.entries


def test_switch_from_keyring_to_passphrase(home, memory_keyring):
    with _make(home) as h:
        assert h.rekey(new_passphrase="a new passphrase", scrypt_n=FAST_N) == "passphrase"
    assert not (home / keys.KEYRING_FILE).exists() and (home / keys.SALT_FILE).exists()
    assert not [k for k in memory_keyring.entries if k[1].startswith("history-")]
    with pytest.raises(HistoryLockedError, match="wrong passphrase"):
        open_history(home)  # MEDASSIST_PASSPHRASE is the old test passphrase
    with open_history(home, passphrase="a new passphrase") as h:
        assert h.count_runs() == 1


# ------------------------------------------------------------------------------ passphrase mode
def test_wrong_passphrase_is_detected_and_the_files_stay_byte_identical(home):
    _make(home).close()
    before = folder_hashes(home)
    assert set(before) == {DB_FILE, keys.SALT_FILE}
    with pytest.raises(HistoryLockedError) as err:
        open_history(home, passphrase="not the passphrase")
    assert str(err.value) == "history is locked: wrong passphrase"
    assert err.value.exit_code == 6
    assert folder_hashes(home) == before  # no -wal/-shm, nothing rewritten


def test_wrong_raw_key_reaches_sqlcipher_and_leaves_the_file_identical(home):
    key = os.urandom(32)
    with open_history(home, key=key) as h:
        h.record_run("code", "note", {"x": 1})
    before = folder_hashes(home)
    with pytest.raises(HistoryLockedError, match="history is locked: wrong key"):
        open_history(home, key=os.urandom(32))
    assert folder_hashes(home) == before
    with open_history(home, key=key.hex()) as h:
        assert h.count_runs() == 1


def test_missing_key_file_never_creates_a_new_database(home):
    _make(home).close()
    (home / keys.SALT_FILE).unlink()
    before = folder_hashes(home)
    with pytest.raises(HistoryLockedError, match="key file"):
        open_history(home)
    assert folder_hashes(home) == before


def test_no_passphrase_and_no_terminal_gives_a_clear_error(home, monkeypatch):
    monkeypatch.delenv("MEDASSIST_PASSPHRASE")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(HistoryLockedError) as err:
        open_history(home)
    assert str(err.value) == "history is locked: no passphrase given (set MEDASSIST_PASSPHRASE or run in a terminal)"
    assert not (home / DB_FILE).exists()


def test_passphrase_from_the_environment_and_from_the_app(home, monkeypatch):
    _make(home).close()
    monkeypatch.setenv("MEDASSIST_PASSPHRASE", "something else")
    with pytest.raises(HistoryLockedError):
        open_history(home)
    # the app passes what its dialog asked; it wins over the environment
    with open_history(home, passphrase="correct horse battery staple") as h:
        assert h.count_runs() == 1


def test_key_check_value_tells_right_from_wrong():
    record, key = keys.new_salt_record("pw", n=FAST_N)
    assert keys.key_from_salt_record(record, "pw") == key
    assert keys.key_from_salt_record(record, "pW") is None
    assert record["check"] != key.hex()


def test_change_of_passphrase_and_rotation_keep_data(home):
    with _make(home) as h:
        old_salt = json.loads((home / keys.SALT_FILE).read_text())["salt"]
        h.rekey()  # same passphrase, new salt -> new key
        assert json.loads((home / keys.SALT_FILE).read_text())["salt"] != old_salt
        h.rekey(new_passphrase="second passphrase")
        h.record_run("letter", "More text.", {"letter": "Dear patient"})
    with pytest.raises(HistoryLockedError, match="wrong passphrase"):
        open_history(home)
    with open_history(home, passphrase="second passphrase") as h:
        assert h.count_runs() == 2 and h.check() == []
        events = [e["event"] for e in h.audit_events()]
        assert events.count("rekeyed") == 2


def test_passphrase_rekey_cut_short_is_finished_on_open(home, monkeypatch):
    from medassist.store import db as dbmod

    h = _make(home)
    real_replace = os.replace

    def crash(src, dst):
        if str(src).endswith(".new"):
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(dbmod.os, "replace", crash)
    with pytest.raises(OSError):
        h.rekey(new_passphrase="next one")
    h.close()
    monkeypatch.setattr(dbmod.os, "replace", real_replace)
    assert (home / (keys.SALT_FILE + ".new")).exists()
    # the old passphrase no longer opens the database; the pending record with the new one does
    with pytest.raises(HistoryLockedError):
        open_history(home)
    with open_history(home, passphrase="next one") as h:
        assert h.count_runs() == 1
    assert not (home / (keys.SALT_FILE + ".new")).exists()
    with open_history(home, passphrase="next one") as h:
        assert h.mode == "passphrase"


def test_bad_raw_keys_are_rejected(home):
    with pytest.raises(HistoryError, match="64 hex"):
        open_history(home, key="abc")
    with pytest.raises(HistoryError, match="32 bytes"):
        open_history(home, key=b"short")


def test_history_state_tells_the_app_whether_to_ask(home, monkeypatch):
    from medassist.store import history_state

    assert history_state(home) == {"path": str(home / DB_FILE), "exists": False, "mode": "new", "needs_passphrase": True}
    _make(home).close()
    assert history_state(home)["mode"] == "passphrase" and history_state(home)["needs_passphrase"]
    (home / keys.SALT_FILE).unlink()
    assert history_state(home)["mode"] == "missing-key-file"


def test_history_state_with_a_keyring(home, memory_keyring):
    from medassist.store import history_state

    assert history_state(home)["needs_passphrase"] is False
    assert history_state(home, allow_keyring=False)["needs_passphrase"] is True
    _make(home).close()
    assert history_state(home) == {"path": str(home / DB_FILE), "exists": True, "mode": "keyring", "needs_passphrase": False}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_history_files_are_private(home, tmp_path):
    with _make(home) as h:
        h.backup(tmp_path / "b.db")
        for p in (home / DB_FILE, home / (DB_FILE + "-wal"), home / keys.SALT_FILE, tmp_path / "b.db", tmp_path / "b.db.key.json"):
            assert p.stat().st_mode & 0o077 == 0, p
