"""The compiled ICD-10-CM lexicon is cached on disk under a key of everything that shapes it; a stale or
damaged cache is never used."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

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


@pytest.mark.parametrize("name", C._RESOURCES)
def test_every_resource_the_compiled_terms_read_is_in_the_key(name, monkeypatch, tmp_path):
    """The compiled terms depend on these files (word_equivalents.json since the sarcoma sites are compared one word
    per organ): an edited copy of any of them gives another key, so a stale cache is never read."""
    from medassist import config

    before = C.cache_key()
    real = config.resource_path
    copy = tmp_path / name.replace("/", "_")
    copy.write_bytes(Path(real(name)).read_bytes() + b" ")
    monkeypatch.setattr(config, "resource_path", lambda n, _r=real: copy if n == name else _r(n))
    assert C.cache_key() != before


def test_the_key_holds_every_resource_the_compiler_reads(monkeypatch):
    """Each resource file the lexicon's compiler opens is one the cache key hashes (a file it read but the key left
    out would leave a stale cache in use after an update: word_equivalents.json, read since the sarcoma sites are
    compared one word per organ)."""
    read = []
    real = L.resource_path
    monkeypatch.setattr(L, "resource_path", lambda name: read.append(name) or real(name))
    L.word_equivalents.cache_clear()
    try:
        L._compile()
    finally:
        L.word_equivalents.cache_clear()
    assert read and set(read) <= set(C._RESOURCES), sorted(set(read) - set(C._RESOURCES))
