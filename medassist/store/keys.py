"""Key material for the encrypted history.

Two ways to hold the 256-bit SQLCipher key (SQLCipher always gets it as raw hex, ``x'...'``, so no
PBKDF2 runs inside SQLCipher):

* **keyring** — a random key kept in the operating system's keyring (Windows Credential Manager,
  macOS Keychain, Secret Service / libsecret, KWallet), service ``MedAssist``, user name = the history's
  id. Only those OS-backed backends are accepted; the fail/null/plaintext/encrypted-file backends that
  ``keyring`` may fall back to are refused (a plaintext file next to the database protects nothing, and
  ``keyrings.cryptfile`` prompts on stdin).
* **passphrase** — where there is no OS keyring: ``scrypt(passphrase, salt)``; the salt, the KDF
  parameters and a key-check value sit beside the database in ``history.salt.json`` (no secret in it),
  so a wrong passphrase is detected before the database is touched.

Sidecar files (beside ``history.db``): ``history.salt.json`` (passphrase mode) or ``history.keyring.json``
(keyring mode: service and user name only). A rekey writes the new material as ``<sidecar>.new`` (or the
keyring entry ``<id>:pending``) *before* ``PRAGMA rekey`` and promotes it after, so a crash in between
never locks the history for good.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import HistoryError, HistoryLockedError

SERVICE = "MedAssist"
SALT_FILE = "history.salt.json"
KEYRING_FILE = "history.keyring.json"
KEY_BYTES = 32
#: scrypt cost for new passphrases (n=2**15, r=8, p=1: 32 MiB, ~0.1 s). Stored in the salt file.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_CHECK_LABEL = b"MedAssist history key check v1"

#: Keyring backends accepted for holding the raw key: OS-backed stores only.
OS_BACKENDS = {
    "keyring.backends.Windows.WinVaultKeyring",
    "keyring.backends.macOS.Keyring",
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
    "keyring.backends.kwallet.DBusKeyringKWallet4",
}
#: Platform order in which OS backends are tried explicitly.
_PLATFORM_BACKENDS = {
    "win32": ["keyring.backends.Windows.WinVaultKeyring"],
    "darwin": ["keyring.backends.macOS.Keyring"],
}
_DEFAULT_BACKENDS = [
    "keyring.backends.SecretService.Keyring",
    "keyring.backends.libsecret.Keyring",
    "keyring.backends.kwallet.DBusKeyring",
]

#: Backend classes tests may allow in addition to the OS ones (tests only; the app never sets this).
TEST_BACKENDS: list[type] = []


# ------------------------------------------------------------------------------------------ keyring
def _qualname(obj: Any) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _accepted(backend: Any) -> bool:
    if _qualname(backend) in OS_BACKENDS:
        return True
    return any(isinstance(backend, cls) for cls in TEST_BACKENDS)


def select_keyring() -> tuple[Any | None, str]:
    """The OS keyring backend to keep the key in, or ``(None, reason)`` when there is none.

    Order: the backend ``keyring`` chose (or was given via ``keyring.set_keyring`` /
    ``PYTHON_KEYRING_BACKEND``) when it is an OS backend (or, inside a chainer, its first OS child);
    then, unless ``PYTHON_KEYRING_BACKEND`` forces a choice, the platform's OS backends tried
    explicitly. Anything else (fail, null, plaintext, cryptfile, ...) is refused.
    """
    try:
        import keyring
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None, "the keyring package is not installed"
    try:
        current = keyring.get_keyring()
    except Exception as exc:  # a broken keyring config must not stop the app
        current, reason = None, f"keyring failed to load: {exc}"
    else:
        reason = f"refused keyring backend {_qualname(current)} (not an OS keyring)"
        if _accepted(current):
            return current, "ok"
        for child in getattr(current, "backends", None) or []:
            if _accepted(child):
                return child, "ok"
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return None, reason
    import importlib

    for name in _PLATFORM_BACKENDS.get(sys.platform, _DEFAULT_BACKENDS):
        module, _, cls_name = name.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), cls_name)
            cls.priority  # raises when the backend cannot work here (no D-Bus, wrong OS, ...)
            return cls(), "ok"
        except Exception:
            continue
    return None, reason + "; no OS keyring is available"


def keyring_description() -> str:
    """One line for ``medassist doctor``: which keyring backend the history would use."""
    backend, reason = select_keyring()
    if backend is None:
        return f"none ({reason}); the history key comes from a passphrase"
    return _qualname(backend)


# ------------------------------------------------------------------------------------------ passphrase
def passphrase_from_environment(*, confirm: bool = False, prompt: str = "History passphrase: ") -> str:
    """MEDASSIST_PASSPHRASE, else the terminal (only when stdin is a tty), else HistoryLockedError."""
    value = os.environ.get("MEDASSIST_PASSPHRASE")
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat the passphrase: ") != value:
            raise HistoryLockedError("history is locked: the two passphrases differ")
        if value:
            return value
    raise HistoryLockedError("history is locked: no passphrase given (set MEDASSIST_PASSPHRASE or run in a terminal)")


def derive_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=256 * 1024 * 1024
    )


def key_check(key: bytes) -> str:
    """A value that tells a right key from a wrong one without revealing the key (HMAC-SHA256)."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()


def new_salt_record(passphrase: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> tuple[dict, bytes]:
    salt = secrets.token_bytes(16)
    key = derive_key(passphrase, salt, n, r, p)
    record = {
        "version": 1,
        "kdf": "scrypt",
        "n": n,
        "r": r,
        "p": p,
        "dklen": KEY_BYTES,
        "salt": salt.hex(),
        "check": key_check(key),
    }
    return record, key


def key_from_salt_record(record: dict, passphrase: str) -> bytes | None:
    """The key for ``passphrase``, or None when the key-check value says it is the wrong one."""
    key = derive_key(passphrase, bytes.fromhex(record["salt"]), int(record["n"]), int(record["r"]), int(record["p"]))
    if not hmac.compare_digest(key_check(key), record["check"]):
        return None
    return key


# ------------------------------------------------------------------------------------------ sidecars
def read_json(path: Path) -> dict | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HistoryError(f"key file is unreadable: {exc}", path=path) from exc
    if not isinstance(data, dict):
        raise HistoryError("key file is not a JSON object", path=path)
    return data


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    private(tmp)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def private(path: Path) -> None:
    """Owner-only permissions (POSIX); SQLite gives its -wal/-shm files the database file's mode."""
    if os.name == "posix":
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass
class KeyMaterial:
    """How a history is keyed: ``mode`` is ``passphrase``, ``keyring`` or ``raw`` (a key given directly).

    ``record`` is the sidecar content (salt record, or keyring reference); ``backend`` the keyring backend.
    """

    mode: str
    key: bytes
    record: dict = field(default_factory=dict)
    backend: Any = None
    passphrase: str | None = field(default=None, repr=False)

    @property
    def hex_pragma(self) -> str:
        return f"\"x'{self.key.hex()}'\""

    def __repr__(self) -> str:  # never show the key
        return f"KeyMaterial(mode={self.mode!r})"


def new_keyring_record() -> dict:
    return {"version": 1, "service": SERVICE, "username": f"history-{uuid.uuid4()}"}


def keyring_get(backend: Any, username: str) -> bytes | None:
    try:
        value = backend.get_password(SERVICE, username)
    except Exception as exc:
        raise HistoryLockedError(f"history is locked: the OS keyring could not be read ({exc})") from exc
    if not value:
        return None
    try:
        key = bytes.fromhex(value)
    except ValueError:
        return None
    return key if len(key) == KEY_BYTES else None


def keyring_set(backend: Any, username: str, key: bytes) -> None:
    try:
        backend.set_password(SERVICE, username, key.hex())
    except Exception as exc:
        raise HistoryError(f"the key could not be stored in the OS keyring ({exc})") from exc
    if keyring_get(backend, username) != key:
        raise HistoryError("the OS keyring did not keep the history key")


def keyring_delete(backend: Any, username: str) -> None:
    try:
        backend.delete_password(SERVICE, username)
    except Exception:
        pass


def parse_raw_key(key: bytes | str) -> bytes:
    """A key given directly: 32 bytes, or 64 hex digits."""
    if isinstance(key, str):
        try:
            key = bytes.fromhex(key)
        except ValueError as exc:
            raise HistoryError("a history key must be 64 hex digits") from exc
    if not isinstance(key, (bytes, bytearray)) or len(key) != KEY_BYTES:
        raise HistoryError("a history key must be 32 bytes (64 hex digits)")
    return bytes(key)
