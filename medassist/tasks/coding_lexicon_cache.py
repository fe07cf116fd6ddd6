"""On-disk cache of the compiled ICD-10-CM term lexicon.

Compiling the lexicon from the tabular list (about 70,000 terms: descriptions, inclusion terms, neoplasm
rows, abbreviations, each mapped to its billable target) takes 1-2 s on a small machine, which was most of
the time from dropping a note on a freshly started window to its first codes. The compiled terms are pure
public code-set data (no note text, no PHI), so they are kept as JSON in the data folder's ``cache/``
subfolder and reused by later processes.

The cache file name carries a key: a digest of every input that shapes the terms (the tabular, neoplasm and
abbreviation resources, the source of the modules that compile them when it is on disk, the package
version and a format number). Any change gives a new key, the old file is ignored and replaced, so a stale
lexicon is never used. A damaged or unreadable cache is ignored the same way (and rebuilt); a read-only data
folder only costs the speed-up.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

FORMAT = 2  # 2: each term's index-word position kept too
PREFIX = "icd10-lexicon-"
_RESOURCES = ("icd10cm/tabular.json.gz", "icd10cm/neoplasm.json", "icd10cm/abbreviations.json",
              "icd10cm/word_equivalents.json")  # (the sarcoma sites are compared as one word per organ)
_MODULES = ("medassist.tasks.coding_lexicon", "medassist.tasks.coding_text", "medassist.icd10")

log = logging.getLogger(__name__)


def cache_key() -> str:
    import medassist
    from medassist.config import resource_path

    h = hashlib.sha256(f"{FORMAT}|{medassist.__version__}".encode())
    for name in _RESOURCES:
        p = Path(resource_path(name))
        h.update(name.encode())
        h.update(p.read_bytes() if p.is_file() else b"<missing>")
    for mod_name in _MODULES:
        mod = sys.modules.get(mod_name)
        src = getattr(mod, "__file__", None) if mod is not None else None
        if src and src.endswith(".py") and os.path.isfile(src):  # a frozen build has no sources: its version counts
            h.update(mod_name.encode())
            h.update(Path(src).read_bytes())
    return h.hexdigest()[:20]


def cache_folder() -> Path | None:
    """Where the cache is written: MEDASSIST_LEXICON_CACHE_DIR when set (the Linux build script points it
    into the bundle, so the first launch of an installed app is fast too), else the data folder's cache/."""
    if os.environ.get("MEDASSIST_LEXICON_CACHE_DIR"):
        return Path(os.environ["MEDASSIST_LEXICON_CACHE_DIR"])
    try:
        from medassist.config import home_dir

        return home_dir() / "cache"
    except OSError:
        return None


def cache_path(key: str | None = None) -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / f"{PREFIX}{key or cache_key()}.json.gz"


def _bundled_path(key: str) -> Path:
    from medassist.config import resource_path

    return Path(resource_path("cache", f"{PREFIX}{key}.json.gz"))


def load(key: str) -> tuple[list[tuple[str, tuple[str, ...], str, str]], list[int]] | None:
    """The cached terms as (code, words, text, source) rows with each term's index-word position, or None
    when absent, stale or damaged. Looks in the writable cache folder, then in a read-only copy shipped with
    a built app (resources/cache/)."""
    for path in (cache_path(key), _bundled_path(key)):
        if path is not None and path.is_file():
            rows = _read(path, key)
            if rows is not None:
                return rows
    return None


def _read(path: Path, key: str):
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        codes, words, texts, sources = data["codes"], data["words"], data["texts"], data["sources"]
        src_names, key_pos = data["source_names"], data["key_pos"]
        if not (len(codes) == len(words) == len(texts) == len(sources) == len(key_pos)):
            return None
        rows = [(c, tuple(w.split(" ")) if w else (), t, src_names[s]) for c, w, t, s in zip(codes, words, texts, sources)]
        if any(not -1 <= k < len(r[1]) for k, r in zip(key_pos, rows)):
            return None
        return rows, [int(k) for k in key_pos]
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError) as e:
        log.info("lexicon cache ignored (%s)", type(e).__name__)
        return None


def save(key: str, rows, key_pos: list[int]) -> Path | None:
    """Write the terms (and each one's index-word position) atomically; remove caches of other keys.
    Failures only cost the speed-up."""
    path = cache_path(key)
    if path is None:
        return None
    src_names: list[str] = []
    src_index: dict[str, int] = {}
    codes, words, texts, sources = [], [], [], []
    for code, w, text, source in rows:
        if source not in src_index:
            src_index[source] = len(src_names)
            src_names.append(source)
        codes.append(code)
        words.append(" ".join(w))
        texts.append(text)
        sources.append(src_index[source])
    data = {"format": FORMAT, "key": key, "about": "compiled ICD-10-CM terms (public code-set data; no PHI)",
            "source_names": src_names, "codes": codes, "words": words, "texts": texts, "sources": sources,
            "key_pos": list(key_pos)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lexicon-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as fh:
                fh.write(json.dumps(data, separators=(",", ":")).encode("utf-8"))
            os.chmod(tmp, 0o644)  # public code-set data; a copy shipped in an installed app must be readable by all
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{PREFIX}*"):
            if old != path:
                old.unlink(missing_ok=True)
        return path
    except OSError as e:
        log.info("lexicon cache not written (%s)", type(e).__name__)
        return None
