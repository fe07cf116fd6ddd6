"""The compiled ICD-10-CM lexicon is cached on disk under a key of everything that shapes it; a stale or
damaged cache is never used."""
from __future__ import annotations

import gzip
import json

import pytest

from medassist.tasks import coding_lexicon as L
from medassist.tasks import coding_lexicon_cache as C


def _terms(lex):
    return [(t.code, t.words, t.text, t.source) for t in lex.terms]


@pytest.fixture(scope="module")
def compiled():
    return [(t.code, t.words, t.text, t.source) for t in L._compile()]


@pytest.fixture(scope="module")
def key_pos(compiled):
    return L._key_positions([L.Term(*row) for row in compiled])


def _fresh_build():
    L._build.cache_clear()
    try:
        return L._build()
    finally:
        L._build.cache_clear()


def test_cache_written_then_used_with_identical_terms(compiled, monkeypatch):
    key = C.cache_key()
    path = C.cache_path(key)
    assert not path.exists()
    first = _fresh_build()
    assert path.is_file() and _terms(first) == compiled
    assert path.stat().st_mode & 0o044 == 0o044  # readable by every user (shipped read-only in installed apps)
    # the second process-level build reads the file instead of compiling
    monkeypatch.setattr(L, "_compile", lambda: pytest.fail("compiled although a valid cache exists"))
    second = _fresh_build()
    assert _terms(second) == compiled
    assert second.index == first.index  # the index is rebuilt from the cached key positions, not recomputed
    # and matching still works from the cached terms
    text = "Type 2 diabetes mellitus and essential hypertension."
    codes = {t.code for t, _ in second.match(text, 0, len(text))}
    assert "I10" in codes and any(c.startswith("E11") for c in codes)


def test_changed_inputs_give_a_new_key_and_old_files_go(compiled, monkeypatch):
    C.save(C.cache_key(), compiled[:10], L._key_positions([L.Term(*row) for row in compiled[:10]]))
    old = C.cache_path()
    monkeypatch.setattr(C, "FORMAT", C.FORMAT + 1)
    assert C.cache_path() != old and C.load(C.cache_key()) is None  # the old file is not read under the new key
    C.save(C.cache_key(), compiled[:10], L._key_positions([L.Term(*row) for row in compiled[:10]]))
    assert not old.exists() and C.cache_path().is_file()


@pytest.mark.parametrize("damage", ["truncate", "wrong_key", "ragged", "key_pos_out_of_range"])
def test_damaged_cache_is_ignored_and_rebuilt(compiled, key_pos, damage):
    key = C.cache_key()
    path = C.save(key, compiled, key_pos)
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: 1000])
    else:
        data = json.loads(gzip.decompress(path.read_bytes()))
        if damage == "wrong_key":
            data["key"] = "0" * 20
        elif damage == "ragged":
            data["codes"] = data["codes"][:-1]
        else:
            data["key_pos"][0] = 99
        path.write_bytes(gzip.compress(json.dumps(data).encode()))
    assert C.load(key) is None
    lex = _fresh_build()  # falls back to compiling, and rewrites a good cache
    assert _terms(lex) == compiled and C.load(key) is not None


def test_read_only_shipped_copy_is_used(compiled, key_pos, monkeypatch, tmp_path):
    """A built app ships the cache under resources/cache/ (installers/linux/build.sh); it is read from there
    when the data folder has none, and nothing is compiled."""
    key = C.cache_key()
    monkeypatch.setenv("MEDASSIST_LEXICON_CACHE_DIR", str(tmp_path / "bundle" / "resources" / "cache"))
    shipped = C.save(key, compiled, key_pos)
    monkeypatch.delenv("MEDASSIST_LEXICON_CACHE_DIR")
    monkeypatch.setattr(C, "_bundled_path", lambda k: shipped.parent / f"{C.PREFIX}{k}.json.gz")
    assert not C.cache_path(key).exists()
    monkeypatch.setattr(L, "_compile", lambda: pytest.fail("compiled although the shipped cache is valid"))
    assert _terms(_fresh_build()) == compiled
