"""Shared helpers for the store tests (no tests here): an in-memory keyring and fake studies.

Tests never touch a real keyring: conftest forces ``keyring.backends.fail.Keyring``; tests that need a
keyring install :class:`MemoryKeyring` with ``keyring.set_keyring`` and allow it explicitly through
``medassist.store.keys.TEST_BACKENDS``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

FAST_N = 2**10  # scrypt cost for test histories (the product uses 2**15)


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


@pytest.fixture(autouse=True)
def no_real_keyring():
    """Even if keyring was initialised before conftest's PYTHON_KEYRING_BACKEND took effect (say, by
    an import at collection time), the store tests run against the failing backend."""
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    yield


@pytest.fixture
def memory_keyring(monkeypatch):
    """An allowed in-memory keyring for the duration of one test."""
    from keyring.backends import fail

    from medassist.store import keys

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setattr(keys, "TEST_BACKENDS", [MemoryKeyring])
    yield backend
    keyring.set_keyring(fail.Keyring())


@dataclass
class FakeSeries:
    series_uid: str
    modality: str
    description: str
    number: int = 1
    instances: list = field(default_factory=lambda: [object(), object()])


@dataclass
class FakeStudy:
    """Duck-types medassist.ingest.dicom.Study for the history."""

    study_uid: str
    patient_id: str
    study_date: str
    description: str
    modalities: list
    series: list
    patient_name: str = "Doe^Jane"


def study(uid: str, patient: str, date: str, description: str, modality: str = "CT") -> FakeStudy:
    return FakeStudy(uid, patient, date, description, [modality], [FakeSeries(uid + ".1", modality, description + " axial")])


def folder_hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).iterdir()) if p.is_file()}
